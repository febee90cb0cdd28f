// Float32 dot products, compiled for several instruction sets and picked at load time
// (GCC target_clones), so one binary runs on any x86-64 without SIGILL.
#pragma once

#include <cstdint>

namespace tiller {

float dot_f32(const float *a, const float *b, int64_t n);
// y[i] += a * x[i]
void axpy_f32(float a, const float *x, float *y, int64_t n);
// Four rows at once (independent accumulators; the attention kernels' key and value loops):
// s[r] = q . k_r, and y[i] += sum_r w[r] * x_r[i].
void dot4_f32(const float *q, const float *const k[4], int64_t n, float s[4]);
void axpy4_f32(const float w[4], const float *const x[4], float *y, int64_t n);
// dot4_f32 and axpy4_f32 over rows of n halves (an F16 KV cache), converted in registers.
void dot4_f16(const float *q, const uint16_t *const k[4], int64_t n, float s[4]);
void axpy4_f16(const float w[4], const uint16_t *const x[4], float *y, int64_t n);
// Sixteen dot products of four queries with four keys: s[i * 4 + j] = q_i . k_j.
void dot4x4_f32(const float *const q[4], const float *const k[4], int64_t n, float s[16]);

}  // namespace tiller
