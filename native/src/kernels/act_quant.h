// Activations quantized to 8-bit blocks of 32 (scale, block sums) so that quantized weights can
// be dotted with integer SIMD, as llama.cpp does with Q8_0 / Q8_K.
#pragma once

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

}  // namespace tiller
