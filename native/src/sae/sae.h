// Sparse autoencoders on the residual stream: Gemma Scope params.npz and SAELens folders
// (cfg.json + sae_weights.safetensors), architectures jumprelu, relu and topk.
//   x'  = normalize(x)   (SAELens normalize_activations: none, constant_norm_rescale, layer_norm)
//   pre = (x' - b_dec if apply_b_dec_to_input) . W_enc + b_enc
//   f   = jumprelu: pre * 1[pre > threshold];  relu: max(pre, 0);  topk: relu on the k largest
//   x^  = f . W_dec + b_dec
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tiller {

class Sae {
public:
    enum class Arch { JumpRelu, Relu, TopK };
    enum class Norm { None, ConstantNormRescale, LayerNorm };

    // A Gemma Scope .npz file, or a SAELens folder (or its cfg.json / .safetensors file).
    explicit Sae(const std::string &path);

    int64_t d_model() const { return d_; }
    int64_t d_sae() const { return m_; }
    Arch arch() const { return arch_; }
    const std::string &source() const { return source_; }

    // The SAE's input for a residual row: xn = normalize(x). Returns the factor that maps a change
    // of xn back to a change of x (1 without normalization).
    float normalize(const float *x, float *xn) const;
    // Pre-activation and activation of one feature for one (normalized) input row.
    float pre_activation(int64_t c, const float *xn) const;
    float activate(int64_t c, float pre) const;  // jumprelu / relu (topk: relu)
    float threshold(int64_t c) const { return threshold_.empty() ? 0.0f : threshold_[c]; }
    const float *decoder_row(int64_t c) const { return &w_dec_[c * d_]; }

    // Batched: x [n, d] -> f [n, M]; f [n, M] -> x^ [n, d] (in the SAE's normalized input space).
    void encode(const float *x, int64_t n, float *f) const;
    void decode(const float *f, int64_t n, float *x) const;

private:
    void load_npz(const std::string &file);
    void load_saelens(const std::string &dir);
    void take(const class TensorFile &tf, const std::string &prefix_for_errors);

    std::string source_;
    Arch arch_ = Arch::JumpRelu;
    int64_t d_ = 0, m_ = 0, k_ = 0;
    bool apply_b_dec_ = false;
    Norm norm_ = Norm::None;
    std::vector<float> w_enc_t_;  // [M, d]: encoder columns as rows
    std::vector<float> w_dec_;    // [M, d]
    std::vector<float> b_enc_, b_dec_, threshold_;
};

}  // namespace tiller
