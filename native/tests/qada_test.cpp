// Query-adaptive attention (kernels/qada.h) against references written from the definitions in
// tiller.h, in double: tau = 1 is sink + window attention; tau = 0 is the dense kernel bit for
// bit; p-hat from the mean and covariance matrix of the key set (local and bulk moments) and the exact
// bulk mass; long-context heads (labels, oracle, forced decisions) merge to the dense output.
// Under a soft-cap the reference uses the contract's 16-node Gauss-Hermite rule with nodes found
// here by bisection; a Simpson integral shows how far that rule is from the exact expectation.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "attention_problem.h"
#include "core/error.h"
#include "kernels/qada.h"
#include "runtime/adaptive_attention.h"
#include "runtime/key_moments.h"
#include "test.h"

using namespace tiller;
using namespace tiller_test;

namespace {
constexpr int64_t kLayer = 7;

// Queries scaled down so that scores are O(1) and p-hat and p_bulk fall between 0 and 1.
Problem problem(const Shape &s, uint32_t seed) {
    Problem p(s, seed);
    for (float &x : p.q) x *= 0.12f;
    return p;
}

HParams hparams(const Shape &s) {
    HParams hp;
    hp.n_layer = kLayer + 1;
    hp.head_dim = s.head_dim;
    hp.attn_softcap = s.softcap;
    hp.layers.assign(static_cast<size_t>(hp.n_layer), LayerParams{false, s.n_head, s.n_head_kv, 8});
    return hp;
}

bool local_position(int64_t i, int64_t t, int64_t t_sink, int64_t t_local) { return i < t_sink || i > t - t_local; }

double capped(double s, float cap) { return cap > 0 ? cap * std::tanh(s / cap) : s; }

// Physicists' Hermite polynomial H_16 and H_15 at x by the three-term recurrence.
std::pair<double, double> hermite16(double x) {
    double h0 = 1, h1 = 2 * x;
    for (int n = 1; n < 16; ++n) {
        const double h2 = 2 * x * h1 - 2 * n * h0;
        h0 = h1;
        h1 = h2;
    }
    return {h1, h0};
}

// The 16 nodes and weights of Gauss-Hermite quadrature: roots of H_16 by bisection between sign
// changes, weights 2^15 16! sqrt(pi) / (16^2 H_15(x)^2).
const std::vector<std::pair<double, double>> &hermite_nodes() {
    static const std::vector<std::pair<double, double>> nodes = [] {
        std::vector<std::pair<double, double>> out;
        double factorial = 1;
        for (int k = 2; k <= 16; ++k) factorial *= k;
        for (double a = -7.0; a < 7.0; a += 1e-3) {
            double lo = a, hi = a + 1e-3;
            if ((hermite16(lo).first > 0) == (hermite16(hi).first > 0)) continue;
            for (int it = 0; it < 100; ++it) {
                const double mid = 0.5 * (lo + hi);
                ((hermite16(mid).first > 0) == (hermite16(lo).first > 0) ? lo : hi) = mid;
            }
            const double x = 0.5 * (lo + hi), h15 = hermite16(x).second;
            out.emplace_back(x, std::pow(2.0, 15) * factorial * std::sqrt(M_PI) / (256.0 * h15 * h15));
        }
        return out;
    }();
    return nodes;
}

struct Reference {
    double p_hat = 0, p_bulk = 0;
    std::vector<double> dense, local;  // outputs of dense and of sink + window attention
};

// Everything about query row t, head h, from the definitions.
Reference reference(const Problem &p, int64_t t, int64_t h, int64_t t_sink, int64_t t_local, QadaMoments moments) {
    const Shape &s = p.s;
    const int64_t hd = s.head_dim, kv = s.n_head_kv * hd, g = h / (s.n_head / s.n_head_kv), pos = s.pos0 + t;
    const float *q = &p.q[(t * s.n_head + h) * hd];
    auto key = [&](int64_t i, int64_t j) { return double(p.keys[i * kv + g * hd + j]); };
    std::vector<double> raw(static_cast<size_t>(pos + 1)), c(raw.size());
    double mx = -INFINITY;
    for (int64_t i = 0; i <= pos; ++i) {
        double d = 0;
        for (int64_t j = 0; j < hd; ++j) d += double(q[j]) * key(i, j);
        raw[i] = d;
        c[i] = capped(d, s.softcap);
        mx = std::max(mx, c[i]);
    }
    double z_all = 0, z_loc = 0, z_bulk = 0;
    std::vector<int64_t> bulk_set, moment_set;
    for (int64_t i = 0; i <= pos; ++i) {
        const double e = std::exp(c[i] - mx);
        z_all += e;
        if (local_position(i, pos, t_sink, t_local)) z_loc += e;
        else z_bulk += e, bulk_set.push_back(i);
    }
    Reference r;
    r.dense.assign(static_cast<size_t>(hd), 0.0);
    r.local.assign(static_cast<size_t>(hd), 0.0);
    for (int64_t i = 0; i <= pos; ++i) {
        const double e = std::exp(c[i] - mx);
        for (int64_t j = 0; j < hd; ++j) {
            const double v = p.values[i * kv + g * hd + j];
            r.dense[j] += e / z_all * v;
            if (local_position(i, pos, t_sink, t_local)) r.local[j] += e / z_loc * v;
        }
    }
    if (bulk_set.empty()) return r;
    r.p_bulk = z_bulk / z_all;
    if (moments == QadaMoments::bulk) moment_set = bulk_set;
    else
        for (int64_t i = std::max(t_sink, pos - t_local + 1); i <= pos; ++i) moment_set.push_back(i);
    // Mean and population covariance of the key set, then m = q.mu and v = q' Sigma q.
    const double n = double(moment_set.size());
    std::vector<double> mu(static_cast<size_t>(hd), 0.0), sigma(static_cast<size_t>(hd * hd), 0.0);
    for (int64_t i : moment_set)
        for (int64_t j = 0; j < hd; ++j) mu[j] += key(i, j) / n;
    for (int64_t i : moment_set)
        for (int64_t a = 0; a < hd; ++a)
            for (int64_t b = 0; b < hd; ++b) sigma[a * hd + b] += (key(i, a) - mu[a]) * (key(i, b) - mu[b]) / n;
    double m = 0, v = 0;
    for (int64_t a = 0; a < hd; ++a) {
        m += q[a] * mu[a];
        for (int64_t b = 0; b < hd; ++b) v += q[a] * sigma[a * hd + b] * q[b];
    }
    double mean_exp = 0;
    if (s.softcap <= 0) {
        mean_exp = std::exp(m + v / 2);
    } else {  // the contract's 16-node Gauss-Hermite: E f(z) = sum_i w_i f(m + sqrt(2 v) x_i) / sqrt(pi)
        for (const auto &[x, w] : hermite_nodes())
            mean_exp += w / std::sqrt(M_PI) * std::exp(capped(m + std::sqrt(2 * v) * x, s.softcap));
    }
    const double z_hat = double(bulk_set.size()) * mean_exp, z_loc_abs = z_loc * std::exp(mx);
    r.p_hat = z_hat / (z_loc_abs + z_hat);
    return r;
}

struct Run {
    std::vector<float> out, record;
    std::vector<uint8_t> decisions;
};

Run run(const Problem &p, const QadaConfig &c, const std::vector<uint8_t> &labels = {}, int threads = 3) {
    const Shape &s = p.s;
    ThreadPool pool(threads);
    Run r;
    r.out.assign(static_cast<size_t>(s.n_tokens * s.n_head * s.head_dim), NAN);
    r.record.assign(static_cast<size_t>(s.n_tokens * s.n_head * 2), NAN);
    r.decisions.assign(static_cast<size_t>(s.n_tokens * s.n_head), 9);
    AttentionArgs a = p.args(r.out.data(), nullptr);
    a.layer = kLayer;
    QadaArgs qa{&c};
    std::vector<double> mv;
    HParams hp = hparams(s);
    KeyMoments km(hp);
    if (c.moments == QadaMoments::bulk) {
        km.reset(c.t_sink, c.t_local);
        mv.resize(r.record.size());
        km.moments(pool, a, mv.data());
        qa.bulk_moments = mv.data();
    }
    qa.labels = labels.empty() ? nullptr : labels.data();
    qa.record = r.record.data();
    qa.decisions = r.decisions.data();
    qada_attention(pool, a, qa);
    return r;
}

bool close(double ref, float got, double tol = 2e-5) { return std::fabs(ref - got) <= tol * (1.0 + std::fabs(ref)); }

// The output of every head equals dense attention where it was long-context and sink + window
// attention elsewhere; returns the number of values that differ.
int check_outputs(const Problem &p, const QadaConfig &c, const Run &r) {
    int wrong = 0;
    const int64_t hd = p.s.head_dim;
    for (int64_t t = 0; t < p.s.n_tokens; ++t)
        for (int64_t h = 0; h < p.s.n_head; ++h) {
            const Reference ref = reference(p, t, h, c.t_sink, c.t_local, c.moments);
            const std::vector<double> &want = r.decisions[t * p.s.n_head + h] ? ref.dense : ref.local;
            for (int64_t j = 0; j < hd; ++j)
                if (!close(want[j], r.out[(t * p.s.n_head + h) * hd + j])) ++wrong;
        }
    if (wrong) std::fprintf(stderr, "  %d output values differ from the reference\n", wrong);
    return wrong;
}

const Shape kShapes[] = {
    {4, 4, 16, 0, 40, 0, 0.0f, 0},   // prefill from an empty cache
    {8, 2, 16, 57, 1, 0, 0.0f, 0},   // decode, grouped-query heads
    {8, 2, 16, 30, 12, 0, 0.0f, 0},  // a batch after cached positions
    {4, 2, 16, 33, 5, 0, 1.5f, 0},   // Gemma 2's soft-cap, small enough to bend the scores
};

QadaConfig config(QadaDecision d, double tau, QadaMoments moments = QadaMoments::local) {
    return QadaConfig::make(d, tau, 3, 5, moments);
}
}  // namespace

