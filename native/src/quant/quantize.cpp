// Reference quantizers. Q8_0/Q4_0/Q4_1/Q5_0/Q5_1 follow ggml-quants.c's *_ref functions; the
// K-quants use a plain min/max fit per sub-block (valid llama.cpp blocks, simpler than its
// iterative search).
#include "quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "gguf/ggml_type.h"
#include "quant/half.h"

namespace tiller {

namespace {

void put16(uint8_t *p, uint16_t v) { std::memcpy(p, &v, 2); }

int nearest_int(float f) { return static_cast<int>(std::lrintf(f)); }

void q_f32(const float *x, uint8_t *y, int64_t n) { std::memcpy(y, x, n * 4); }
void q_f16(const float *x, uint8_t *y, int64_t n) { for (int64_t i = 0; i < n; ++i) put16(y + 2 * i, f32_to_fp16(x[i])); }
void q_bf16(const float *x, uint8_t *y, int64_t n) { for (int64_t i = 0; i < n; ++i) put16(y + 2 * i, f32_to_bf16(x[i])); }

void q8_0(const float *x, uint8_t *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32, y += 34) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f, id = d ? 1.0f / d : 0.0f;
        put16(y, f32_to_fp16(d));
        for (int j = 0; j < 32; ++j) y[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(std::roundf(x[j] * id)));
    }
}

void min_max(const float *x, int n, float *mn, float *mx) {
    *mn = *mx = x[0];
    for (int j = 1; j < n; ++j) *mn = std::min(*mn, x[j]), *mx = std::max(*mx, x[j]);
}

// Signed value of largest magnitude.
float signed_max(const float *x, int n) {
    float amax = 0, max = 0;
    for (int j = 0; j < n; ++j)
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    return max;
}

void q4_0(const float *x, uint8_t *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32, y += 18) {
        const float d = signed_max(x, 32) / -8.0f, id = d ? 1.0f / d : 0.0f;
        put16(y, f32_to_fp16(d));
        for (int j = 0; j < 16; ++j) {
            uint8_t a = static_cast<uint8_t>(std::min(15, static_cast<int>(x[j] * id + 8.5f)));
            uint8_t c = static_cast<uint8_t>(std::min(15, static_cast<int>(x[j + 16] * id + 8.5f)));
            y[2 + j] = a | (c << 4);
        }
    }
}

void q4_1(const float *x, uint8_t *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32, y += 20) {
        float mn, mx;
        min_max(x, 32, &mn, &mx);
        const float d = (mx - mn) / 15.0f, id = d ? 1.0f / d : 0.0f;
        put16(y, f32_to_fp16(d));
        put16(y + 2, f32_to_fp16(mn));
        for (int j = 0; j < 16; ++j) {
            uint8_t a = static_cast<uint8_t>(std::min(15, static_cast<int>((x[j] - mn) * id + 0.5f)));
            uint8_t c = static_cast<uint8_t>(std::min(15, static_cast<int>((x[j + 16] - mn) * id + 0.5f)));
            y[4 + j] = a | (c << 4);
        }
    }
}

void q5_0(const float *x, uint8_t *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32, y += 22) {
        const float d = signed_max(x, 32) / -16.0f, id = d ? 1.0f / d : 0.0f;
        put16(y, f32_to_fp16(d));
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
            int a = std::min(31, static_cast<int>(x[j] * id + 16.5f));
            int c = std::min(31, static_cast<int>(x[j + 16] * id + 16.5f));
            y[6 + j] = static_cast<uint8_t>((a & 0x0f) | ((c & 0x0f) << 4));
            qh |= ((a & 0x10u) >> 4) << j;
            qh |= ((c & 0x10u) >> 4) << (j + 16);
        }
        std::memcpy(y + 2, &qh, 4);
    }
}

void q5_1(const float *x, uint8_t *y, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32, y += 24) {
        float mn, mx;
        min_max(x, 32, &mn, &mx);
        const float d = (mx - mn) / 31.0f, id = d ? 1.0f / d : 0.0f;
        put16(y, f32_to_fp16(d));
        put16(y + 2, f32_to_fp16(mn));
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
            int a = std::min(31, static_cast<int>((x[j] - mn) * id + 0.5f));
            int c = std::min(31, static_cast<int>((x[j + 16] - mn) * id + 0.5f));
            y[8 + j] = static_cast<uint8_t>((a & 0x0f) | ((c & 0x0f) << 4));
            qh |= ((a & 0x10u) >> 4) << j;
            qh |= ((c & 0x10u) >> 4) << (j + 16);
        }
        std::memcpy(y + 4, &qh, 4);
    }
}

