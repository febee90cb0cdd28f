// Reference kernels: exact integer dot products per block, then the block scales in float.
#include <cstring>

#include "kernels/qdot.h"
#include "quant/half.h"

namespace tiller {

namespace {

constexpr int kMaxT = 4;

void q8_0(const uint8_t *w, const ActBlock *const *a, int nt, int64_t n, float *out) {
    float acc[kMaxT] = {};
    for (int64_t b = 0; b < n / 32; ++b, w += 34) {
        const float dw = fp16_to_f32(read_u16(w));
        const int8_t *q = reinterpret_cast<const int8_t *>(w + 2);
        for (int t = 0; t < nt; ++t) {
            const ActBlock &x = a[t][b];
            int s = 0;
            for (int j = 0; j < 32; ++j) s += q[j] * x.q[j];
            acc[t] += dw * x.d * static_cast<float>(s);
        }
    }
    for (int t = 0; t < nt; ++t) out[t] = acc[t];
}

// Legacy 32-blocks: unsigned quants u[j] with value d*(u - offset) (+ m for the _1 types).
template <int kBytes, bool kFive, bool kMin>
void legacy(const uint8_t *w, const ActBlock *const *a, int nt, int64_t n, float *out) {
    float acc[kMaxT] = {};
    for (int64_t b = 0; b < n / 32; ++b, w += kBytes) {
        const float dw = fp16_to_f32(read_u16(w));
        const float m = kMin ? fp16_to_f32(read_u16(w + 2)) : 0.0f;
        uint32_t qh = 0;
        if (kFive) std::memcpy(&qh, w + (kMin ? 4 : 2), 4);
        const uint8_t *qs = w + (kMin ? 4 : 2) + (kFive ? 4 : 0);
        int u[32];
        for (int j = 0; j < 16; ++j) {
            u[j] = qs[j] & 0x0f;
            u[j + 16] = qs[j] >> 4;
            if (kFive) {
                u[j] |= ((qh >> j) & 1) << 4;
                u[j + 16] |= ((qh >> (j + 16)) & 1) << 4;
            }
        }
        const int offset = kMin ? 0 : (kFive ? 16 : 8);
        for (int t = 0; t < nt; ++t) {
            const ActBlock &x = a[t][b];
            int s = 0;
            for (int j = 0; j < 32; ++j) s += u[j] * x.q[j];
            const int sum = x.sum_lo + x.sum_hi;
            acc[t] += dw * x.d * static_cast<float>(s - offset * sum) + m * x.d * static_cast<float>(sum);
        }
    }
    for (int t = 0; t < nt; ++t) out[t] = acc[t];
}

inline void scale_min_k4(int j, const uint8_t *q, int *sc, int *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

template <bool kFive>
void qk(const uint8_t *w, const ActBlock *const *a, int nt, int64_t n, float *out) {
    constexpr int kBytes = kFive ? 176 : 144;
    float acc[kMaxT] = {};
    for (int64_t sb = 0; sb < n / 256; ++sb, w += kBytes) {
        const float d = fp16_to_f32(read_u16(w)), dmin = fp16_to_f32(read_u16(w + 2));
        const uint8_t *scales = w + 4, *qh = w + 16, *ql = w + (kFive ? 48 : 16);
        for (int sub = 0; sub < 8; ++sub) {
            int sc, m;
            scale_min_k4(sub, scales, &sc, &m);
            const int chunk = sub / 2;
            const bool high = sub % 2;
            int u[32];
            for (int l = 0; l < 32; ++l) {
                const uint8_t byte = ql[32 * chunk + l];
                u[l] = high ? byte >> 4 : byte & 0x0f;
                if (kFive && (qh[l] >> sub) & 1) u[l] += 16;
            }
            for (int t = 0; t < nt; ++t) {
                const ActBlock &x = a[t][sb * 8 + sub];
                int s = 0;
                for (int l = 0; l < 32; ++l) s += u[l] * x.q[l];
                acc[t] += d * sc * x.d * static_cast<float>(s) - dmin * m * x.d * static_cast<float>(x.sum_lo + x.sum_hi);
            }
        }
    }
    for (int t = 0; t < nt; ++t) out[t] = acc[t];
}

void q6_k(const uint8_t *w, const ActBlock *const *a, int nt, int64_t n, float *out) {
    float acc[kMaxT] = {};
    for (int64_t sb = 0; sb < n / 256; ++sb, w += 210) {
        const uint8_t *ql = w, *qh = w + 128;
        const int8_t *sc = reinterpret_cast<const int8_t *>(w + 192);
        const float d = fp16_to_f32(read_u16(w + 208));
        for (int k = 0; k < 8; ++k) {  // activation block k = elements 32k .. 32k+31
            const int half = k / 4, i = k % 4;
            const uint8_t *l8 = ql + 64 * half + (i % 2) * 32, *h8 = qh + 32 * half;
            int u[32];
            for (int l = 0; l < 32; ++l) {
                const int lo = i < 2 ? l8[l] & 0x0f : l8[l] >> 4;
                u[l] = (lo | (((h8[l] >> (2 * i)) & 3) << 4)) - 32;
            }
            for (int t = 0; t < nt; ++t) {
                const ActBlock &x = a[t][sb * 8 + k];
                int s0 = 0, s1 = 0;
                for (int l = 0; l < 16; ++l) s0 += u[l] * x.q[l];
                for (int l = 16; l < 32; ++l) s1 += u[l] * x.q[l];
                acc[t] += d * x.d * static_cast<float>(sc[2 * k] * s0 + sc[2 * k + 1] * s1);
            }
        }
    }
    for (int t = 0; t < nt; ++t) out[t] = acc[t];
}

const QDotTable kScalar = {
    "scalar", q8_0, legacy<18, false, false>, legacy<20, false, true>, legacy<22, true, false>,
    legacy<24, true, true>, qk<false>, qk<true>, q6_k,
};

}  // namespace

const QDotTable &qdot_scalar() { return kScalar; }

}  // namespace tiller
