#include "kernels/qada.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/splitmix.h"
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

double log_sum_exp(const float *x, int64_t n, double acc = -INFINITY) {
    double mx = acc;
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, double(x[i]));
    if (mx == -INFINITY) return mx;
    double sum = std::exp(acc - mx);
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
    const int64_t hd = a.head_dim, q_dim = a.n_head * hd, group = a.n_head / a.n_head_kv;
    const bool dense = c.dense();
    const bool want_oracle = qa.record != nullptr || c.decision == QadaDecision::oracle;
    pool.parallel_for(a.n_tokens * a.n_head, [&](int64_t w0, int64_t w1, int) {
        thread_local std::vector<float> loc, bulk, full;
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t t = w / a.n_head, h = w % a.n_head, kvh = h / group, pos = a.pos0 + t;
            const float *q = a.q + t * q_dim + h * hd;
            float *o = a.out + t * q_dim + h * hd;
            const QadaSplit sp(pos, c.t_sink, c.t_local);
            const int64_t se = sp.sink_end, wl = sp.window_lo, nb = sp.n_bulk(), n_win = pos - wl + 1;

            // Local raw scores: sinks, then the recent window (position order when the bulk is empty).
            loc.resize(static_cast<size_t>(se + n_win));
            dot_keys(a, kvh, q, 0, se - 1, loc.data());
            dot_keys(a, kvh, q, wl, pos, loc.data() + se);
            double m = 0, v = 0;
            if (nb > 0) {
                if (c.moments == QadaMoments::local) {
                    mean_variance(loc.data() + se, n_win, m, v);
                } else {
                    m = qa.bulk_moments[2 * (t * a.n_head + h)];
                    v = qa.bulk_moments[2 * (t * a.n_head + h) + 1];
                }
            }
            const bool bulk_scored = nb > 0 && (want_oracle || dense);
            if (bulk_scored) {
                bulk.resize(static_cast<size_t>(nb));
                dot_keys(a, kvh, q, se, wl - 1, bulk.data());
                if (a.softcap > 0) softcap(bulk.data(), nb, a.softcap);
            }
            if (a.softcap > 0) softcap(loc.data(), se + n_win, a.softcap);

            // Criterion, oracle and decision.
            const double lse_loc = log_sum_exp(loc.data(), se + n_win);
            double p_hat = 0, p_bulk = 0;
            if (nb > 0) {
                p_hat = sigmoid_of_difference(std::log(double(nb)) + log_mean_exp_gaussian(m, v, a.softcap), lse_loc);
                if (bulk_scored) p_bulk = sigmoid_of_difference(log_sum_exp(bulk.data(), nb), lse_loc);
            }
            bool long_context = false;
            if (nb > 0) switch (c.decision) {
                case QadaDecision::estimate: long_context = dense || (c.tau < 1.0 && p_hat >= c.tau); break;
                case QadaDecision::oracle: long_context = dense || (c.tau < 1.0 && p_bulk >= c.tau); break;
                case QadaDecision::labels: long_context = qa.labels[h] != 0; break;
                case QadaDecision::forced: long_context = uniform_of(a.layer, h, pos) >= c.tau; break;
            }
            if (qa.record) {
                qa.record[2 * (t * a.n_head + h)] = static_cast<float>(p_hat);
                qa.record[2 * (t * a.n_head + h) + 1] = static_cast<float>(p_bulk);
            }
            if (qa.decisions) qa.decisions[t * a.n_head + h] = long_context ? 1 : 0;

            std::memset(o, 0, hd * sizeof(float));
            if (dense) {
                // Exactly the dense kernel's computation, so that tau = 0 changes no bit.
                full.resize(static_cast<size_t>(pos + 1));
                dot_keys(a, kvh, q, 0, pos, full.data());
                if (a.softcap > 0) softcap(full.data(), pos + 1, a.softcap);
                softmax(full.data(), pos + 1);
                add_values(a, kvh, full.data(), 0, pos, o);
                continue;
            }
            const double lse_l = softmax(loc.data(), se + n_win);
            if (!long_context) {
                add_values(a, kvh, loc.data(), 0, se - 1, o);
                add_values(a, kvh, loc.data() + se, wl, pos, o);
                continue;
            }
            if (!bulk_scored) {
                bulk.resize(static_cast<size_t>(nb));
                dot_keys(a, kvh, q, se, wl - 1, bulk.data());
                if (a.softcap > 0) softcap(bulk.data(), nb, a.softcap);
            }
            const double lse_b = softmax(bulk.data(), nb);
            // Weights of the local and bulk parts in the merged softmax: e^lse / (e^lse_l + e^lse_b).
            const float wloc = static_cast<float>(sigmoid_of_difference(lse_l, lse_b)), wbulk = 1.0f - wloc;
            for (int64_t i = 0; i < se + n_win; ++i) loc[i] *= wloc;
            for (int64_t i = 0; i < nb; ++i) bulk[i] *= wbulk;
            add_values(a, kvh, loc.data(), 0, se - 1, o);
            add_values(a, kvh, bulk.data(), se, wl - 1, o);
            add_values(a, kvh, loc.data() + se, wl, pos, o);
        }
    });
}

}  // namespace tiller
