// The architecture registry: what differs between Gemma 1, 2 and 3 is data in an ArchSpec
// (one per family, in models/<family>.cpp); the block itself is shared (runtime/forward.cpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace tiller {

struct HParams;

struct ArchSpec {
    const char *name;               // general.architecture
    int32_t id;                     // TILLER_ARCH_*
    bool post_norms;                // post_attention_norm / post_ffw_norm around both sublayers
    bool qk_norm;                   // per-head RMSNorm of Q and K before RoPE
    bool attn_softcap;              // tanh soft-cap of attention scores (key attn_logit_softcapping)
    bool final_softcap;             // tanh soft-cap of the logits (key final_logit_softcapping)
    float default_final_softcap;    // cap when the key is absent (0: off)
    bool output_tensor_allowed;     // a separate output.weight may replace the tied embedding
    bool local_rope;                // sliding layers use their own RoPE base, unscaled
    int32_t default_swa_pattern;    // n: layer il slides when il % n < n - 1 (0: no sliding layers)
    int64_t default_sliding_window; // window when the key is absent (0: no sliding window)
    // Query scale for this model (llama.cpp derives it from the model size; no GGUF key exists).
    float (*query_scale)(const HParams &hp);
};

const ArchSpec *find_arch(std::string_view name);
const char *supported_arch_names();  // "gemma, gemma2, gemma3"

// Families (models/*.cpp).
extern const ArchSpec kGemma1Spec;
extern const ArchSpec kGemma2Spec;
extern const ArchSpec kGemma3Spec;

}  // namespace tiller
