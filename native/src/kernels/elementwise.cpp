#include "kernels/elementwise.h"
#include "kernels/clones.h"
#include "kernels/fast_math.h"

#include <cmath>
#include <cstring>

namespace tiller {

void rms_norm(const float *x, const float *w, float *y, int64_t n, float eps) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
    const float mean = static_cast<float>(sum / n);
    const float scale = 1.0f / std::sqrt(mean + eps);
    if (w) {
        for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale * w[i];
    } else {
        for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale;
    }
}


TILLER_CLONES void gelu_mul(float *gate, const float *up, int64_t n) {
    constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
    constexpr float kCoef = 0.044715f;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) {
        const float x = gate[i];
        const float g = 0.5f * x * (1.0f + fast_tanh(kSqrt2OverPi * x * (1.0f + kCoef * x * x)));
        gate[i] = g * up[i];
    }
}

// Vectorized: Gemma 2 soft-caps every logit of its 256k vocabulary on each decoding step.
TILLER_CLONES void softcap(float *x, int64_t n, float cap) {
    const float inv = 1.0f / cap;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) x[i] = cap * fast_tanh(x[i] * inv);
}

double softmax(float *x, int64_t n) {
    float mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        float e = x[i] == -INFINITY ? 0.0f : std::exp(x[i] - mx);
        x[i] = e;
        sum += e;
    }
    const float inv = static_cast<float>(1.0 / sum);
    for (int64_t i = 0; i < n; ++i) x[i] *= inv;
    return mx + std::log(sum);
}

TILLER_CLONES float exp_shifted(float *x, int64_t n, float m) {
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < n; ++i) {
        const float e = exp_neg(x[i] - m);
        x[i] = e;
        sum += e;
    }
    return sum;
}

TILLER_CLONES LogitStats logit_stats(const float *x, int64_t n) {
    LogitStats st{-INFINITY, -INFINITY, 0};
    for (int64_t i = 0; i < n; ++i) {
        if (x[i] > st.max) {
            st.max = x[i];
            st.argmax = i;
        }
    }
    if (st.max == -INFINITY) return st;
    // Float partial sums of 1024 terms (they vectorize), added up in double.
    double sum = 0.0;
    for (int64_t i0 = 0; i0 < n; i0 += 1024) {
        const int64_t i1 = i0 + 1024 < n ? i0 + 1024 : n;
        float part = 0.0f;
#pragma omp simd reduction(+ : part)
        for (int64_t i = i0; i < i1; ++i) part += exp_neg(x[i] - st.max);
        sum += part;
    }
    st.log_sum_exp = st.max + static_cast<float>(std::log(sum));
    return st;
}

}  // namespace tiller
