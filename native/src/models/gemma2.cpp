// Gemma 2: post-norms, attention soft-cap (50) and final soft-cap (30), sliding window on even
// layers (pattern 2, window 4096 by default). The 27B model (46 layers) scales queries by
// 1/sqrt(n_embd / n_head) = 1/sqrt(144), as HF's query_pre_attn_scalar; the others by 1/sqrt(head_dim).
#include <cmath>

#include "model/arch.h"
#include "model/hparams.h"
#include "tiller.h"

namespace tiller {

namespace {
float gemma2_query_scale(const HParams &hp) {
    if (hp.n_layer == 46) return 1.0f / std::sqrt(static_cast<float>(hp.n_embd / hp.layers[0].n_head));
    return 1.0f / std::sqrt(static_cast<float>(hp.head_dim));
}
}  // namespace

const ArchSpec kGemma2Spec = {
    /*name=*/"gemma2",
    /*id=*/TILLER_ARCH_GEMMA2,
    /*post_norms=*/true,
    /*qk_norm=*/false,
    /*attn_softcap=*/true,
    /*final_softcap=*/true,
    /*default_final_softcap=*/30.0f,
    /*output_tensor_allowed=*/false,
    /*local_rope=*/false,
    /*default_swa_pattern=*/2,
    /*default_sliding_window=*/4096,
    /*query_scale=*/gemma2_query_scale,
};

}  // namespace tiller
