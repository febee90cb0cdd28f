#include "kernels/matmul.h"

#include <algorithm>
#include <vector>

#include "gguf/ggml_type.h"
#include "kernels/act_quant.h"
#include "kernels/dot.h"
#include "kernels/packed.h"
#include "kernels/qdot.h"
#include "quant/dequantize.h"

namespace tiller {

namespace {
// Rows dequantized together, then dotted with every activation row: the block stays in cache
// while each activation row is read once per block.
constexpr int64_t kRowBlock = 16;
// Bytes of quantized activations per token tile (fits a core's L2 with room for weights).
constexpr int64_t kTileBudget = 256 * 1024;
}  // namespace

void weight_row(const WeightView &w, int64_t row, float *dst) {
    dequantize_row(w.type, w.data + row * w.row_bytes, dst, w.n_cols);
}

namespace {
// Activations as 8-bit blocks, once per matrix (rows in parallel), in a per-thread buffer reused
// across calls.
template <class Block, void (*Quantize)(const float *, Block *, int64_t)>
Block *quantize_rows(ThreadPool &pool, const float *x, int64_t t, int64_t n_cols) {
    const int64_t nb = n_cols / 32;
    thread_local std::vector<Block> acts;
    acts.resize(static_cast<size_t>(t * nb));
    Block *xq = acts.data();
    if (t == 1) {
        Quantize(x, xq, n_cols);
    } else {
        pool.parallel_for(t, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) Quantize(x + i * n_cols, xq + i * nb, n_cols);
        });
    }
    return xq;
}

// Token tiles small enough that their activations stay in L2 while every weight row of the
// matrix streams past them once per tile.
int64_t token_tile(int64_t row_bytes) {
    return std::max<int64_t>(4, std::min<int64_t>(64, (kTileBudget / row_bytes) / 4 * 4));
}

// Quantized weights: integer SIMD dot products, each weight row dotted with up to 4 activation
// rows while its blocks are unpacked.
void matmul_quantized(ThreadPool &pool, const WeightView &w, QDotFn fn, const float *x, int64_t t, float *y) {
    const int64_t nb = w.n_cols / 32;
    const ActBlock *xq = quantize_rows<ActBlock, quantize_activations>(pool, x, t, w.n_cols);
    const int64_t tile = token_tile(nb * static_cast<int64_t>(sizeof(ActBlock)));
    const int64_t n_blocks = (w.n_rows + kRowBlock - 1) / kRowBlock;
    for (int64_t i0 = 0; i0 < t; i0 += tile) {
        const int64_t i1 = std::min(t, i0 + tile);
        pool.parallel_for(n_blocks, [&](int64_t b0, int64_t b1, int) {
            for (int64_t b = b0; b < b1; ++b) {
                const int64_t r1 = std::min(w.n_rows, (b + 1) * kRowBlock);
                for (int64_t r = b * kRowBlock; r < r1; ++r) {
                    const uint8_t *row = w.data + r * w.row_bytes;
                    for (int64_t i = i0; i < i1; i += 4) {
                        const int nt = static_cast<int>(std::min<int64_t>(4, i1 - i));
                        const ActBlock *rows[4];
                        for (int k = 0; k < nt; ++k) rows[k] = xq + (i + k) * nb;
                        float out[4];
                        fn(row, rows, nt, w.n_cols, out);
                        for (int k = 0; k < nt; ++k) y[(i + k) * w.n_rows + r] = out[k];
                    }
                }
            }
        });
    }
}

// Repacked weights: groups of 16 rows split across the pool, token tiles as above.
void matmul_packed(ThreadPool &pool, const PackedWeight &w, PackedKernelFn fn, const float *x, int64_t t, float *y) {
    const int64_t nb = w.n_cols / 32;
    const PackedActBlock *xq = quantize_rows<PackedActBlock, quantize_activations_packed>(pool, x, t, w.n_cols);
    const int64_t tile = token_tile(nb * static_cast<int64_t>(sizeof(PackedActBlock)));
    for (int64_t i0 = 0; i0 < t; i0 += tile) {
        const int64_t n = std::min(t, i0 + tile) - i0;
        pool.parallel_for(w.n_groups, [&](int64_t g0, int64_t g1, int) { fn(w, xq + i0 * nb, n, g0, g1, y + i0 * w.n_rows); });
    }
}
}  // namespace

void matmul(ThreadPool &pool, const WeightView &w, const float *x, int64_t t, float *y) {
    if (w.packed) {
        if (PackedKernelFn fn = packed_kernel(w.packed->type)) return matmul_packed(pool, *w.packed, fn, x, t, y);
    }
    if (QDotFn fn = qdot_for(w.type)) return matmul_quantized(pool, w, fn, x, t, y);
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
