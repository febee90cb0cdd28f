// Query-adaptive attention (QAdA; Donhauser et al., arXiv:2502.09647) on a global-attention layer.
// For query head h at position t the keys split into the local set L_t = {i < t_sink} u
// {i > t - t_local} and the bulk B_t (the rest, N_b keys). The bulk's softmax mass is estimated
// from a Gaussian model of its raw scores, z ~ N(m, v), m = q.mu and v = q' Sigma q for the mean
// and population covariance of a key set (QadaMoments):
//   log Z-hat = log N_b + log E[exp(z)]   (= m + v / 2; under Gemma 2's soft-cap the expectation
//               of exp(cap * tanh(z / cap)), by 16-node Gauss-Hermite quadrature)
//   p-hat     = Z-hat / (Z_loc + Z-hat),  Z_loc = sum over L_t of exp(s_i)
// The head reads the bulk only when it is long-context for the query (QadaDecision); then the
// bulk's softmax and output are merged with the local ones by log-sum-exp, so nothing local is
// computed twice. p_bulk, the exact bulk mass, is the oracle.
#pragma once

#include <cstdint>

#include "kernels/attention.h"

namespace tiller {

enum class QadaDecision : int32_t {
    estimate = 0,  // long when p-hat >= tau
    oracle = 1,    // long when p_bulk >= tau (reads every bulk key to decide)
    labels = 2,    // a fixed long/local label per head (the static baseline)
    forced = 3,    // a pseudo-random fraction tau of (head, query) pairs local (benchmarks)
};

enum class QadaMoments : int32_t {
    local = 0,  // keys at positions max(t_sink, t - t_local + 1) .. t (the recent window)
    bulk = 1,   // the keys of B_t, kept as running sums (runtime/key_moments.h)
};

struct QadaConfig {
    QadaDecision decision = QadaDecision::estimate;
    QadaMoments moments = QadaMoments::local;
    double tau = 0.0;  // estimate / oracle: 0 is dense attention, 1 is sink + window everywhere
    int64_t t_sink = 16, t_local = 256;

    static QadaConfig make(QadaDecision d, double tau, int64_t t_sink, int64_t t_local, QadaMoments m) {
        QadaConfig c;
        c.decision = d, c.tau = tau, c.t_sink = t_sink, c.t_local = t_local, c.moments = m;
        return c;
    }

    // Dense output for every head: tau = 0 with a threshold rule (p-hat >= 0 always holds).
    bool dense() const { return tau == 0.0 && (decision == QadaDecision::estimate || decision == QadaDecision::oracle); }
};

struct QadaArgs {
    const QadaConfig *config;
    const double *bulk_moments = nullptr;  // [T][n_head][2] (m, v) of the bulk keys, for QadaMoments::bulk
    const uint8_t *labels = nullptr;       // [n_head] 1 = long-context, for QadaDecision::labels
    float *record = nullptr;               // [T][n_head][2] receives (p-hat, p_bulk), or nullptr
    uint8_t *decisions = nullptr;          // [T][n_head] receives 1 for long-context, or nullptr
};

// log E[exp(f(z))] for z ~ N(m, v), f(z) = cap * tanh(z / cap) (cap <= 0: f(z) = z, giving m + v / 2).
double log_mean_exp_gaussian(double m, double v, float cap);

// The local / bulk split of a query at position pos: sinks [0, sink_end), bulk [sink_end,
// window_lo), recent window [window_lo, pos].
struct QadaSplit {
    int64_t sink_end, window_lo;
    QadaSplit(int64_t pos, int64_t t_sink, int64_t t_local)
        : sink_end(pos + 1 < t_sink ? pos + 1 : t_sink),
          window_lo(pos - t_local + 1 > sink_end ? pos - t_local + 1 : sink_end) {}
    int64_t n_bulk() const { return window_lo - sink_end; }
};

// Attention of a global layer's batch under the configuration; a.window must be 0.
void qada_attention(ThreadPool &pool, const AttentionArgs &a, const QadaArgs &qa);

}  // namespace tiller
