#include "kernels/act_quant.h"
#include "kernels/clones.h"


namespace tiller {

TILLER_CLONES void quantize_activations(const float *x, ActBlock *out, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32) {
        ActBlock &o = out[b];
        int lo, hi;
        o.d = quantize_block32(x, o.q, &lo, &hi);
        o.sum_lo = static_cast<int16_t>(lo);
        o.sum_hi = static_cast<int16_t>(hi);
    }
}

}  // namespace tiller
