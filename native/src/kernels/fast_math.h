// exp and tanh approximations that vectorize (inline, no calls, no branches on the data path).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace tiller {

// exp(x) for x <= 0: 2^k * p(r) with a degree-6 polynomial, relative error below 2e-7 (checked
// against std::exp in the native tests).
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

// tanh(y) = sign(y) * (1 - e) / (1 + e), e = exp(-2|y|); |error| < 1e-6.
inline float fast_tanh(float y) {
    const float e = exp_neg(-2.0f * std::fabs(y));
    const float t = (1.0f - e) / (1.0f + e);
    return y < 0 ? -t : t;
}

}  // namespace tiller