TEST(tau_one_is_sink_plus_window_attention) {
    for (const Shape &s : kShapes) {
        Problem p = problem(s, 5);
        const QadaConfig c = config(QadaDecision::estimate, 1.0);
        Run r = run(p, c);
        CHECK(std::all_of(r.decisions.begin(), r.decisions.end(), [](uint8_t d) { return d == 0; }));
        CHECK(check_outputs(p, c, r) == 0);
    }
}

TEST(tau_zero_is_the_dense_kernel_bit_for_bit) {
    for (const Shape &s : kShapes) {
        Problem p = problem(s, 6);
        std::vector<float> dense(static_cast<size_t>(s.n_tokens * s.n_head * s.head_dim));
        ThreadPool pool(2);
        attention(pool, p.args(dense.data(), nullptr));
        for (QadaMoments mo : {QadaMoments::local, QadaMoments::bulk}) {
            Run r = run(p, config(QadaDecision::estimate, 0.0, mo));
            CHECK(r.out == dense);
        }
    }
}

TEST(estimates_match_the_definitions_for_both_moments) {
    for (const Shape &s : kShapes)
        for (QadaMoments mo : {QadaMoments::local, QadaMoments::bulk}) {
            Problem p = problem(s, 7);
            const QadaConfig c = config(QadaDecision::estimate, 0.5, mo);
            Run r = run(p, c);
            int bad = 0, informative = 0;
            for (int64_t t = 0; t < s.n_tokens; ++t)
                for (int64_t h = 0; h < s.n_head; ++h) {
                    const Reference ref = reference(p, t, h, c.t_sink, c.t_local, mo);
                    const float got_hat = r.record[2 * (t * s.n_head + h)], got_bulk = r.record[2 * (t * s.n_head + h) + 1];
                    if (std::fabs(ref.p_hat - got_hat) > 1e-5 || std::fabs(ref.p_bulk - got_bulk) > 1e-5) {
                        if (bad++ < 3) std::fprintf(stderr, "  t %lld h %lld: p-hat %g vs %g, p_bulk %g vs %g\n", (long long)t,
                                                    (long long)h, got_hat, ref.p_hat, got_bulk, ref.p_bulk);
                    }
                    if (ref.p_hat > 0.01 && ref.p_hat < 0.99) ++informative;
                    const bool want_long = ref.p_hat >= 0.5;
                    if (std::fabs(ref.p_hat - 0.5) > 1e-4 && r.decisions[t * s.n_head + h] != (want_long ? 1 : 0)) ++bad;
                }
            CHECK(bad == 0);
            CHECK(informative > 0);  // the problem is not all zeros and ones
            CHECK(check_outputs(p, c, r) == 0);
        }
}

