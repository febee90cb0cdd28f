// Hyper-parameters read from GGUF metadata ("<arch>.*" keys), including per-layer arrays.
#pragma once

#include <cstdint>
#include <vector>

#include "gguf/gguf_file.h"
#include "model/arch.h"

namespace tiller {

struct LayerParams {
    bool swa = false;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t n_ff = 0;
    float rope_base = 10000.0f;
    float rope_scale = 1.0f;
};

struct HParams {
    const ArchSpec *arch = nullptr;
    int64_t n_vocab = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t head_dim = 0;
    int64_t n_ctx_train = 0;
    int64_t n_swa = 0;       // 0: no sliding window
    float eps = 1e-6f;
    float attn_softcap = 0;  // 0: off
    float final_softcap = 0; // 0: off
    float query_scale = 1.0f;
    std::vector<LayerParams> layers;

    // Largest per-layer values (for buffer sizes).
    int64_t max_n_head() const;
    int64_t max_n_head_kv() const;
    int64_t max_n_ff() const;
};

// Reads and validates; n_vocab comes from the token embedding (passed by the caller).
HParams read_hparams(const GgufFile &file, const ArchSpec &arch, int64_t n_vocab);

}  // namespace tiller