// Packs 8 six-bit scales and mins into 12 bytes (inverse of get_scale_min_k4).
void pack_scales_k4(const uint8_t sc[8], const uint8_t m[8], uint8_t *q) {
    for (int j = 0; j < 4; ++j) {
        q[j] = static_cast<uint8_t>((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
        q[j + 4] = static_cast<uint8_t>((m[j] & 63) | ((m[j + 4] >> 4) << 6));
        q[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0x0f) | ((m[j + 4] & 0x0f) << 4));
    }
}

// Q4_K / Q5_K: 8 sub-blocks of 32 with value = d*sc*q - dmin*m, q in [0, nmax].
void qk_minmax(const float *x, uint8_t *y, int64_t n, int nmax, bool five_bits) {
    const int64_t block_bytes = five_bits ? 176 : 144;
    for (int64_t b = 0; b < n / 256; ++b, x += 256, y += block_bytes) {
        float scales[8], mins[8];
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < 8; ++j) {
            const float *s = x + 32 * j;
            float mn, mx;
            min_max(s, 32, &mn, &mx);
            mn = std::min(mn, 0.0f);  // the min is subtracted, so it is stored as -min >= 0
            scales[j] = (mx - mn) / nmax;
            mins[j] = -mn;
            max_scale = std::max(max_scale, scales[j]);
            max_min = std::max(max_min, mins[j]);
        }
        const float d = max_scale / 63.0f, dmin = max_min / 63.0f;
        uint8_t sc[8], m[8];
        for (int j = 0; j < 8; ++j) {
            sc[j] = static_cast<uint8_t>(std::min(63, d ? nearest_int(scales[j] / d) : 0));
            m[j] = static_cast<uint8_t>(std::min(63, dmin ? nearest_int(mins[j] / dmin) : 0));
        }
        const uint16_t dh = f32_to_fp16(d), dminh = f32_to_fp16(dmin);
        put16(y, dh);
        put16(y + 2, dminh);
        pack_scales_k4(sc, m, y + 4);
        const float dd = fp16_to_f32(dh), ddmin = fp16_to_f32(dminh);
        uint8_t q[256];
        for (int j = 0; j < 8; ++j) {
            const float step = dd * sc[j], off = ddmin * m[j];
            for (int l = 0; l < 32; ++l) {
                int v = step > 0 ? nearest_int((x[32 * j + l] + off) / step) : 0;
                q[32 * j + l] = static_cast<uint8_t>(std::clamp(v, 0, nmax));
            }
        }
        uint8_t *qh = y + 16, *ql = five_bits ? y + 48 : y + 16;
        if (five_bits) std::memset(qh, 0, 32);
        for (int chunk = 0; chunk < 4; ++chunk) {
            for (int l = 0; l < 32; ++l) {
                uint8_t lo = q[64 * chunk + l], hi = q[64 * chunk + 32 + l];
                ql[32 * chunk + l] = static_cast<uint8_t>((lo & 0x0f) | ((hi & 0x0f) << 4));
                if (five_bits) {
                    if (lo & 16) qh[l] |= static_cast<uint8_t>(1 << (2 * chunk));
                    if (hi & 16) qh[l] |= static_cast<uint8_t>(2 << (2 * chunk));
                }
            }
        }
    }
}

void q6_k(const float *x, uint8_t *y, int64_t n) {
    for (int64_t b = 0; b < n / 256; ++b, x += 256, y += 210) {
        float scales[16], max_abs_scale = 0, max_scale = 0;
        for (int j = 0; j < 16; ++j) {
            float s = signed_max(x + 16 * j, 16) / -32.0f;
            scales[j] = s;
            if (std::fabs(s) > max_abs_scale) max_abs_scale = std::fabs(s), max_scale = s;
        }
        uint8_t *ql = y, *qh = y + 128;
        int8_t *sc = reinterpret_cast<int8_t *>(y + 192);
        if (max_abs_scale == 0) {
            std::memset(y, 0, 210);
            continue;
        }
        const float iscale = -128.0f / max_scale;
        const uint16_t dh = f32_to_fp16(1.0f / iscale);
        put16(y + 208, dh);
        const float d = fp16_to_f32(dh);
        uint8_t q[256];
        for (int j = 0; j < 16; ++j) {
            sc[j] = static_cast<int8_t>(std::min(127, nearest_int(iscale * scales[j])));
            const float step = d * sc[j];
            for (int l = 0; l < 16; ++l) {
                int v = step ? nearest_int(x[16 * j + l] / step) : 0;
                q[16 * j + l] = static_cast<uint8_t>(std::clamp(v, -32, 31) + 32);
            }
        }
        std::memset(qh, 0, 64);
        for (int half = 0; half < 2; ++half) {
            const uint8_t *qq = q + 128 * half;
            uint8_t *l8 = ql + 64 * half, *h8 = qh + 32 * half;
            for (int l = 0; l < 32; ++l) {
                uint8_t q1 = qq[l], q2 = qq[l + 32], q3 = qq[l + 64], q4 = qq[l + 96];
                l8[l] = static_cast<uint8_t>((q1 & 0x0f) | ((q3 & 0x0f) << 4));
                l8[l + 32] = static_cast<uint8_t>((q2 & 0x0f) | ((q4 & 0x0f) << 4));
                h8[l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }
}

}  // namespace

void quantize_row(int32_t type, const float *x, uint8_t *dst, int64_t n) {
    switch (type) {
        case GGML_F32: return q_f32(x, dst, n);
        case GGML_F16: return q_f16(x, dst, n);
        case GGML_BF16: return q_bf16(x, dst, n);
        case GGML_Q8_0: return q8_0(x, dst, n);
        case GGML_Q4_0: return q4_0(x, dst, n);
        case GGML_Q4_1: return q4_1(x, dst, n);
        case GGML_Q5_0: return q5_0(x, dst, n);
        case GGML_Q5_1: return q5_1(x, dst, n);
        case GGML_Q4_K: return qk_minmax(x, dst, n, 15, false);
        case GGML_Q5_K: return qk_minmax(x, dst, n, 31, true);
        case GGML_Q6_K: return q6_k(x, dst, n);
    }
    fail(TILLER_ERR_UNSUPPORTED, "cannot quantize to %s", type_name(type));
}

}  // namespace tiller
