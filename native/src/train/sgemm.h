// Float GEMM for training: C (+)= op(A) * op(B), op(X) = X or X^T, row-major with leading
// dimensions. A is [M, K] (stored [K, M] when ta); B is [K, N] (stored [N, K] when tb).
#pragma once

#include <cstdint>

#include "core/thread_pool.h"

namespace tiller::train {

void sgemm(ThreadPool &pool, bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
           const float *b, int64_t ldb, float *c, int64_t ldc, bool accumulate);

}  // namespace tiller::train
