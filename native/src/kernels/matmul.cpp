#include "kernels/matmul.h"

#include <algorithm>
#include <vector>

#include "gguf/ggml_type.h"
#include "kernels/dot.h"
#include "quant/dequantize.h"

namespace tiller {

namespace {
// Rows dequantized together, then dotted with every activation row: the block stays in cache
// while each activation row is read once per block.
constexpr int64_t kRowBlock = 16;
}  // namespace

void weight_row(const WeightView &w, int64_t row, float *dst) {
    dequantize_row(w.type, w.data + row * w.row_bytes, dst, w.n_cols);
}

void matmul(ThreadPool &pool, const WeightView &w, const float *x, int64_t t, float *y) {
    const int64_t n_blocks = (w.n_rows + kRowBlock - 1) / kRowBlock;
    const bool direct = w.type == GGML_F32;
    pool.parallel_for(n_blocks, [&](int64_t b0, int64_t b1, int) {
        thread_local std::vector<float> scratch;
        if (!direct) scratch.resize(static_cast<size_t>(kRowBlock * w.n_cols));
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t r0 = b * kRowBlock, r1 = std::min(w.n_rows, r0 + kRowBlock);
            const float *rows;
            if (direct) {
                rows = reinterpret_cast<const float *>(w.data + r0 * w.row_bytes);
            } else {
                for (int64_t r = r0; r < r1; ++r) weight_row(w, r, scratch.data() + (r - r0) * w.n_cols);
                rows = scratch.data();
            }
            for (int64_t i = 0; i < t; ++i) {
                const float *xi = x + i * w.n_cols;
                float *yi = y + i * w.n_rows;
                for (int64_t r = r0; r < r1; ++r) yi[r] = dot_f32(rows + (r - r0) * w.n_cols, xi, w.n_cols);
            }
        }
    });
}

}  // namespace tiller
