// Whether packed kernels are in use, and the activation quantizer they read.
#include <cstdlib>
#include <cstring>

#include "gguf/ggml_type.h"
#include "kernels/act_quant.h"
#include "kernels/clones.h"
#include "kernels/packed.h"
#include "kernels/qdot.h"

namespace tiller {

#if !defined(TILLER_X86_KERNELS)
const PackedKernels *packed_avx512() { return nullptr; }
#endif

namespace {
// Packing follows the integer kernel table: only the AVX-512 VNNI path has packed kernels, so
// TILLER_CPU=avx2 or scalar also turns it off. TILLER_REPACK=0 turns it off alone.
const PackedKernels *in_use() {
    static const PackedKernels *k = [] {
        const char *off = std::getenv("TILLER_REPACK");
        if (off && std::strcmp(off, "0") == 0) return static_cast<const PackedKernels *>(nullptr);
        return &qdot() == qdot_avx512() ? packed_avx512() : nullptr;
    }();
    return k;
}
}  // namespace

PackedKernelFn packed_kernel(int32_t type) {
    const PackedKernels *k = in_use();
    if (!k) return nullptr;
    switch (type) {
        case GGML_Q8_0: return k->q8_0;
        case GGML_Q4_0: return k->q4_0;
        case GGML_Q4_K: return k->q4_k;
        case GGML_Q6_K: return k->q6_k;
        default: return nullptr;
    }
}

TILLER_CLONES void quantize_activations_packed(const float *x, PackedActBlock *out, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32) {
        PackedActBlock &o = out[b];
        int lo, hi;
        o.d = quantize_block32(x, o.q, &lo, &hi);
        o.ds = o.d * static_cast<float>(lo + hi);
        o.m8 = -8 * (lo + hi);
        o.m128 = -128 * (lo + hi);
        o.m32_lo = -32 * lo;
        o.m32_hi = -32 * hi;
    }
}

}  // namespace tiller
