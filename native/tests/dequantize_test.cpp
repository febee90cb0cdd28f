// Block formats decoded by hand-built blocks whose values follow from ggml's layout description
// (runtime-quant-tokenizer.md), and the half-precision conversions on exact values.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "gguf/ggml_type.h"
#include "quant/dequantize.h"
#include "quant/half.h"
#include "test.h"

using namespace tiller;

TEST(fp16_and_bf16_exact_values) {
    CHECK(fp16_to_f32(0x3C00) == 1.0f);
    CHECK(fp16_to_f32(0xC000) == -2.0f);
    CHECK(fp16_to_f32(0x3800) == 0.5f);
    CHECK(fp16_to_f32(0x7BFF) == 65504.0f);
    CHECK(fp16_to_f32(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
    CHECK(fp16_to_f32(0x03FF) == std::ldexp(1023.0f, -24));
    CHECK(std::isinf(fp16_to_f32(0x7C00)));
    CHECK(std::isnan(fp16_to_f32(0x7E00)));
    CHECK(fp16_to_f32(0x8000) == 0.0f && std::signbit(fp16_to_f32(0x8000)));
    CHECK(bf16_to_f32(0x3F80) == 1.0f);
    CHECK(bf16_to_f32(0xC040) == -3.0f);
}

TEST(q8_0_block) {
    uint8_t b[34];
    uint16_t d = 0x3400;  // 0.25
    std::memcpy(b, &d, 2);
    for (int j = 0; j < 32; ++j) b[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(j - 16));
    float y[32];
    dequantize_row(GGML_Q8_0, b, y, 32);
    for (int j = 0; j < 32; ++j) CHECK(y[j] == (j - 16) * 0.25f);
}

TEST(q4_0_block_low_nibbles_first) {
    uint8_t b[18];
    uint16_t d = 0x3800;  // 0.5
    std::memcpy(b, &d, 2);
    for (int j = 0; j < 16; ++j) b[2 + j] = static_cast<uint8_t>(j | ((15 - j) << 4));
    float y[32];
    dequantize_row(GGML_Q4_0, b, y, 32);
    for (int j = 0; j < 16; ++j) {
        CHECK(y[j] == (j - 8) * 0.5f);
        CHECK(y[j + 16] == (15 - j - 8) * 0.5f);
    }
}

TEST(q4_1_block_adds_min) {
    uint8_t b[20];
    uint16_t d = 0x3C00, m = 0xC000;  // 1.0, -2.0
    std::memcpy(b, &d, 2);
    std::memcpy(b + 2, &m, 2);
    for (int j = 0; j < 16; ++j) b[4 + j] = static_cast<uint8_t>(j | (j << 4));
    float y[32];
    dequantize_row(GGML_Q4_1, b, y, 32);
    for (int j = 0; j < 16; ++j) CHECK(y[j] == j - 2.0f && y[j + 16] == j - 2.0f);
}

TEST(q5_0_fifth_bit_from_qh) {
    uint8_t b[22] = {};
    uint16_t d = 0x3C00;
    std::memcpy(b, &d, 2);
    uint32_t qh = 0x00010001u;  // bit 0 -> element 0, bit 16 -> element 16
    std::memcpy(b + 2, &qh, 4);
    float y[32];
    dequantize_row(GGML_Q5_0, b, y, 32);
    CHECK(y[0] == 0.0f);    // (0 | 16) - 16
    CHECK(y[1] == -16.0f);  // (0 | 0) - 16
    CHECK(y[16] == 0.0f);
    CHECK(y[17] == -16.0f);
}

namespace {
// Dequantizes one 256-element block and checks every element against the value it was packed for;
// the expected values must differ pairwise, so that any element read from the wrong place fails.
void check_every_element(int32_t type, const std::vector<uint8_t> &block, const float (&expected)[256]) {
    for (int a = 0; a < 256; ++a)
        for (int c = a + 1; c < 256; ++c) REQUIRE(expected[a] != expected[c]);
    float y[256];
    dequantize_row(type, block.data(), y, 256);
    for (int e = 0; e < 256; ++e) {
        if (y[e] != expected[e]) std::fprintf(stderr, "  element %d: %g, expected %g\n", e, y[e], expected[e]);
        CHECK(y[e] == expected[e]);
    }
}
}  // namespace

// Every element of a Q6_K block told apart: element e is in sub-block e / 16 with the int8 scale
// of a distinct prime p (17..79) and q - 32 = 1 + e % 16, so that p * (q - 32) differs for every
// element (p never divides a factor below 17). The block is packed from the layout in
// runtime-quant-tokenizer.md: in half h, position l, the four elements h*128 + 32j + l take the
// low/high nibbles of ql[64h + l (+32)] and bit pairs 2j of qh[32h + l].
TEST(q6_k_block_every_element_apart) {
    const int primes[16] = {17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79};
    std::vector<uint8_t> b(210, 0);
    uint8_t *ql = b.data(), *qh = b.data() + 128;
    int8_t *sc = reinterpret_cast<int8_t *>(b.data() + 192);
    for (int s = 0; s < 16; ++s) sc[s] = static_cast<int8_t>(primes[s]);
    const uint16_t d = 0x3800;  // 0.5
    std::memcpy(&b[208], &d, 2);
    float expected[256];
    for (int e = 0; e < 256; ++e) {
        const int q = 32 + 1 + e % 16, h = e / 128, j = (e % 128) / 32, l = e % 32;
        uint8_t &lo = ql[64 * h + l + (j & 1) * 32];
        lo |= static_cast<uint8_t>((q & 0xF) << (j >= 2 ? 4 : 0));
        qh[32 * h + l] |= static_cast<uint8_t>(((q >> 4) & 3) << (2 * j));
        expected[e] = 0.5f * primes[e / 16] * (q - 32);
    }
    check_every_element(GGML_Q6_K, b, expected);
}

// A Q5_K block by hand from its layout (half d; half dmin; scales[12]; qh[32]; qs[128]): 8
// sub-blocks of 32 with 6-bit scale and min packed as get_scale_min_k4 reads them, a 5th bit per
// element from qh (bit 2c for the low nibbles of chunk c, bit 2c+1 for the high ones). Sub-block j
// has scale 1 (17 for j >= 4, which uses the packed high bits) and min j (16 + j for j >= 4);
// with dmin = 1/8 the fractional part j/8 tells the sub-blocks apart, and q = (7e + j) mod 32, a
// permutation of 0..31 within each sub-block, the elements.
TEST(q5_k_hand_built_block) {
    std::vector<uint8_t> b(176, 0);
    const uint16_t d = 0x3C00, dmin = 0x3000;  // 1.0 and 0.125
    std::memcpy(&b[0], &d, 2);
    std::memcpy(&b[2], &dmin, 2);
    uint8_t *scales = b.data() + 4, *qh = b.data() + 16, *qs = b.data() + 48;
    int sc[8], mn[8];
    for (int j = 0; j < 8; ++j) {
        sc[j] = j < 4 ? 1 : 17;
        mn[j] = j < 4 ? j : 16 + j;
    }
    for (int j = 0; j < 4; ++j) {
        scales[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
        scales[j + 4] = static_cast<uint8_t>(mn[j] | ((mn[j + 4] >> 4) << 6));
        scales[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
    }
    float expected[256];
    for (int e = 0; e < 256; ++e) {
        const int c = e / 64, high = (e % 64) / 32, l = e % 32, j = 2 * c + high, q = (e * 7 + j) % 32;
        qs[32 * c + l] |= static_cast<uint8_t>((q & 0xF) << (high ? 4 : 0));
        if (q & 16) qh[l] |= static_cast<uint8_t>(1 << (2 * c + high));
        expected[e] = 1.0f * sc[j] * q - 0.125f * mn[j];
    }
    check_every_element(GGML_Q5_K, b, expected);
}

TEST(type_table) {
    CHECK(type_traits(GGML_Q4_K).block_bytes == 144 && type_traits(GGML_Q4_K).block_elems == 256);
    CHECK(type_traits(GGML_Q5_K).block_bytes == 176);
    CHECK(type_traits(GGML_Q6_K).block_bytes == 210);
    CHECK(type_traits(GGML_BF16).supported);
    CHECK(!type_traits(16).supported && std::strcmp(type_name(16), "IQ2_XXS") == 0);
    CHECK(type_traits(99).name == nullptr);
}

TEST(fp16_rounding_is_nearest_even) {
    // Every finite half survives the round trip; halfway points round to the even neighbour.
    for (uint32_t h = 0; h < 0x10000; ++h) {
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue;  // NaN payloads
        CHECK(f32_to_fp16(fp16_to_f32(static_cast<uint16_t>(h))) == h);
    }
    CHECK(f32_to_fp16(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);      // halfway to 1+2^-10: even (1.0)
    CHECK(f32_to_fp16(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);  // halfway, rounds up to even
    CHECK(f32_to_fp16(65520.0f) == 0x7C00);
    CHECK(f32_to_fp16(65519.0f) == 0x7BFF);
    CHECK(f32_to_fp16(std::ldexp(1.0f, -25)) == 0x0000);             // halfway to the smallest subnormal: even
    CHECK(f32_to_fp16(std::ldexp(3.0f, -26)) == 0x0001);
    CHECK(f32_to_bf16(1.0f) == 0x3F80);
    CHECK(f32_to_bf16(1.0f + std::ldexp(1.0f, -8)) == 0x3F80);       // halfway: even
    CHECK(f32_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)) == 0x3F82);
}

// F16 rows are converted by the CPU's F16C instructions where it has them: every one of the
// 65536 half values converts as the portable conversion does (NaNs stay NaNs).
TEST(f16_rows_convert_every_value_exactly) {
    std::vector<uint8_t> row(65536 * 2);
    for (uint32_t h = 0; h < 65536; ++h) {
        row[2 * h] = static_cast<uint8_t>(h & 0xff);
        row[2 * h + 1] = static_cast<uint8_t>(h >> 8);
    }
    std::vector<float> y(65536);
    dequantize_row(GGML_F16, row.data(), y.data(), 65536);
    int wrong = 0;
    for (uint32_t h = 0; h < 65536; ++h) {
        const float ref = fp16_to_f32(static_cast<uint16_t>(h));
        if (std::isnan(ref)) {
            wrong += !std::isnan(y[h]);
        } else {
            wrong += std::memcmp(&ref, &y[h], 4) != 0;
        }
    }
    CHECK(wrong == 0);
}
