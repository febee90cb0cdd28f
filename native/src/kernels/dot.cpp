#include "kernels/dot.h"
#include "kernels/clones.h"

namespace tiller {

TILLER_CLONES float dot_f32(const float *a, const float *b, int64_t n) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}

TILLER_CLONES void axpy_f32(float a, const float *x, float *y, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

}  // namespace tiller
