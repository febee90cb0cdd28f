// Dot products and axpys over F16 rows (an F16 KV cache), converting halves in registers rather
// than through a float buffer, which made F16 decode slower than float32 at twice the bytes. The
// instruction set follows the quantized kernels' table (TILLER_CPU picks it for tests).
// GCC 12 reports the deliberately undefined pass-through operand of its AVX-512 intrinsics
// (_mm512_undefined_*, _mm512_setzero_* under a target attribute) as uninitialized; it is never read.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/dot.h"
#include "kernels/qdot.h"
#include "quant/half.h"

namespace tiller {

namespace {
// The cache's bytes, read without assuming they were written as uint16_t.
inline float half(const uint16_t *p) { return fp16_to_f32(read_u16(reinterpret_cast<const uint8_t *>(p))); }

void dot4_portable(const float *q, const uint16_t *const k[4], int64_t n, float s[4]) {
    float a[4] = {0, 0, 0, 0};
    for (int64_t i = 0; i < n; ++i)
        for (int r = 0; r < 4; ++r) a[r] += q[i] * half(k[r] + i);
    std::memcpy(s, a, sizeof a);
}

void axpy4_portable(const float w[4], const uint16_t *const x[4], float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
        y[i] += w[0] * half(x[0] + i) + w[1] * half(x[1] + i) + w[2] * half(x[2] + i) + w[3] * half(x[3] + i);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma,f16c"))) inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

__attribute__((target("avx2,fma,f16c"))) inline __m256 load_h8(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
}

__attribute__((target("avx2,fma,f16c"))) void dot4_avx2(const float *q, const uint16_t *const k[4], int64_t n, float s[4]) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(q + i);
        a0 = _mm256_fmadd_ps(x, load_h8(k[0] + i), a0);
        a1 = _mm256_fmadd_ps(x, load_h8(k[1] + i), a1);
        a2 = _mm256_fmadd_ps(x, load_h8(k[2] + i), a2);
        a3 = _mm256_fmadd_ps(x, load_h8(k[3] + i), a3);
    }
    float t[4];
    const uint16_t *rest[4] = {k[0] + i, k[1] + i, k[2] + i, k[3] + i};
    dot4_portable(q + i, rest, n - i, t);
    s[0] = hsum8(a0) + t[0], s[1] = hsum8(a1) + t[1], s[2] = hsum8(a2) + t[2], s[3] = hsum8(a3) + t[3];
}

__attribute__((target("avx2,fma,f16c"))) void axpy4_avx2(const float w[4], const uint16_t *const x[4], float *y, int64_t n) {
    const __m256 w0 = _mm256_set1_ps(w[0]), w1 = _mm256_set1_ps(w[1]), w2 = _mm256_set1_ps(w[2]), w3 = _mm256_set1_ps(w[3]);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 acc = _mm256_loadu_ps(y + i);
        acc = _mm256_fmadd_ps(w0, load_h8(x[0] + i), acc);
        acc = _mm256_fmadd_ps(w1, load_h8(x[1] + i), acc);
        acc = _mm256_fmadd_ps(w2, load_h8(x[2] + i), acc);
        acc = _mm256_fmadd_ps(w3, load_h8(x[3] + i), acc);
        _mm256_storeu_ps(y + i, acc);
    }
    const uint16_t *rest[4] = {x[0] + i, x[1] + i, x[2] + i, x[3] + i};
    axpy4_portable(w, rest, y + i, n - i);
}

__attribute__((target("avx512f"))) inline __m512 load_h16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)));
}

__attribute__((target("avx512f,avx2,fma,f16c"))) void dot4_avx512(const float *q, const uint16_t *const k[4], int64_t n, float s[4]) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 x = _mm512_loadu_ps(q + i);
        a0 = _mm512_fmadd_ps(x, load_h16(k[0] + i), a0);
        a1 = _mm512_fmadd_ps(x, load_h16(k[1] + i), a1);
        a2 = _mm512_fmadd_ps(x, load_h16(k[2] + i), a2);
        a3 = _mm512_fmadd_ps(x, load_h16(k[3] + i), a3);
    }
    float t[4];
    const uint16_t *rest[4] = {k[0] + i, k[1] + i, k[2] + i, k[3] + i};
    dot4_portable(q + i, rest, n - i, t);
    s[0] = _mm512_reduce_add_ps(a0) + t[0], s[1] = _mm512_reduce_add_ps(a1) + t[1];
    s[2] = _mm512_reduce_add_ps(a2) + t[2], s[3] = _mm512_reduce_add_ps(a3) + t[3];
}

__attribute__((target("avx512f,avx2,fma,f16c"))) void axpy4_avx512(const float w[4], const uint16_t *const x[4], float *y, int64_t n) {
    const __m512 w0 = _mm512_set1_ps(w[0]), w1 = _mm512_set1_ps(w[1]), w2 = _mm512_set1_ps(w[2]), w3 = _mm512_set1_ps(w[3]);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 acc = _mm512_loadu_ps(y + i);
        acc = _mm512_fmadd_ps(w0, load_h16(x[0] + i), acc);
        acc = _mm512_fmadd_ps(w1, load_h16(x[1] + i), acc);
        acc = _mm512_fmadd_ps(w2, load_h16(x[2] + i), acc);
        acc = _mm512_fmadd_ps(w3, load_h16(x[3] + i), acc);
        _mm512_storeu_ps(y + i, acc);
    }
    const uint16_t *rest[4] = {x[0] + i, x[1] + i, x[2] + i, x[3] + i};
    axpy4_portable(w, rest, y + i, n - i);
}
#endif

struct F16Kernels {
    void (*dot4)(const float *, const uint16_t *const[4], int64_t, float[4]);
    void (*axpy4)(const float[4], const uint16_t *const[4], float *, int64_t);
};

const F16Kernels &kernels() {
    static const F16Kernels k = [] {
#if defined(__x86_64__)
        const char *isa = qdot().name;
        if (std::strcmp(isa, "avx512") == 0) return F16Kernels{dot4_avx512, axpy4_avx512};
        if (std::strcmp(isa, "avx2") == 0) return F16Kernels{dot4_avx2, axpy4_avx2};
#endif
        return F16Kernels{dot4_portable, axpy4_portable};
    }();
    return k;
}
}  // namespace

void dot4_f16(const float *q, const uint16_t *const k[4], int64_t n, float s[4]) { kernels().dot4(q, k, n, s); }
void axpy4_f16(const float w[4], const uint16_t *const x[4], float *y, int64_t n) { kernels().axpy4(w, x, y, n); }

}  // namespace tiller
