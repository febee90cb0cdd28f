#include "kernels/qada.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/splitmix.h"
#include "kernels/dot.h"
#include "kernels/elementwise.h"

namespace tiller {

namespace {
// Nodes and weights of 16-point Gauss-Hermite quadrature (weight exp(-x^2)), as
// numpy.polynomial.hermite.hermgauss(16) gives them; symmetric, so the positive half.
constexpr double kNodes[8] = {0.27348104613815244, 0.8229514491446559, 1.3802585391988809, 1.9517879909162539,
                              2.5462021578474814,  3.176999161979956,  3.8694479048601229, 4.6887389393058188};
constexpr double kWeights[8] = {0.50792947901661367,    0.28064745852853368,    0.083810041398985832,
                                0.012880311535509989,   0.00093228400862418071, 2.7118600925378892e-05,
                                2.3209808448652032e-07, 2.6548074740111673e-10};

double log_sum_exp(const float *x, int64_t n) {
    double mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, double(x[i]));
    if (mx == -INFINITY) return mx;
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(double(x[i]) - mx);
    return mx + std::log(sum);
}

// Mean and population variance of n raw scores, in double.
void mean_variance(const float *x, int64_t n, double &m, double &v) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += x[i];
    m = s / double(n);
    double ss = 0;
    for (int64_t i = 0; i < n; ++i) ss += (x[i] - m) * (x[i] - m);
    v = ss / double(n);
}

double sigmoid_of_difference(double a, double b) { return 1.0 / (1.0 + std::exp(b - a)); }  // e^a / (e^a + e^b)

// A value in [0, 1) fixed by (layer, head, position): the forced decisions of benchmarks.
double uniform_of(int64_t layer, int64_t head, int64_t pos) {
    const uint64_t x = splitmix64((uint64_t(layer) << 48) ^ (uint64_t(head) << 32) ^ uint64_t(pos));
    return double(x >> 11) * 0x1.0p-53;
}
}  // namespace

double log_mean_exp_gaussian(double m, double v, float cap) {
    v = std::max(v, 0.0);
    if (cap <= 0) return m + 0.5 * v;
    const double spread = std::sqrt(2.0 * v);
    double terms[16], mx = -INFINITY;
    for (int i = 0; i < 8; ++i)
        for (int sign = 0; sign < 2; ++sign) {
            const double z = m + (sign ? -spread : spread) * kNodes[i];
            const double t = std::log(kWeights[i]) + cap * std::tanh(z / cap);
            terms[2 * i + sign] = t;
            mx = std::max(mx, t);
        }
    double sum = 0;
    for (double t : terms) sum += std::exp(t - mx);
    return mx + std::log(sum) - 0.5 * std::log(M_PI);
}

