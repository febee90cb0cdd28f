// Which ggml type each tensor gets when quantizing to a target, following llama.cpp's
// llama_tensor_get_type for the types Tiller writes (including the Q4_K_M / Q5_K_M mixes).
#pragma once

#include <cstdint>
#include <string>

namespace tiller {

struct QuantTarget {
    std::string name;    // "Q4_K_M", "Q8_0", ...
    int32_t base_type;   // ggml type of ordinary matrices
    bool mix;            // _M mixes: more bits for some attn_v / ffn_down layers
    uint32_t file_type;  // general.file_type (llama_ftype)
};

// Throws for names Tiller cannot write.
QuantTarget parse_quant_target(const std::string &name);

// The type of tensor `name` (rank n_dims, row length ne0) in layer `layer` of n_layer
// (layer < 0 for tensors outside the blocks).
int32_t tensor_type_for(const QuantTarget &t, const std::string &name, int32_t n_dims, int64_t ne0, int64_t layer,
                        int64_t n_layer);

}  // namespace tiller
