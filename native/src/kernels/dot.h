// Float32 dot products, compiled for several instruction sets and picked at load time
// (GCC target_clones), so one binary runs on any x86-64 without SIGILL.
#pragma once

#include <cstdint>

namespace tiller {

float dot_f32(const float *a, const float *b, int64_t n);
// y[i] += a * x[i]
void axpy_f32(float a, const float *x, float *y, int64_t n);

}  // namespace tiller