void qada_attention(ThreadPool &pool, const AttentionArgs &a, const QadaArgs &qa) {
    const QadaConfig &c = *qa.config;
    const int64_t hd = a.head_dim, q_dim = a.n_head * hd, group = a.n_head / a.n_head_kv, pairs = a.n_tokens * a.n_head;
    const bool dense = c.dense();
    const bool want_oracle = qa.record != nullptr || c.decision == QadaDecision::oracle;
    // tau = 0: the dense kernel's output, bit for bit; what follows only records.
    if (dense) attention(pool, a);
    if (dense && !qa.record && !qa.decisions) return;
    std::vector<uint8_t> long_context(static_cast<size_t>(pairs), 0);
    std::vector<double> lse_local(static_cast<size_t>(pairs));

    // 1. Per (query, head): local scores and attention, the criterion, the oracle when wanted, the decision.
    pool.parallel_for(pairs, [&](int64_t w0, int64_t w1, int) {
        thread_local std::vector<float> loc, bulk;
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t t = w / a.n_head, h = w % a.n_head, kvh = h / group, pos = a.pos0 + t;
            const float *q = a.q + t * q_dim + h * hd;
            const QadaSplit sp(pos, c.t_sink, c.t_local);
            const int64_t se = sp.sink_end, wl = sp.window_lo, nb = sp.n_bulk(), n_win = pos - wl + 1, n_loc = se + n_win;

            // Local raw scores: sinks, then the recent window (position order when the bulk is empty).
            loc.resize(static_cast<size_t>(n_loc));
            dot_keys(a, kvh, q, 0, se - 1, loc.data());
            dot_keys(a, kvh, q, wl, pos, loc.data() + se);
            double m = 0, v = 0;
            if (nb > 0) {
                if (c.moments == QadaMoments::local) {
                    mean_variance(loc.data() + se, n_win, m, v);
                } else {
                    m = qa.bulk_moments[2 * w];
                    v = qa.bulk_moments[2 * w + 1];
                }
            }
            if (a.softcap > 0) softcap(loc.data(), n_loc, a.softcap);
            const double lse_loc = log_sum_exp(loc.data(), n_loc);
            double p_hat = 0, p_bulk = 0;
            if (nb > 0) {
                p_hat = sigmoid_of_difference(std::log(double(nb)) + log_mean_exp_gaussian(m, v, a.softcap), lse_loc);
                if (want_oracle) {  // the exact bulk mass reads every bulk key
                    bulk.resize(static_cast<size_t>(nb));
                    dot_keys(a, kvh, q, se, wl - 1, bulk.data());
                    if (a.softcap > 0) softcap(bulk.data(), nb, a.softcap);
                    p_bulk = sigmoid_of_difference(log_sum_exp(bulk.data(), nb), lse_loc);
                }
            }
            bool is_long = false;
            if (nb > 0) switch (c.decision) {
                case QadaDecision::estimate: is_long = dense || (c.tau < 1.0 && p_hat >= c.tau); break;
                case QadaDecision::oracle: is_long = dense || (c.tau < 1.0 && p_bulk >= c.tau); break;
                case QadaDecision::labels: is_long = qa.labels[h] != 0; break;
                case QadaDecision::forced: is_long = uniform_of(a.layer, h, pos) >= c.tau; break;
            }
            if (qa.record) {
                qa.record[2 * w] = static_cast<float>(p_hat);
                qa.record[2 * w + 1] = static_cast<float>(p_bulk);
            }
            if (qa.decisions) qa.decisions[w] = is_long ? 1 : 0;
            if (dense) continue;  // the dense kernel wrote the output
            long_context[w] = is_long;
            float *o = a.out + t * q_dim + h * hd;
            std::memset(o, 0, hd * sizeof(float));
            lse_local[w] = softmax(loc.data(), n_loc);
            add_values(a, kvh, loc.data(), 0, se - 1, o);
            add_values(a, kvh, loc.data() + se, wl, pos, o);
        }
    });
    if (dense) return;

    // 2. The bulk of long-context heads, in spans across the threads: partial max, sum, output.
    struct Span {
        int64_t w, lo, hi;
    };
    std::vector<Span> spans;
    int64_t n_long = 0;
    for (int64_t w = 0; w < pairs; ++w) n_long += long_context[w];
    for (int64_t w = 0; w < pairs; ++w) {
        if (!long_context[w]) continue;
        const QadaSplit sp(a.pos0 + w / a.n_head, c.t_sink, c.t_local);
        const int64_t nb = sp.n_bulk(), k = spans_for(nb, n_long), len = (nb + k - 1) / k;
        for (int64_t s = 0; s < k; ++s)
            spans.push_back({w, sp.sink_end + s * len, std::min(sp.window_lo - 1, sp.sink_end + (s + 1) * len - 1)});
    }
    if (spans.empty()) return;
    std::vector<float> part_m(spans.size()), part_l(spans.size()), part_o(spans.size() * hd, 0.0f);
    pool.parallel_for(static_cast<int64_t>(spans.size()), [&](int64_t i0, int64_t i1, int) {
        thread_local std::vector<float> s;
        for (int64_t i = i0; i < i1; ++i) {
            const Span &sp = spans[i];
            const int64_t t = sp.w / a.n_head, h = sp.w % a.n_head, n = sp.hi - sp.lo + 1;
            s.resize(static_cast<size_t>(n));
            dot_keys(a, h / group, a.q + t * q_dim + h * hd, sp.lo, sp.hi, s.data());
            if (a.softcap > 0) softcap(s.data(), n, a.softcap);
            part_m[i] = *std::max_element(s.begin(), s.begin() + n);
            part_l[i] = exp_shifted(s.data(), n, part_m[i]);
            add_values(a, h / group, s.data(), sp.lo, sp.hi, &part_o[i * hd]);
        }
    });

    // 3. Merge each long-context head's local output (weight e^lse_local) with its bulk spans.
    for (size_t i = 0; i < spans.size();) {
        const int64_t w = spans[i].w;
        size_t j = i;
        double mx = lse_local[w];
        for (; j < spans.size() && spans[j].w == w; ++j) mx = std::max(mx, double(part_m[j]));
        float *o = a.out + (w / a.n_head) * q_dim + (w % a.n_head) * hd;
        const float w_loc = static_cast<float>(std::exp(lse_local[w] - mx));
        double total = w_loc;
        for (int64_t d = 0; d < hd; ++d) o[d] *= w_loc;
        for (size_t k = i; k < j; ++k) {
            const float wk = static_cast<float>(std::exp(part_m[k] - mx));
            total += double(wk) * part_l[k];
            axpy_f32(wk, &part_o[k * hd], o, hd);
        }
        const float inv = static_cast<float>(1.0 / total);
        for (int64_t d = 0; d < hd; ++d) o[d] *= inv;
        i = j;
    }
}

}  // namespace tiller
