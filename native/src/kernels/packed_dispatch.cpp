// Whether packed kernels are in use, and the activation quantizer they read.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "gguf/ggml_type.h"
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

// Rounds as quantize_activations does, so packed and unpacked kernels see the same quants.
TILLER_CLONES void quantize_activations_packed(const float *x, PackedActBlock *out, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b, x += 32) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) {
            const float a = std::fabs(x[j]);
            amax = a > amax ? a : amax;
        }
        const float id = amax > 0 ? 127.0f / amax : 0.0f;
        PackedActBlock &o = out[b];
        o.d = amax / 127.0f;
        int lo = 0, hi = 0;
        for (int j = 0; j < 32; ++j) {
            const int v = static_cast<int>(std::nearbyint(x[j] * id));
            o.q[j] = static_cast<int8_t>(v);
            if (j < 16) lo += v; else hi += v;
        }
        o.ds = o.d * static_cast<float>(lo + hi);
        o.m8 = -8 * (lo + hi);
        o.m128 = -128 * (lo + hi);
        o.m32_lo = -32 * lo;
        o.m32_hi = -32 * hi;
    }
}

}  // namespace tiller
