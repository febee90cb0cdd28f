// Activations quantized to 8-bit blocks of 32 (scale, block sums) so that quantized weights can
// be dotted with integer SIMD, as llama.cpp does with Q8_0 / Q8_K.
#pragma once

#include <cmath>
#include <cstdint>

namespace tiller {

struct ActBlock {
    float d;                // scale: x ~= d * q
    int16_t sum_lo, sum_hi; // sums of q over elements 0..15 and 16..31
    int8_t q[32];
};
static_assert(sizeof(ActBlock) == 40, "ActBlock layout");

// Quantizes n floats (n % 32 == 0) into n / 32 blocks.
void quantize_activations(const float *x, ActBlock *out, int64_t n);

// One block of 32: q = round(x / d) with d = max|x| / 127; returns d, and the sums of q over
// elements 0..15 and 16..31. Shared by both activation layouts so that they round alike.
inline float quantize_block32(const float *x, int8_t *q, int *sum_lo, int *sum_hi) {
    float amax = 0;
    for (int j = 0; j < 32; ++j) {
        const float a = std::fabs(x[j]);
        amax = a > amax ? a : amax;
    }
    const float id = amax > 0 ? 127.0f / amax : 0.0f;
    int lo = 0, hi = 0;
    for (int j = 0; j < 32; ++j) {
        const int v = static_cast<int>(std::nearbyint(x[j] * id));
        q[j] = static_cast<int8_t>(v);
        if (j < 16) lo += v; else hi += v;
    }
    *sum_lo = lo;
    *sum_hi = hi;
    return amax / 127.0f;
}

}  // namespace tiller
