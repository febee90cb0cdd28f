// Gemma 3: post-norms, per-head q/k RMSNorm before RoPE, no attention soft-cap, 5 sliding : 1
// global layers (pattern 6, or the file's sliding_window_pattern). Sliding layers use RoPE base
// rope.freq_base_swa (10000) unscaled; global layers use rope.freq_base with linear scaling.
// Final soft-cap only when final_logit_softcapping is in the file (no default): the reference
// llama.cpp applies it when present (checked against the fixtures). The 27B model (62 layers) scales queries by 1/sqrt(n_embd / n_head) = 1/sqrt(168).
#include <cmath>

#include "model/arch.h"
#include "model/hparams.h"
#include "tiller.h"

namespace tiller {

namespace {
float gemma3_query_scale(const HParams &hp) {
    if (hp.n_layer == 62) return 1.0f / std::sqrt(static_cast<float>(hp.n_embd / hp.layers[0].n_head));
    return 1.0f / std::sqrt(static_cast<float>(hp.head_dim));
}
}  // namespace

const ArchSpec kGemma3Spec = {
    /*name=*/"gemma3",
    /*id=*/TILLER_ARCH_GEMMA3,
    /*post_norms=*/true,
    /*qk_norm=*/true,
    /*attn_softcap=*/false,
    /*final_softcap=*/true,
    /*default_final_softcap=*/0.0f,
    /*output_tensor_allowed=*/true,
    /*local_rope=*/true,
    /*default_swa_pattern=*/6,
    /*default_sliding_window=*/0,
    /*query_scale=*/gemma3_query_scale,
};

}  // namespace tiller
