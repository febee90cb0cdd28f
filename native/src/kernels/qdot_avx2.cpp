// AVX2 + FMA + F16C kernels (compiled with those flags only; chosen at run time).
#include "kernels/qdot.h"

#include <immintrin.h>

namespace tiller {
namespace {
// u8 x s8 products summed in pairs (int16, cannot saturate for Tiller's quant ranges), then to int32.
inline __m256i dpbusd(__m256i acc, __m256i u, __m256i s) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
}
}  // namespace
}  // namespace tiller

#define QDOT_TABLE_NAME "avx2"
#define QDOT_TABLE_FN qdot_avx2
#include "kernels/qdot_x86.inc"
