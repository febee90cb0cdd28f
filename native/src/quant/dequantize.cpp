#include "quant/dequantize.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/error.h"
#include "kernels/clones.h"
#include "gguf/ggml_type.h"
#include "quant/half.h"

namespace tiller {

namespace {

void deq_f32(const uint8_t *s, float *y, int64_t n) { std::memcpy(y, s, n * 4); }

void deq_f16_portable(const uint8_t *s, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fp16_to_f32(read_u16(s + 2 * i));
}

#if defined(__x86_64__)
// The hardware conversion (exact, as the portable one) is ~20x faster: F16 weights are
// dequantized row by row on every matmul.
__attribute__((target("avx,f16c"))) void deq_f16_f16c(const uint8_t *s, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(s + 2 * i))));
    deq_f16_portable(s + 2 * i, y + i, n - i);
}

// F16C is not named separately: every CPU with AVX2 has it (older clangs cannot name it).
bool cpu_has_f16c() {
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return has;
}
#endif

void deq_f16(const uint8_t *s, float *y, int64_t n) {
#if defined(__x86_64__)
    if (cpu_has_f16c()) return deq_f16_f16c(s, y, n);
#endif
    deq_f16_portable(s, y, n);
}

TILLER_CLONES void deq_bf16(const uint8_t *s, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = bf16_to_f32(read_u16(s + 2 * i));
}

void deq_q8_0(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, s += 34, y += 32) {
        float d = fp16_to_f32(read_u16(s));
        const int8_t *q = reinterpret_cast<const int8_t *>(s + 2);
        for (int j = 0; j < 32; ++j) y[j] = q[j] * d;
    }
}

void deq_q4_0(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, s += 18, y += 32) {
        float d = fp16_to_f32(read_u16(s));
        const uint8_t *q = s + 2;
        for (int j = 0; j < 16; ++j) {
            y[j] = ((q[j] & 0x0f) - 8) * d;
            y[j + 16] = ((q[j] >> 4) - 8) * d;
        }
    }
}

void deq_q4_1(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, s += 20, y += 32) {
        float d = fp16_to_f32(read_u16(s)), m = fp16_to_f32(read_u16(s + 2));
        const uint8_t *q = s + 4;
        for (int j = 0; j < 16; ++j) {
            y[j] = (q[j] & 0x0f) * d + m;
            y[j + 16] = (q[j] >> 4) * d + m;
        }
    }
}

void deq_q5_0(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, s += 22, y += 32) {
        float d = fp16_to_f32(read_u16(s));
        uint32_t qh;
        std::memcpy(&qh, s + 2, 4);
        const uint8_t *q = s + 6;
        for (int j = 0; j < 16; ++j) {
            int xh0 = ((qh >> j) << 4) & 0x10;
            int xh1 = (qh >> (j + 12)) & 0x10;
            y[j] = (((q[j] & 0x0f) | xh0) - 16) * d;
            y[j + 16] = (((q[j] >> 4) | xh1) - 16) * d;
        }
    }
}

void deq_q5_1(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, s += 24, y += 32) {
        float d = fp16_to_f32(read_u16(s)), m = fp16_to_f32(read_u16(s + 2));
        uint32_t qh;
        std::memcpy(&qh, s + 4, 4);
        const uint8_t *q = s + 8;
        for (int j = 0; j < 16; ++j) {
            int xh0 = ((qh >> j) << 4) & 0x10;
            int xh1 = (qh >> (j + 12)) & 0x10;
            y[j] = ((q[j] & 0x0f) | xh0) * d + m;
            y[j + 16] = ((q[j] >> 4) | xh1) * d + m;
        }
    }
}

// 6-bit scale and min of sub-block j packed in 12 bytes (Q4_K, Q5_K).
inline void scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void deq_q4_k(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 256; ++b, s += 144) {
        float d = fp16_to_f32(read_u16(s)), dmin = fp16_to_f32(read_u16(s + 2));
        const uint8_t *scales = s + 4, *q = s + 16;
        for (int chunk = 0, is = 0; chunk < 4; ++chunk, q += 32, is += 2) {
            uint8_t sc, m;
            scale_min_k4(is, scales, &sc, &m);
            float d1 = d * sc, m1 = dmin * m;
            scale_min_k4(is + 1, scales, &sc, &m);
            float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0x0f) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}

void deq_q5_k(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 256; ++b, s += 176) {
        float d = fp16_to_f32(read_u16(s)), dmin = fp16_to_f32(read_u16(s + 2));
        const uint8_t *scales = s + 4, *qh = s + 16, *ql = s + 48;
        uint8_t u1 = 1, u2 = 2;
        for (int chunk = 0, is = 0; chunk < 4; ++chunk, ql += 32, is += 2, u1 <<= 2, u2 <<= 2) {
            uint8_t sc, m;
            scale_min_k4(is, scales, &sc, &m);
            float d1 = d * sc, m1 = dmin * m;
            scale_min_k4(is + 1, scales, &sc, &m);
            float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; ++l) *y++ = d1 * ((ql[l] & 0x0f) + (qh[l] & u1 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
        }
    }
}

void deq_q6_k(const uint8_t *s, float *y, int64_t n) {
    for (int64_t b = 0; b < n / 256; ++b, s += 210) {
        const uint8_t *ql = s, *qh = s + 128;
        const int8_t *sc = reinterpret_cast<const int8_t *>(s + 192);
        float d = fp16_to_f32(read_u16(s + 208));
        for (int half = 0; half < 2; ++half, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; ++l) {
                int is = l / 16;
                int q1 = ((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is + 0] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

}  // namespace

void dequantize_row(int32_t type, const uint8_t *src, float *dst, int64_t n) {
    switch (type) {
        case GGML_F32: return deq_f32(src, dst, n);
        case GGML_F16: return deq_f16(src, dst, n);
        case GGML_BF16: return deq_bf16(src, dst, n);
        case GGML_Q8_0: return deq_q8_0(src, dst, n);
        case GGML_Q4_0: return deq_q4_0(src, dst, n);
        case GGML_Q4_1: return deq_q4_1(src, dst, n);
        case GGML_Q5_0: return deq_q5_0(src, dst, n);
        case GGML_Q5_1: return deq_q5_1(src, dst, n);
        case GGML_Q4_K: return deq_q4_k(src, dst, n);
        case GGML_Q5_K: return deq_q5_k(src, dst, n);
        case GGML_Q6_K: return deq_q6_k(src, dst, n);
    }
    fail(TILLER_ERR_UNSUPPORTED, "weight type %s is not supported", type_name(type));
}

}  // namespace tiller
