// AVX-512 VNNI kernels over the 16-row tiles of kernels/packed.h: each vpdpbusd multiplies 4
// quants of 16 rows by one broadcast 4-byte activation word. Up to 4 tokens share each
// unpacked tile (prompt processing); decode is the 1-token case.
// GCC 12 reports the deliberately undefined pass-through operand of its AVX-512 conversion
// intrinsics (_mm512_undefined_*) as maybe-uninitialized; the operand is never read.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/packed.h"

namespace tiller {
namespace {

constexpr int kMaxT = 4;

inline __m512i word(const int8_t *p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}
inline __m512i dp(__m512i acc, __m512i u, const int8_t *a) { return _mm512_dpbusd_epi32(acc, u, word(a)); }
inline __m512i load(const uint8_t *p) { return _mm512_loadu_si512(p); }
inline __m512 half16(const uint8_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p))); }
inline __m512 u8x16(const uint8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p))));
}
inline __m512 i8x16(const uint8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p))));
}

// 4 nibble vectors -> lo[k] (elements 4k+i) and hi[k] (elements 16+4k+i).
inline void nibbles(const uint8_t *q, __m512i *lo, __m512i *hi) {
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    for (int k = 0; k < 4; ++k) {
        const __m512i v = load(q + 64 * k);
        lo[k] = _mm512_and_si512(v, m4);
        hi[k] = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
    }
}

// Sum over 8 groups of 4 elements: lo groups start from s_lo, hi groups from s_hi.
inline void dot8(const __m512i *lo, const __m512i *hi, const int8_t *a, __m512i &s_lo, __m512i &s_hi) {
    for (int k = 0; k < 4; ++k) {
        s_lo = dp(s_lo, lo[k], a + 4 * k);
        s_hi = dp(s_hi, hi[k], a + 16 + 4 * k);
    }
}

// Q8_0 and Q4_0: one f16 scale per row and 32 quants, unsigned with the offset (128, 8) taken
// back out through the activation block's precomputed sum.
struct Q8_0 {
    static constexpr int64_t kTile = kPackTileQ8_0;
    static void unpack(const uint8_t *q, __m512i *lo, __m512i *hi) {
        for (int k = 0; k < 4; ++k) {
            lo[k] = load(q + 64 * k);
            hi[k] = load(q + 64 * (k + 4));
        }
    }
    static int32_t offset_sum(const PackedActBlock &a) { return a.m128; }
};

struct Q4_0 {
    static constexpr int64_t kTile = kPackTileQ4_0;
    static void unpack(const uint8_t *q, __m512i *lo, __m512i *hi) { nibbles(q, lo, hi); }
    static int32_t offset_sum(const PackedActBlock &a) { return a.m8; }
};

template <class F>
struct Legacy {
    template <int T>
    static void tile(const uint8_t *g, const PackedActBlock *x, int64_t nb, __m512 *acc) {
        for (int64_t b = 0; b < nb; ++b, g += F::kTile) {
            const __m512 d = half16(g);
            __m512i lo[4], hi[4];
            F::unpack(g + 32, lo, hi);
            for (int t = 0; t < T; ++t) {
                const PackedActBlock &a = x[t * nb + b];
                __m512i s0 = _mm512_set1_epi32(F::offset_sum(a)), s1 = _mm512_setzero_si512();
                dot8(lo, hi, a.q, s0, s1);
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), _mm512_mul_ps(d, _mm512_set1_ps(a.d)), acc[t]);
            }
        }
    }
};

struct Q4_K {
    template <int T>
    static void tile(const uint8_t *g, const PackedActBlock *x, int64_t nb, __m512 *acc) {
        for (int64_t b = 0; b < nb; g += kPackSuperQ4_K) {
            const __m512 d = _mm512_loadu_ps(g), dmin = _mm512_loadu_ps(g + 64);
            const uint8_t *tile = g + 128;
            for (int j = 0; j < 8; ++j, ++b, tile += kPackTileQ4_K) {
                const __m512 sc = _mm512_mul_ps(u8x16(tile), d), mn = _mm512_mul_ps(u8x16(tile + 16), dmin);
                __m512i lo[4], hi[4];
                nibbles(tile + 32, lo, hi);
                for (int t = 0; t < T; ++t) {
                    const PackedActBlock &a = x[t * nb + b];
                    __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
                    dot8(lo, hi, a.q, s0, s1);
                    const __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), sc);
                    acc[t] = _mm512_fnmadd_ps(mn, _mm512_set1_ps(a.ds), _mm512_fmadd_ps(f, _mm512_set1_ps(a.d), acc[t]));
                }
            }
        }
    }
};

