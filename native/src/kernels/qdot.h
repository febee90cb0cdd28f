// Dot products of one quantized weight row with up to 4 quantized activation rows, one kernel
// per weight type and instruction set. The instruction set is chosen once at load time from the
// CPU's features (or the TILLER_CPU environment variable: scalar, avx2, avx512).
#pragma once

#include <cstdint>

#include "kernels/act_quant.h"

namespace tiller {

// out[t] = dot(weight row, activation row t) for t < nt (1..4); n = row length.
using QDotFn = void (*)(const uint8_t *w, const ActBlock *const *a, int nt, int64_t n, float *out);

struct QDotTable {
    const char *name;
    QDotFn q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k;
};

const QDotTable &qdot_scalar();
const QDotTable *qdot_avx2();    // nullptr when not compiled in
const QDotTable *qdot_avx512();  // nullptr when not compiled in

// The table in use (chosen on first call).
const QDotTable &qdot();
// Why TILLER_CPU cannot be honoured (an unknown name, or a path this CPU or build lacks), or
// nullptr when it is unset or honoured. Loading a model or creating a graph refuses then, rather
// than running another path than the one asked for.
const char *cpu_request_problem();
// The kernel of a table for a weight type, or nullptr for float types.
QDotFn qdot_pick(const QDotTable &table, int32_t type);
// The kernel in use for a weight type, or nullptr for float types.
QDotFn qdot_for(int32_t type);

}  // namespace tiller
