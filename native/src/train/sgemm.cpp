// Packed, register-blocked GEMM. Both operands are packed into panels (which makes the four
// transpose cases one kernel); a 6x32 micro-kernel keeps 12 accumulators of 16 floats in
// registers (AVX-512) and is multi-versioned per CPU. Tiles are ordered so that a thread's
// contiguous share walks the M panels of one packed-B group, which stays in L2.
#include "train/sgemm.h"

#include <algorithm>
#include <vector>

#include "kernels/clones.h"

namespace tiller::train {

namespace {

constexpr int64_t MR = 6, NR = 32, KC = 256, NG = 8;  // NG panels of B per tile
typedef float v16 __attribute__((vector_size(64), aligned(4)));

inline float at(const float *x, int64_t ld, bool t, int64_t r, int64_t c) { return t ? x[c * ld + r] : x[r * ld + c]; }

void pack_a(const float *a, int64_t lda, bool ta, int64_t m, int64_t i0, int64_t k0, int64_t kc, float *ap) {
    for (int64_t kk = 0; kk < kc; ++kk)
        for (int64_t r = 0; r < MR; ++r) ap[kk * MR + r] = i0 + r < m ? at(a, lda, ta, i0 + r, k0 + kk) : 0.0f;
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
        const float *v = reinterpret_cast<const float *>(acc[r]);
        if (add)
            for (int64_t j = 0; j < nr; ++j) row[j] += v[j];
        else
            for (int64_t j = 0; j < nr; ++j) row[j] = v[j];
    }
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
    const int64_t panels = (n + NR - 1) / NR, mpanels = (m + MR - 1) / MR, groups = (panels + NG - 1) / NG;
    std::vector<float> bp(static_cast<size_t>(panels * std::min(k, KC) * NR) + 16);
    float *bpa = reinterpret_cast<float *>((reinterpret_cast<uintptr_t>(bp.data()) + 63) & ~uintptr_t(63));
    for (int64_t k0 = 0; k0 < k; k0 += KC) {
        const int64_t kc = std::min(KC, k - k0);
        pool.parallel_for(panels, [&](int64_t p0, int64_t p1, int) {
            for (int64_t p = p0; p < p1; ++p) {
                const int64_t nn = std::min(NR, n - p * NR);
                // panel p holds columns [p*NR, p*NR + nn) of op(B), zero-padded
                float *dst = bpa + p * kc * NR;
                for (int64_t kk = 0; kk < kc; ++kk)
                    for (int64_t cc = 0; cc < NR; ++cc)
                        dst[kk * NR + cc] = cc < nn ? at(b, ldb, tb, k0 + kk, p * NR + cc) : 0.0f;
            }
        });
        const bool add = accumulate || k0 > 0;
        pool.parallel_for(groups * mpanels, [&](int64_t t0, int64_t t1, int) {
            alignas(64) float ap[KC * MR];
            int64_t packed = -1;
            for (int64_t t = t0; t < t1; ++t) {
                const int64_t g = t / mpanels, mp = t % mpanels, i0 = mp * MR;
                if (packed != mp) {
                    pack_a(a, lda, ta, m, i0, k0, kc, ap);
                    packed = mp;
                }
                const int64_t mr = std::min(MR, m - i0);
                for (int64_t p = g * NG; p < std::min(panels, (g + 1) * NG); ++p)
                    micro(ap, bpa + p * kc * NR, kc, c + i0 * ldc + p * NR, ldc, mr, std::min(NR, n - p * NR), add);
            }
        });
    }
}

}  // namespace tiller::train
