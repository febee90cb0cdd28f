// Weights repacked at load time for the AVX-512 VNNI kernels (as llama.cpp repacks Q4_0 into
// interleaved rows). Sixteen rows are interleaved per tile: one 512-bit register holds 4
// consecutive quants of each of the 16 rows, so one vpdpbusd with a broadcast 4-byte activation
// word advances 16 dot products, and the 16 rows' block scales load as one vector.
//
// Quants are stored unsigned (Q8_0 as q + 128, Q4_0 as its nibble, Q6_K as its 6-bit value); the
// offset is taken back out with the activation block's sum, precomputed once per activation
// block. Per 32-element tile of 16 rows, byte 64k + 4r + i of a 64-byte vector belongs to row r:
//   Q8_0  f16 d[16] | u8 vectors k = 0..7: element 4k+i                          (544 B, as Q8_0)
//   Q4_0  f16 d[16] | nibble vectors k = 0..3: low nibble element 4k+i, high 16+4k+i (288 B)
//   Q4_K  per super-block f32 d[16], f32 dmin[16]; per tile u8 sc[16], u8 m[16] | nibbles
//   Q6_K  per super-block f32 d[16]; per tile i8 sc[16] (elements 0-15), i8 sc[16] (16-31) |
//         nibbles (low 4 bits) | 2 vectors h: bits 2k..2k+1 of byte 4r+i hold the top 2 bits of
//         element 16h + 4k + i
// The K-type scales stay the file's integers times an f32 super-block scale, so the products
// equal llama.cpp's; the layouts cost at most 6% more bytes than the file's (Q4_K).
#pragma once

#include <cstdint>
#include <memory>

#include "core/thread_pool.h"

namespace tiller {

struct WeightView;

constexpr int64_t kPackRows = 16;
// Bytes of 16 rows' tiles: per 32 elements (Q8_0, Q4_0), per 256-element super-block (Q4_K, Q6_K)
// with the tile of each 32 inside it.
constexpr int64_t kPackTileQ8_0 = 32 + 512, kPackTileQ4_0 = 32 + 256;
constexpr int64_t kPackTileQ4_K = 32 + 256, kPackSuperQ4_K = 128 + 8 * kPackTileQ4_K;
constexpr int64_t kPackTileQ6_K = 32 + 256 + 128, kPackSuperQ6_K = 64 + 8 * kPackTileQ6_K;

// A quantized activation block with the sums the packed kernels take back out.
struct PackedActBlock {
    float d;                // x ~= d * q
    float ds;               // d * sum(q)
    int32_t m8, m128;       // -8 * sum(q), -128 * sum(q)
    int32_t m32_lo, m32_hi; // -32 * sum(q[0..15]), -32 * sum(q[16..31])
    int8_t q[32];
};
static_assert(sizeof(PackedActBlock) == 56, "PackedActBlock layout");

void quantize_activations_packed(const float *x, PackedActBlock *out, int64_t n);

struct PackedWeight {
    int32_t type = 0;
    int64_t n_rows = 0, n_cols = 0;
    int64_t n_groups = 0;    // ceil(n_rows / 16); rows past n_rows are zero
    int64_t group_bytes = 0; // bytes of one group of 16 rows
    std::unique_ptr<uint8_t, void (*)(void *)> data{nullptr, nullptr};

    const uint8_t *group(int64_t g) const { return data.get() + g * group_bytes; }
};

// Computes y[i * n_rows + r] for tokens i < t and the rows of groups [g0, g1); x holds t rows of
// n_cols / 32 activation blocks.
using PackedKernelFn = void (*)(const PackedWeight &w, const PackedActBlock *x, int64_t t, int64_t g0, int64_t g1,
                                float *y);

struct PackedKernels {
    PackedKernelFn q8_0, q4_0, q4_k, q6_k;
};
const PackedKernels *packed_avx512();  // nullptr when not compiled in

// The packed kernel for a type when packing is in use (the AVX-512 VNNI table is active and
// TILLER_REPACK is not 0), else nullptr.
PackedKernelFn packed_kernel(int32_t type);

// Repacks a matrix of type Q8_0, Q4_0, Q4_K or Q6_K (nullptr for other types), on up to
// n_threads threads.
std::unique_ptr<PackedWeight> pack_weight(const WeightView &w, int n_threads);

}  // namespace tiller
