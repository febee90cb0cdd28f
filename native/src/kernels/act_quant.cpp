#include "kernels/act_quant.h"
#include "kernels/clones.h"

#include <cmath>

namespace tiller {

TILLER_CLONES void quantize_activations(const float *x, ActBlock *out, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) {
            const float a = std::fabs(x[j]);
            amax = a > amax ? a : amax;
        }
        const float d = amax / 127.0f, id = amax > 0 ? 127.0f / amax : 0.0f;
        ActBlock &o = out[b];
        o.d = d;
        int lo = 0, hi = 0;
        for (int j = 0; j < 32; ++j) {
            int v = static_cast<int>(std::nearbyint(x[j] * id));
            o.q[j] = static_cast<int8_t>(v);
            if (j < 16) lo += v; else hi += v;
        }
        o.sum_lo = static_cast<int16_t>(lo);
        o.sum_hi = static_cast<int16_t>(hi);
    }
}

}  // namespace tiller