struct Q6_K {
    // Moves bits 2k..2k+1 of every byte to bits 4..5 (other bits are masked off after).
    template <int K>
    static __m512i top_bits(__m512i h) {
        if constexpr (K == 0) return _mm512_slli_epi16(h, 4);
        else if constexpr (K == 1) return _mm512_slli_epi16(h, 2);
        else if constexpr (K == 2) return h;
        else return _mm512_srli_epi16(h, 2);
    }
    template <int K>
    static void six(const uint8_t *q, __m512i h0, __m512i h1, __m512i *lo, __m512i *hi) {
        const __m512i m4 = _mm512_set1_epi8(0x0f), m30 = _mm512_set1_epi8(0x30);
        const __m512i v = load(q + 64 * K);
        // (a & b) | c, imm 0xEA
        lo[K] = _mm512_ternarylogic_epi32(v, m4, _mm512_and_si512(top_bits<K>(h0), m30), 0xEA);
        hi[K] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(v, 4), m4, _mm512_and_si512(top_bits<K>(h1), m30), 0xEA);
    }
    template <int T>
    static void tile(const uint8_t *g, const PackedActBlock *x, int64_t nb, __m512 *acc) {
        for (int64_t b = 0; b < nb; g += kPackSuperQ6_K) {
            const __m512 d = _mm512_loadu_ps(g);
            const uint8_t *tile = g + 64;
            for (int j = 0; j < 8; ++j, ++b, tile += kPackTileQ6_K) {
                const __m512 s_lo = _mm512_mul_ps(i8x16(tile), d), s_hi = _mm512_mul_ps(i8x16(tile + 16), d);
                const __m512i h0 = load(tile + 288), h1 = load(tile + 352);
                __m512i lo[4], hi[4];
                six<0>(tile + 32, h0, h1, lo, hi);
                six<1>(tile + 32, h0, h1, lo, hi);
                six<2>(tile + 32, h0, h1, lo, hi);
                six<3>(tile + 32, h0, h1, lo, hi);
                for (int t = 0; t < T; ++t) {
                    const PackedActBlock &a = x[t * nb + b];
                    __m512i s0 = _mm512_set1_epi32(a.m32_lo), s1 = _mm512_set1_epi32(a.m32_hi);
                    dot8(lo, hi, a.q, s0, s1);
                    const __m512 f = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s0), s_lo, _mm512_mul_ps(_mm512_cvtepi32_ps(s1), s_hi));
                    acc[t] = _mm512_fmadd_ps(f, _mm512_set1_ps(a.d), acc[t]);
                }
            }
        }
    }
};

// Every group of [g0, g1) against every token, kMaxT tokens per pass over a group's tiles.
template <class K>
void run(const PackedWeight &w, const PackedActBlock *x, int64_t t, int64_t g0, int64_t g1, float *y) {
    const int64_t nb = w.n_cols / 32;
    for (int64_t g = g0; g < g1; ++g) {
        const int64_t r0 = g * kPackRows;
        const __mmask16 mask = static_cast<__mmask16>((1u << std::min<int64_t>(kPackRows, w.n_rows - r0)) - 1);
        for (int64_t i = 0; i < t; i += kMaxT) {
            const int nt = static_cast<int>(std::min<int64_t>(kMaxT, t - i));
            __m512 acc[kMaxT];
            for (int k = 0; k < kMaxT; ++k) acc[k] = _mm512_setzero_ps();
            const PackedActBlock *xi = x + i * nb;
            switch (nt) {
                case 4: K::template tile<4>(w.group(g), xi, nb, acc); break;
                case 3: K::template tile<3>(w.group(g), xi, nb, acc); break;
                case 2: K::template tile<2>(w.group(g), xi, nb, acc); break;
                default: K::template tile<1>(w.group(g), xi, nb, acc); break;
            }
            for (int k = 0; k < nt; ++k) _mm512_mask_storeu_ps(y + (i + k) * w.n_rows + r0, mask, acc[k]);
        }
    }
}

const PackedKernels kKernels = {run<Legacy<Q8_0>>, run<Legacy<Q4_0>>, run<Q4_K>, run<Q6_K>};

}  // namespace

const PackedKernels *packed_avx512() { return &kKernels; }

}  // namespace tiller
