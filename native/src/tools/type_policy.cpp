#include "tools/type_policy.h"

#include "core/error.h"
#include "gguf/ggml_type.h"

namespace tiller {

namespace {
bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// llama.cpp's use_more_bits: the first and last eighth of the layers, and every third in between.
bool use_more_bits(int64_t i, int64_t n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

bool is_k_quant(int32_t t) { return t == GGML_Q4_K || t == GGML_Q5_K || t == GGML_Q6_K; }
}  // namespace

QuantTarget parse_quant_target(const std::string &n) {
    if (n == "F32") return {n, GGML_F32, false, 0};
    if (n == "F16") return {n, GGML_F16, false, 1};
    if (n == "BF16") return {n, GGML_BF16, false, 32};
    if (n == "Q4_0") return {n, GGML_Q4_0, false, 2};
    if (n == "Q4_1") return {n, GGML_Q4_1, false, 3};
    if (n == "Q8_0") return {n, GGML_Q8_0, false, 7};
    if (n == "Q5_0") return {n, GGML_Q5_0, false, 8};
    if (n == "Q5_1") return {n, GGML_Q5_1, false, 9};
    if (n == "Q4_K") return {n, GGML_Q4_K, false, 14};
    if (n == "Q4_K_M") return {n, GGML_Q4_K, true, 15};
    if (n == "Q5_K") return {n, GGML_Q5_K, false, 16};
    if (n == "Q5_K_M") return {n, GGML_Q5_K, true, 17};
    if (n == "Q6_K") return {n, GGML_Q6_K, false, 18};
    fail(TILLER_ERR_INVALID_ARGUMENT,
         "unknown target type '%s' (supported: F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q4_K Q5_K Q6_K Q4_K_M Q5_K_M)", n.c_str());
}

int32_t tensor_type_for(const QuantTarget &t, const std::string &name, int32_t n_dims, int64_t ne0, int64_t layer,
                        int64_t n_layer) {
    // Only weight matrices are quantized; norms (incl. Gemma 3's q/k norms) stay F32.
    if (!ends_with(name, "weight") || n_dims < 2 || name.find("_norm.weight") != std::string::npos) return GGML_F32;
    const int32_t base = t.base_type;
    if (base == GGML_F32 || base == GGML_F16 || base == GGML_BF16) return base;
    int32_t type = base;
    // The output matrix (for Gemma: the tied token embedding) gets Q6_K unless the target is Q8_0.
    if (name == "output.weight" || name == "token_embd.weight") {
        type = base == GGML_Q8_0 ? GGML_Q8_0 : GGML_Q6_K;
    } else if (t.mix && layer >= 0 && (ends_with(name, "attn_v.weight") || ends_with(name, "ffn_down.weight"))) {
        if (use_more_bits(layer, n_layer)) type = GGML_Q6_K;
    }
    // Rows that are not a whole number of 256-element super-blocks fall back (llama-quant.cpp).
    if (is_k_quant(type) && ne0 % 256 != 0) {
        type = type == GGML_Q4_K ? GGML_Q5_0 : type == GGML_Q5_K ? GGML_Q5_1 : GGML_Q8_0;
    }
    if (ne0 % type_traits(type).block_elems != 0) type = GGML_F16;
    return type;
}

}  // namespace tiller