TEST(labelled_oracle_and_forced_long_heads_merge_to_dense_attention) {
    const Shape s{8, 2, 16, 30, 12, 0, 1.5f, 0};
    Problem p = problem(s, 8);
    std::vector<uint8_t> labels{1, 0, 0, 1, 1, 1, 0, 1};
    QadaConfig c = config(QadaDecision::labels, 0.0);
    Run r = run(p, c, labels);
    for (int64_t t = 0; t < s.n_tokens; ++t)
        for (int64_t h = 0; h < s.n_head; ++h) {
            const bool bulk_empty = s.pos0 + t < c.t_sink + c.t_local;
            CHECK(r.decisions[t * s.n_head + h] == (bulk_empty ? 0 : labels[h]));
        }
    CHECK(check_outputs(p, c, r) == 0);

    std::vector<double> masses;
    for (int64_t t = 0; t < s.n_tokens; ++t)
        for (int64_t h = 0; h < s.n_head; ++h) masses.push_back(reference(p, t, h, 3, 5, QadaMoments::local).p_bulk);
    std::sort(masses.begin(), masses.end());
    const double tau = masses[masses.size() * 2 / 3];  // a third of the pairs long-context
    c = config(QadaDecision::oracle, tau);
    r = run(p, c);
    int long_heads = 0;
    for (int64_t t = 0; t < s.n_tokens; ++t)
        for (int64_t h = 0; h < s.n_head; ++h) {
            const double mass = reference(p, t, h, c.t_sink, c.t_local, c.moments).p_bulk;
            if (std::fabs(mass - tau) > 1e-5) CHECK(r.decisions[t * s.n_head + h] == (mass >= tau ? 1 : 0));
            long_heads += r.decisions[t * s.n_head + h];
        }
    CHECK(long_heads > 0 && long_heads < s.n_tokens * s.n_head);
    CHECK(check_outputs(p, c, r) == 0);

    const Shape big{8, 2, 16, 400, 50, 0, 0.0f, 0};
    Problem pb = problem(big, 9);
    c = config(QadaDecision::forced, 0.8);
    r = run(pb, c);
    const double local = 1.0 - double(std::count(r.decisions.begin(), r.decisions.end(), 1)) / double(r.decisions.size());
    std::fprintf(stderr, "  forced 0.8: %.3f local\n", local);
    CHECK(std::fabs(local - 0.8) < 0.05);
    CHECK(check_outputs(pb, c, r) == 0);
    CHECK(run(pb, c, {}, 1).out == r.out);  // the decisions depend on (layer, head, position) only
}

