// Y = X * W^T for a weight matrix stored in any supported ggml type: W has n_rows rows of
// n_cols elements; X is T rows of n_cols floats; Y is T rows of n_rows floats.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"

namespace tiller {

struct PackedWeight;

struct WeightView {
    const uint8_t *data = nullptr;
    int32_t type = 0;
    int64_t n_cols = 0;     // ne[0]
    int64_t n_rows = 0;     // ne[1]
    int64_t row_bytes = 0;
    const PackedWeight *packed = nullptr;  // the same matrix repacked (kernels/packed.h), if it is
};

void matmul(ThreadPool &pool, const WeightView &w, const float *x, int64_t t, float *y);

// Dequantizes one row of w into dst (n_cols floats).
void weight_row(const WeightView &w, int64_t row, float *dst);

}  // namespace tiller
