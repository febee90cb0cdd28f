// Float32 -> ggml block formats, the inverse of dequantize.cpp (llama.cpp-compatible layouts).
#pragma once

#include <cstdint>

namespace tiller {

// Quantizes n floats (a multiple of the type's block size) into dst (row bytes of that type).
void quantize_row(int32_t type, const float *x, uint8_t *dst, int64_t n);

}  // namespace tiller
