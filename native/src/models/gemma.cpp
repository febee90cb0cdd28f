// Gemma 1: pre-norm blocks without post-norms, no soft-caps, no sliding window, query scaled by
// 1/sqrt(head_dim), output tied to the token embedding.
#include <cmath>

#include "model/arch.h"
#include "model/hparams.h"
#include "tiller.h"

namespace tiller {

namespace {
float gemma1_query_scale(const HParams &hp) { return 1.0f / std::sqrt(static_cast<float>(hp.head_dim)); }
}  // namespace

const ArchSpec kGemma1Spec = {
    /*name=*/"gemma",
    /*id=*/TILLER_ARCH_GEMMA,
    /*post_norms=*/false,
    /*qk_norm=*/false,
    /*attn_softcap=*/false,
    /*final_softcap=*/false,
    /*default_final_softcap=*/0.0f,
    /*output_tensor_allowed=*/false,
    /*local_rope=*/false,
    /*default_swa_pattern=*/0,
    /*default_sliding_window=*/0,
    /*query_scale=*/gemma1_query_scale,
};

}  // namespace tiller
