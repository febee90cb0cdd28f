// Packed, register-blocked GEMM. Both operands are packed into panels (which makes the four
// transpose cases one kernel); a 6x32 micro-kernel keeps 12 accumulators of 16 floats in
// registers (AVX-512) and is multi-versioned per CPU. Tiles are ordered so that a thread's
// contiguous share walks the M panels of one packed-B group, which stays in L2. Products with
// very few output columns (the forward pass of a 2-class head) take a dot-product path instead,
// where a 32-wide panel would be mostly padding.
#include "train/sgemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/clones.h"

namespace tiller::train {

namespace {

constexpr int64_t MR = 6, NR = 32, KC = 512, NG = 8;  // at most NG panels of B per tile
constexpr int64_t kNarrow = 4;                         // at most this many columns: dot-product path
constexpr int64_t kSerialWork = 1 << 16;               // fewer multiply-adds than this: one thread
typedef float v16 __attribute__((vector_size(64), aligned(4)));
typedef float v8 __attribute__((vector_size(32)));

// Rows [i0, i0 + MR) x columns [k0, k0 + kc) of op(A) as ap[kk * MR + r]; rows past m are zero.
void pack_a(const float *a, int64_t lda, bool ta, int64_t m, int64_t i0, int64_t k0, int64_t kc, float *ap) {
    const int64_t rows = std::min(MR, m - i0);
    if (ta) {  // op(A) column k0 + kk is row k0 + kk of A: contiguous over r
        for (int64_t kk = 0; kk < kc; ++kk) {
            const float *src = a + (k0 + kk) * lda + i0;
            float *dst = ap + kk * MR;
            for (int64_t r = 0; r < rows; ++r) dst[r] = src[r];
            for (int64_t r = rows; r < MR; ++r) dst[r] = 0.0f;
        }
        return;
    }
    for (int64_t r = 0; r < rows; ++r) {
        const float *src = a + (i0 + r) * lda + k0;
        for (int64_t kk = 0; kk < kc; ++kk) ap[kk * MR + r] = src[kk];
    }
    for (int64_t r = rows; r < MR; ++r)
        for (int64_t kk = 0; kk < kc; ++kk) ap[kk * MR + r] = 0.0f;
}

// dst[q * ldd + i] = src[i * lds + q] for an 8x8 block: unpack, shuffle and swap 128-bit halves,
// the usual AVX sequence, written with vector extensions (GCC >= 12 and clang) so that every clone
// gets its own.
TILLER_CLONES
void transpose8(const float *src, int64_t lds, float *dst, int64_t ldd) {
    v8 r[8], t[8], u[8];
    for (int i = 0; i < 8; ++i) std::memcpy(&r[i], src + i * lds, sizeof(v8));
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4)
        for (int h = 0; h < 2; ++h) {
            u[i + 2 * h] = __builtin_shufflevector(t[i + h], t[i + h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
            u[i + 2 * h + 1] = __builtin_shufflevector(t[i + h], t[i + h + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        }
    for (int q = 0; q < 4; ++q) {
        const v8 lo = __builtin_shufflevector(u[q], u[q + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        const v8 hi = __builtin_shufflevector(u[q], u[q + 4], 4, 5, 6, 7, 12, 13, 14, 15);
        std::memcpy(dst + q * ldd, &lo, sizeof(v8));
        std::memcpy(dst + (q + 4) * ldd, &hi, sizeof(v8));
    }
}

// Columns [j0, j0 + NR) x rows [k0, k0 + kc) of op(B) as dst[kk * NR + c]; columns past n are zero.
void pack_b(const float *b, int64_t ldb, bool tb, int64_t n, int64_t j0, int64_t k0, int64_t kc, float *dst) {
    const int64_t cols = std::min(NR, n - j0);
    if (!tb) {  // rows of B are contiguous over columns
        for (int64_t kk = 0; kk < kc; ++kk) {
            std::memcpy(dst + kk * NR, b + (k0 + kk) * ldb + j0, static_cast<size_t>(cols) * sizeof(float));
            std::fill(dst + kk * NR + cols, dst + (kk + 1) * NR, 0.0f);
        }
        return;
    }
    // op(B) column j0 + c is row j0 + c of B: 8x8 blocks transposed in registers, the rest (a
    // ragged edge of columns or of K) one element at a time
    const int64_t c8 = cols / 8 * 8, k8 = kc / 8 * 8;
    for (int64_t c = 0; c < c8; c += 8)
        for (int64_t kk = 0; kk < k8; kk += 8) transpose8(b + (j0 + c) * ldb + k0 + kk, ldb, dst + kk * NR + c, NR);
    for (int64_t c = 0; c < cols; ++c) {
        const float *src = b + (j0 + c) * ldb + k0;
        for (int64_t kk = c < c8 ? k8 : 0; kk < kc; ++kk) dst[kk * NR + c] = src[kk];
    }
    for (int64_t kk = 0; kk < kc; ++kk) std::fill(dst + kk * NR + cols, dst + (kk + 1) * NR, 0.0f);
}

TILLER_CLONES
void micro(const float *ap, const float *bp, int64_t kc, float *c, int64_t ldc, int64_t mr, int64_t nr, bool add) {
    v16 acc[MR][2] = {};
    for (int64_t kk = 0; kk < kc; ++kk) {
        const v16 b0 = *reinterpret_cast<const v16 *>(bp + kk * NR);
        const v16 b1 = *reinterpret_cast<const v16 *>(bp + kk * NR + 16);
        for (int r = 0; r < MR; ++r) {
            const float a = ap[kk * MR + r];
            acc[r][0] += a * b0;
            acc[r][1] += a * b1;
        }
    }
    for (int64_t r = 0; r < mr; ++r) {
        float *row = c + r * ldc;
        if (nr == NR) {
            v16 *out = reinterpret_cast<v16 *>(row);
            out[0] = add ? out[0] + acc[r][0] : acc[r][0];
            out[1] = add ? out[1] + acc[r][1] : acc[r][1];
            continue;
        }
        const float *v = reinterpret_cast<const float *>(acc[r]);
        if (add)
            for (int64_t j = 0; j < nr; ++j) row[j] += v[j];
        else
            for (int64_t j = 0; j < nr; ++j) row[j] = v[j];
    }
}

TILLER_CLONES
float dot(const float *x, const float *y, int64_t k) {
    float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
    for (int64_t p = 0; p < k; ++p) acc += x[p] * y[p];
    return acc;
}

TILLER_CLONES
void axpy(float alpha, const float *x, float *y, int64_t m) {
#pragma omp simd
    for (int64_t i = 0; i < m; ++i) y[i] += alpha * x[i];
}

// n <= kNarrow. With A stored [K, M] (ta) the columns of C^T are accumulated over rows of A; else
// each element is a dot product of a row of A with a row of op(B)^T (B itself when tb).
void narrow(ThreadPool &pool, bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
            int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    std::vector<float> bt;
    if (!tb) {
        bt.resize(static_cast<size_t>(n * k));
        for (int64_t p = 0; p < k; ++p)
            for (int64_t j = 0; j < n; ++j) bt[static_cast<size_t>(j * k + p)] = b[p * ldb + j];
    }
    const float *brow = tb ? b : bt.data();
    const int64_t ldbt = tb ? ldb : k;
    if (!ta) {
        auto rows = [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i)
                for (int64_t j = 0; j < n; ++j) {
                    const float v = dot(a + i * lda, brow + j * ldbt, k);
                    c[i * ldc + j] = accumulate ? c[i * ldc + j] + v : v;
                }
        };
        if (m * n * k < kSerialWork) rows(0, m, 0);
        else pool.parallel_for(m, rows);
        return;
    }
    constexpr int64_t kBlock = 256;  // rows of C per task: the C^T block stays in L1
    auto block = [&](int64_t t0, int64_t t1, int) {
        float ct[kNarrow * kBlock];
        for (int64_t t = t0; t < t1; ++t) {
            const int64_t i0 = t * kBlock, len = std::min(kBlock, m - i0);
            std::fill(ct, ct + n * len, 0.0f);
            for (int64_t p = 0; p < k; ++p)
                for (int64_t j = 0; j < n; ++j) axpy(brow[j * ldbt + p], a + p * lda + i0, ct + j * len, len);
            for (int64_t i = 0; i < len; ++i)
                for (int64_t j = 0; j < n; ++j) {
                    float &out = c[(i0 + i) * ldc + j];
                    out = accumulate ? out + ct[j * len + i] : ct[j * len + i];
                }
        }
    };
    const int64_t blocks = (m + kBlock - 1) / kBlock;
    if (m * n * k < kSerialWork) block(0, blocks, 0);
    else pool.parallel_for(blocks, block);
}

}  // namespace

void sgemm(ThreadPool &pool, bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
           const float *b, int64_t ldb, float *c, int64_t ldc, bool accumulate) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate)
            for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
        return;
    }
    if (n <= kNarrow) {
        narrow(pool, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        return;
    }
    const int64_t panels = (n + NR - 1) / NR, mpanels = (m + MR - 1) / MR, groups = (panels + NG - 1) / NG;
    const int64_t per_group = (panels + groups - 1) / groups;  // 13 panels: 7 + 6, not 8 + 5
    // K in equal blocks of at most KC, so that 520 is two blocks of 260 rather than 512 and 8
    const int64_t kblocks = (k + KC - 1) / KC, kcmax = (k + kblocks - 1) / kblocks;
    const bool serial = m * n * k < kSerialWork;
    auto run = [&](int64_t count, const std::function<void(int64_t, int64_t, int)> &fn) {
        if (serial) fn(0, count, 0);
        else pool.parallel_for(count, fn);
    };
    std::vector<float> bp(static_cast<size_t>(panels * kcmax * NR) + 16);
    float *bpa = reinterpret_cast<float *>((reinterpret_cast<uintptr_t>(bp.data()) + 63) & ~uintptr_t(63));
    for (int64_t k0 = 0; k0 < k; k0 += kcmax) {
        const int64_t kc = std::min(kcmax, k - k0);
        run(panels, [&](int64_t p0, int64_t p1, int) {
            for (int64_t p = p0; p < p1; ++p) pack_b(b, ldb, tb, n, p * NR, k0, kc, bpa + p * kc * NR);
        });
        const bool add = accumulate || k0 > 0;
        run(groups * mpanels, [&](int64_t t0, int64_t t1, int) {
            alignas(64) float ap[KC * MR];
            int64_t packed = -1;
            for (int64_t t = t0; t < t1; ++t) {
                const int64_t g = t / mpanels, mp = t % mpanels, i0 = mp * MR;
                if (packed != mp) {
                    pack_a(a, lda, ta, m, i0, k0, kc, ap);
                    packed = mp;
                }
                const int64_t mr = std::min(MR, m - i0);
                for (int64_t p = g * per_group; p < std::min(panels, (g + 1) * per_group); ++p)
                    micro(ap, bpa + p * kc * NR, kc, c + i0 * ldc + p * NR, ldc, mr, std::min(NR, n - p * NR), add);
            }
        });
    }
}

}  // namespace tiller::train
