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

TILLER_CLONES void dot4_f32(const float *q, const float *const k[4], int64_t n, float s[4]) {
    const float *k0 = k[0], *k1 = k[1], *k2 = k[2], *k3 = k[3];
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#pragma omp simd reduction(+ : a0, a1, a2, a3)
    for (int64_t i = 0; i < n; ++i) {
        const float x = q[i];
        a0 += x * k0[i];
        a1 += x * k1[i];
        a2 += x * k2[i];
        a3 += x * k3[i];
    }
    s[0] = a0, s[1] = a1, s[2] = a2, s[3] = a3;
}

TILLER_CLONES void axpy4_f32(const float w[4], const float *const x[4], float *y, int64_t n) {
    const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
    const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] += w0 * x0[i] + w1 * x1[i] + w2 * x2[i] + w3 * x3[i];
}

TILLER_CLONES void dot4x4_f32(const float *const q[4], const float *const k[4], int64_t n, float s[16]) {
    const float *q0 = q[0], *q1 = q[1], *q2 = q[2], *q3 = q[3], *k0 = k[0], *k1 = k[1], *k2 = k[2], *k3 = k[3];
    float a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
    float a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
#pragma omp simd reduction(+ : a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33)
    for (int64_t i = 0; i < n; ++i) {
        const float x0 = q0[i], x1 = q1[i], x2 = q2[i], x3 = q3[i], y0 = k0[i], y1 = k1[i], y2 = k2[i], y3 = k3[i];
        a00 += x0 * y0, a01 += x0 * y1, a02 += x0 * y2, a03 += x0 * y3;
        a10 += x1 * y0, a11 += x1 * y1, a12 += x1 * y2, a13 += x1 * y3;
        a20 += x2 * y0, a21 += x2 * y1, a22 += x2 * y2, a23 += x2 * y3;
        a30 += x3 * y0, a31 += x3 * y1, a32 += x3 * y2, a33 += x3 * y3;
    }
    s[0] = a00, s[1] = a01, s[2] = a02, s[3] = a03, s[4] = a10, s[5] = a11, s[6] = a12, s[7] = a13;
    s[8] = a20, s[9] = a21, s[10] = a22, s[11] = a23, s[12] = a30, s[13] = a31, s[14] = a32, s[15] = a33;
}

}  // namespace tiller
