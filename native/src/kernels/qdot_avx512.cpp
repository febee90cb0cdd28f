// AVX-512 (VL, BW, VNNI) kernels: VNNI's vpdpbusd does the u8 x s8 dot in one instruction.
#include "kernels/qdot.h"

#include <immintrin.h>

namespace tiller {
namespace {
inline __m256i dpbusd(__m256i acc, __m256i u, __m256i s) { return _mm256_dpbusd_epi32(acc, u, s); }
}  // namespace
}  // namespace tiller

#define QDOT_TABLE_NAME "avx512"
#define QDOT_TABLE_FN qdot_avx512
#include "kernels/qdot_x86.inc"
