// Row-wise operations of the Gemma block: RMSNorm, tanh-GELU gating, soft-capping, softmax.
#pragma once

#include <cstdint>

namespace tiller {

// y = x / sqrt(mean(x^2) + eps) * w (w == nullptr: no weight). Sum of squares in double, as ggml.
void rms_norm(const float *x, const float *w, float *y, int64_t n, float eps);
// gate[i] = gelu_tanh(gate[i]) * up[i]
void gelu_mul(float *gate, const float *up, int64_t n);
// x = cap * tanh(x / cap)
void softcap(float *x, int64_t n, float cap);
// In-place softmax over n values (-inf allowed; at least one finite value); returns their
// log-sum-exp (max + log of the double sum), which merging partial softmaxes needs.
double softmax(float *x, int64_t n);

// x[i] = exp(x[i] - m) for x[i] <= m (vectorized; -inf gives 0); returns their float sum.
float exp_shifted(float *x, int64_t n, float m);

// Max, first arg-max and log-sum-exp of n values (the sum in double).
struct LogitStats {
    float max;
    float log_sum_exp;
    int64_t argmax;
};
LogitStats logit_stats(const float *x, int64_t n);

}  // namespace tiller
