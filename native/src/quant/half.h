// IEEE binary16 and bfloat16 <-> float conversions (exact, portable; subnormals handled).
#pragma once

#include <cstdint>
#include <cstring>

namespace tiller {

inline float fp16_to_f32(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: renormalize
            int e = -1;
            do {
                ++e;
                mant <<= 1;
            } while ((mant & 0x400) == 0);
            bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | mant << 13;
    } else {
        bits = sign | (exp + (127 - 15)) << 23 | mant << 13;
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

inline float bf16_to_f32(uint16_t h) {
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// Round to nearest even, as ggml's conversions do (F. Giesen's float_to_half_fast3_rtne scheme).
inline uint16_t f32_to_fp16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
    if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u); // rounds to infinity
    if (a < 0x38800000u) {
        // Subnormal half: let float addition do the rounding at the 2^-24 position.
        float v;
        std::memcpy(&v, &a, 4);
        v += 0.5f;
        uint32_t r;
        std::memcpy(&r, &v, 4);
        return static_cast<uint16_t>(sign | (r - 0x3f000000u));
    }
    const uint32_t odd = (a >> 13) & 1u;
    a += 0xc8000fffu + odd;  // rebias the exponent (127 -> 15) and round to nearest even
    return static_cast<uint16_t>(sign | (a >> 13));
}

inline uint16_t f32_to_bf16(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 64);  // quiet NaN
    return static_cast<uint16_t>((bits + (0x7fffu + ((bits >> 16) & 1))) >> 16);
}

inline uint16_t read_u16(const uint8_t *p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

}  // namespace tiller
