#include "kernels/elementwise.h"
#include "kernels/clones.h"

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

namespace {
// exp(x) for x <= 0 (as used below), vectorizable: 2^k * p(r) with a degree-6 polynomial,
// relative error below 2e-7 (checked against std::exp in the native tests).
inline float exp_neg(float x) {
    x = x > -87.0f ? x : -87.0f;  // also maps NaN to a finite value (no undefined float->int cast)
    const float k = std::nearbyint(x * 1.44269504088896341f);
    const float r = x - k * 0.693145751953125f - k * 1.428606765330187e-06f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, 4);
    return p * scale;
}
}  // namespace

float fast_tanh(float y) {
    // tanh(y) = sign(y) * (1 - e) / (1 + e), e = exp(-2|y|)
    const float e = exp_neg(-2.0f * std::fabs(y));
    const float t = (1.0f - e) / (1.0f + e);
    return y < 0 ? -t : t;
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

void softcap(float *x, int64_t n, float cap) {
    for (int64_t i = 0; i < n; ++i) x[i] = cap * std::tanh(x[i] / cap);
}

void softmax(float *x, int64_t n) {
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
}

}  // namespace tiller
