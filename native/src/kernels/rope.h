// Rotary position embedding, NEOX style (pairs i and i + d/2), as all Gemma models use.
#pragma once

#include <cstdint>

namespace tiller {

// Rotates n_heads vectors of head_dim floats (contiguous) for position pos.
void rope_neox(float *x, int64_t n_heads, int64_t head_dim, int64_t pos, float freq_base, float freq_scale);

}  // namespace tiller
