// Repacks quantized weight matrices into the 16-row tiles of kernels/packed.h. Portable code:
// it runs once at load time, on all cores.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "core/error.h"
#include "gguf/ggml_type.h"
#include "kernels/matmul.h"
#include "kernels/packed.h"
#include "quant/half.h"

namespace tiller {

namespace {

// Element e (0..31) of row r in a tile's vectors.
inline void put8(uint8_t *v, int r, int e, uint8_t u) { v[64 * (e / 4) + 4 * r + e % 4] = u; }
inline void put4(uint8_t *v, int r, int e, uint8_t u) {
    v[64 * ((e % 16) / 4) + 4 * r + e % 4] |= static_cast<uint8_t>(e < 16 ? u : u << 4);
}
inline void put2(uint8_t *v, int r, int e, uint8_t u) {
    v[64 * (e / 16) + 4 * r + e % 4] |= static_cast<uint8_t>(u << (2 * ((e % 16) / 4)));
}
inline void put_f16(uint8_t *p, int r, uint16_t h) { std::memcpy(p + 2 * r, &h, 2); }
inline void put_f32(uint8_t *p, int r, float f) { std::memcpy(p + 4 * r, &f, 4); }

// Each packer writes row r of a group from one source row (rows past the matrix stay zero).
void pack_q8_0(const uint8_t *src, int64_t nb, uint8_t *g, int r) {
    for (int64_t b = 0; b < nb; ++b, src += 34, g += kPackTileQ8_0) {
        std::memcpy(g + 2 * r, src, 2);
        for (int e = 0; e < 32; ++e) put8(g + 32, r, e, static_cast<uint8_t>(static_cast<int8_t>(src[2 + e]) + 128));
    }
}

void pack_q4_0(const uint8_t *src, int64_t nb, uint8_t *g, int r) {
    for (int64_t b = 0; b < nb; ++b, src += 18, g += kPackTileQ4_0) {
        std::memcpy(g + 2 * r, src, 2);
        for (int e = 0; e < 16; ++e) {
            put4(g + 32, r, e, src[2 + e] & 0x0f);
            put4(g + 32, r, e + 16, src[2 + e] >> 4);
        }
    }
}

void scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void pack_q4_k(const uint8_t *src, int64_t nsb, uint8_t *g, int r) {
    for (int64_t s = 0; s < nsb; ++s, src += 144, g += kPackSuperQ4_K) {
        put_f32(g, r, fp16_to_f32(read_u16(src)));
        put_f32(g + 64, r, fp16_to_f32(read_u16(src + 2)));
        uint8_t *tile = g + 128;
        for (int j = 0; j < 8; ++j, tile += kPackTileQ4_K) {
            scale_min_k4(j, src + 4, tile + r, tile + 16 + r);
            const uint8_t *q = src + 16 + 32 * (j / 2);
            for (int e = 0; e < 32; ++e) put4(tile + 32, r, e, j % 2 ? q[e] >> 4 : q[e] & 0x0f);
        }
    }
}

void pack_q6_k(const uint8_t *src, int64_t nsb, uint8_t *g, int r) {
    for (int64_t s = 0; s < nsb; ++s, src += 210, g += kPackSuperQ6_K) {
        const uint8_t *ql = src, *qh = src + 128;
        const uint8_t *sc = src + 192;
        put_f32(g, r, fp16_to_f32(read_u16(src + 208)));
        uint8_t *tile = g + 64;
        for (int j = 0; j < 8; ++j, tile += kPackTileQ6_K) {
            const int half = j / 4, k = j % 4;
            tile[r] = sc[2 * j];
            tile[16 + r] = sc[2 * j + 1];
            for (int l = 0; l < 32; ++l) {
                const uint8_t lq = ql[64 * half + l + 32 * (k % 2)];
                const uint8_t lo = k < 2 ? lq & 0x0f : lq >> 4;
                const uint8_t hi = (qh[32 * half + l] >> (2 * k)) & 3;
                put4(tile + 32, r, l, lo);
                put2(tile + 32 + 256, r, l, hi);
            }
        }
    }
}

int64_t group_bytes(int32_t type, int64_t n_cols) {
    switch (type) {
        case GGML_Q8_0: return n_cols / 32 * kPackTileQ8_0;
        case GGML_Q4_0: return n_cols / 32 * kPackTileQ4_0;
        case GGML_Q4_K: return n_cols / 256 * kPackSuperQ4_K;
        case GGML_Q6_K: return n_cols / 256 * kPackSuperQ6_K;
        default: return 0;
    }
}

}  // namespace

std::unique_ptr<PackedWeight> pack_weight(const WeightView &w, int n_threads) {
    if (group_bytes(w.type, w.n_cols) == 0) return nullptr;
    auto p = std::make_unique<PackedWeight>();
    p->type = w.type;
    p->n_rows = w.n_rows;
    p->n_cols = w.n_cols;
    p->n_groups = (w.n_rows + kPackRows - 1) / kPackRows;
    p->group_bytes = group_bytes(w.type, w.n_cols);
    const size_t bytes = static_cast<size_t>(p->n_groups * p->group_bytes);
    void *mem = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!mem) fail(TILLER_ERR_OUT_OF_MEMORY, "cannot allocate %zu bytes for repacked weights", bytes);
    std::memset(mem, 0, bytes);
    p->data = std::unique_ptr<uint8_t, void (*)(void *)>(static_cast<uint8_t *>(mem), std::free);
    const int64_t nb = w.n_cols / 32, nsb = w.n_cols / 256;
    auto pack_groups = [&](int64_t g0, int64_t g1) {
        for (int64_t g = g0; g < g1; ++g) {
            uint8_t *dst = p->data.get() + g * p->group_bytes;
            for (int r = 0; r < kPackRows && g * kPackRows + r < w.n_rows; ++r) {
                const uint8_t *src = w.data + (g * kPackRows + r) * w.row_bytes;
                switch (w.type) {
                    case GGML_Q8_0: pack_q8_0(src, nb, dst, r); break;
                    case GGML_Q4_0: pack_q4_0(src, nb, dst, r); break;
                    case GGML_Q4_K: pack_q4_k(src, nsb, dst, r); break;
                    case GGML_Q6_K: pack_q6_k(src, nsb, dst, r); break;
                }
            }
        }
    };
    const int64_t n = std::max<int64_t>(1, std::min<int64_t>(n_threads, p->n_groups / 64 + 1));
    std::vector<std::thread> threads;
    for (int64_t i = 1; i < n; ++i) threads.emplace_back(pack_groups, p->n_groups * i / n, p->n_groups * (i + 1) / n);
    pack_groups(0, p->n_groups / n);
    for (auto &t : threads) t.join();
    return p;
}

}  // namespace tiller