TEST(soft_capped_mean_exp_by_gauss_hermite) {
    // Against the closed form without a cap, and a cap so large that it does nothing.
    CHECK(std::fabs(log_mean_exp_gaussian(0.7, 2.0, 0.0f) - 1.7) < 1e-12);
    CHECK(std::fabs(log_mean_exp_gaussian(0.7, 2.0, 1e6f) - 1.7) < 1e-6);
    CHECK(std::fabs(log_mean_exp_gaussian(0.0, 0.0, 5.0f)) < 1e-12);  // z = 0 surely: exp(f(0)) = 1
    CHECK(log_mean_exp_gaussian(40.0, 100.0, 5.0f) <= 5.0 + 1e-9);    // bounded by exp(cap)
    // The 16-node rule against a Simpson integral of the exact expectation: close at Gemma 2's
    // cap of 50 for the spreads of real scores, within 1e-3 even where a cap of 1.5 bends them.
    auto simpson = [](double m, double v, double cap) {
        const int steps = 20000;
        const double sd = std::sqrt(v), lo = m - 12 * sd, step = 24 * sd / steps;
        double sum = 0;
        for (int k = 0; k <= steps; ++k) {
            const double z = lo + k * step;
            const double f = std::exp(-0.5 * (z - m) * (z - m) / v) / std::sqrt(2 * M_PI * v) * std::exp(capped(z, float(cap)));
            sum += f * (k == 0 || k == steps ? 1 : k % 2 ? 4 : 2);
        }
        return std::log(sum * step / 3);
    };
    CHECK(std::fabs(log_mean_exp_gaussian(2.0, 9.0, 50.0f) - simpson(2.0, 9.0, 50.0)) < 1e-6);
    CHECK(std::fabs(log_mean_exp_gaussian(-3.0, 30.0, 50.0f) - simpson(-3.0, 30.0, 50.0)) < 1e-4);
    CHECK(std::fabs(log_mean_exp_gaussian(0.1, 0.8, 1.5f) - simpson(0.1, 0.8, 1.5)) < 1e-3);
    // The test's own nodes agree with the table the kernel carries.
    CHECK(hermite_nodes().size() == 16);
    double total = 0;
    for (const auto &nw : hermite_nodes()) total += nw.second;
    CHECK(std::fabs(total - std::sqrt(M_PI)) < 1e-10);
}

