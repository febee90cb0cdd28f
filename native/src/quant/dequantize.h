// Dequantization of ggml weight rows to float32, one function per block format
// (layouts: ggml-common.h / ggml-quants.c of llama.cpp).
#pragma once

#include <cstdint>

namespace tiller {

// Converts n elements (a multiple of the type's block size) starting at src to float32.
// The caller has checked that type is supported and that src holds the bytes.
void dequantize_row(int32_t type, const uint8_t *src, float *dst, int64_t n);

}  // namespace tiller