TEST(misuse_is_refused) {
    const Shape s{4, 2, 16, 0, 1, 0, 0.0f, 0};
    HParams hp = hparams(s);
    AdaptiveAttention ad(hp);
    auto code = [&](QadaConfig c, std::vector<uint8_t> labels = {}) { return error_code([&] { ad.configure(c, labels); }); };
    QadaConfig c = config(QadaDecision::estimate, 0.5);
    CHECK(code(c) == TILLER_OK);
    c.tau = 1.5;
    CHECK(code(c) == TILLER_ERR_INVALID_ARGUMENT);
    c.tau = -0.1;
    CHECK(code(c) == TILLER_ERR_INVALID_ARGUMENT);
    c.tau = NAN;
    CHECK(code(c) == TILLER_ERR_INVALID_ARGUMENT);
    c = config(QadaDecision::estimate, 0.5);
    c.t_local = 0;
    CHECK(code(c) == TILLER_ERR_INVALID_ARGUMENT);
    c = config(QadaDecision::estimate, 0.5);
    c.t_sink = -1;
    CHECK(code(c) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(code(config(QadaDecision::labels, 0)) == TILLER_ERR_INVALID_ARGUMENT);  // no labels
    CHECK(code(config(QadaDecision::labels, 0), std::vector<uint8_t>(8 * 4, 1)) == TILLER_OK);
    CHECK(code(config(static_cast<QadaDecision>(9), 0.5)) == TILLER_ERR_INVALID_ARGUMENT);
    for (LayerParams &lp : hp.layers) lp.swa = true;
    AdaptiveAttention sliding_only(hp);
    CHECK(error_code([&] { sliding_only.configure(config(QadaDecision::estimate, 0.5), {}); }) == TILLER_ERR_UNSUPPORTED);
    CHECK(error_code([&] { sliding_only.set_recording(true); }) == TILLER_ERR_UNSUPPORTED);
    CHECK(error_code([&] { sliding_only.configure(config(QadaDecision::estimate, 0.0), {}); }) == TILLER_OK);  // dense: nothing to do
}

TEST(long_bulks_split_into_spans_merge_to_dense_attention) {
    // Decode rows with thousands of bulk keys: the long-context heads' bulks are cut into spans
    // across the threads and merged with the local part; any pool gives the same bits.
    const Shape s{8, 2, 16, 2600, 2, 0, 0.0f, 0};
    Problem p = problem(s, 10);
    std::vector<uint8_t> labels{1, 0, 1, 1, 0, 0, 1, 0};
    QadaConfig c = config(QadaDecision::labels, 0.0);
    c.t_sink = 16;
    c.t_local = 256;
    Run r = run(p, c, labels);
    CHECK(check_outputs(p, c, r) == 0);
    CHECK(run(p, c, labels, 1).out == r.out);
}
