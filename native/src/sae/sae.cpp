#include "sae/sae.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.h"
#include "core/json.h"
#include "kernels/dot.h"
#include "sae/tensor_file.h"

namespace tiller {

namespace fs = std::filesystem;

Sae::Sae(const std::string &path) : source_(path) {
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec)) load_saelens(path);
    else if (p.filename() == "cfg.json" || p.extension() == ".safetensors") load_saelens(p.parent_path().string());
    else load_npz(path);
}

void Sae::load_npz(const std::string &file) {
    TensorFile tf(file);
    arch_ = tf.has("threshold") ? Arch::JumpRelu : Arch::Relu;
    take(tf, file);
}

void Sae::load_saelens(const std::string &dir) {
    const std::string cfg_path = (fs::path(dir) / "cfg.json").string();
    std::ifstream in(cfg_path);
    if (!in) fail(TILLER_ERR_IO, "%s: cannot open (a SAELens SAE folder needs cfg.json)", cfg_path.c_str());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (text.size() > (1 << 20)) fail(TILLER_ERR_FORMAT, "%s: too large for a config", cfg_path.c_str());
    Json cfg = parse_json(text, cfg_path);
    const Json *arch = cfg.get("architecture");
    const std::string a = arch && arch->kind == Json::String ? arch->str : "standard";
    if (a == "jumprelu") arch_ = Arch::JumpRelu;
    else if (a == "relu" || a == "standard") arch_ = Arch::Relu;
    else if (a == "topk") arch_ = Arch::TopK;
    else fail(TILLER_ERR_UNSUPPORTED, "%s: SAE architecture '%s' is not supported (jumprelu, relu, topk)", cfg_path.c_str(), a.c_str());
    if (arch_ == Arch::TopK) {
        const Json *k = cfg.get("k");
        if (!k) k = cfg.get("activation_fn_kwargs") ? cfg.get("activation_fn_kwargs")->get("k") : nullptr;
        if (!k || k->kind != Json::Number || k->num < 1) fail(TILLER_ERR_FORMAT, "%s: a topk SAE needs k", cfg_path.c_str());
        k_ = static_cast<int64_t>(k->num);
    }
    if (const Json *b = cfg.get("apply_b_dec_to_input"); b && b->kind == Json::Bool) apply_b_dec_ = b->b;
    if (const Json *norm = cfg.get("normalize_activations"); norm && norm->kind == Json::String && norm->str != "none") {
        if (norm->str == "constant_norm_rescale") norm_ = Norm::ConstantNormRescale;
        else if (norm->str == "layer_norm") norm_ = Norm::LayerNorm;
        else
            fail(TILLER_ERR_UNSUPPORTED,
                 "%s: normalize_activations '%s' is not supported (none, constant_norm_rescale, layer_norm; SAELens folds "
                 "expected_average_only_in into the weights when it saves)",
                 cfg_path.c_str(), norm->str.c_str());
    }
    if (const Json *dt = cfg.get("dtype"); dt && dt->kind == Json::String && dt->str != "float32")
        fail(TILLER_ERR_UNSUPPORTED, "%s: dtype '%s' is not supported (float32)", cfg_path.c_str(), dt->str.c_str());
    TensorFile tf((fs::path(dir) / "sae_weights.safetensors").string());
    take(tf, dir);
    if (const Json *d = cfg.get("d_in"); d && d->kind == Json::Number && static_cast<int64_t>(d->num) != d_)
        fail(TILLER_ERR_FORMAT, "%s: d_in %g does not match W_enc (%lld)", cfg_path.c_str(), d->num, (long long)d_);
    if (const Json *m = cfg.get("d_sae"); m && m->kind == Json::Number && static_cast<int64_t>(m->num) != m_)
        fail(TILLER_ERR_FORMAT, "%s: d_sae %g does not match W_enc (%lld)", cfg_path.c_str(), m->num, (long long)m_);
}

void Sae::take(const TensorFile &tf, const std::string &where) {
    const char *p = where.c_str();
    const F32Tensor &we = tf.get("W_enc"), &wd = tf.get("W_dec"), &be = tf.get("b_enc"), &bd = tf.get("b_dec");
    if (we.shape.size() != 2) fail(TILLER_ERR_FORMAT, "%s: W_enc must be [d, M]", p);
    d_ = we.shape[0];
    m_ = we.shape[1];
    if (d_ <= 0 || m_ <= 0) fail(TILLER_ERR_FORMAT, "%s: W_enc is empty", p);
    if (wd.shape != std::vector<int64_t>{m_, d_}) fail(TILLER_ERR_FORMAT, "%s: W_dec must be [%lld, %lld]", p, (long long)m_, (long long)d_);
    if (be.shape != std::vector<int64_t>{m_}) fail(TILLER_ERR_FORMAT, "%s: b_enc must have %lld values", p, (long long)m_);
    if (bd.shape != std::vector<int64_t>{d_}) fail(TILLER_ERR_FORMAT, "%s: b_dec must have %lld values", p, (long long)d_);
    auto finite = [&](const F32Tensor &t, const char *name) {
        for (int64_t i = 0; i < t.size(); ++i)
            if (!std::isfinite(t.data[i])) fail(TILLER_ERR_FORMAT, "%s: %s holds NaN or infinity", p, name);
    };
    finite(we, "W_enc");
    finite(wd, "W_dec");
    finite(be, "b_enc");
    finite(bd, "b_dec");
    w_enc_t_.resize(static_cast<size_t>(m_ * d_));
    for (int64_t i = 0; i < d_; ++i)
        for (int64_t c = 0; c < m_; ++c) w_enc_t_[c * d_ + i] = we.data[i * m_ + c];
    w_dec_.assign(wd.data, wd.data + m_ * d_);
    b_enc_.assign(be.data, be.data + m_);
    b_dec_.assign(bd.data, bd.data + d_);
    if (arch_ == Arch::JumpRelu) {
        const F32Tensor &th = tf.get("threshold");
        if (th.shape != std::vector<int64_t>{m_}) fail(TILLER_ERR_FORMAT, "%s: threshold must have %lld values", p, (long long)m_);
        finite(th, "threshold");
        threshold_.assign(th.data, th.data + m_);
    }
}

// SAELens's normalizations [U: read from its source, not checked against a reference file]:
// constant_norm_rescale multiplies x by sqrt(d) / |x|; layer_norm subtracts the mean and divides
// by the (unbiased) standard deviation + 1e-5.
float Sae::normalize(const float *x, float *xn) const {
    if (norm_ == Norm::None) {
        std::memcpy(xn, x, d_ * sizeof(float));
        return 1.0f;
    }
    if (norm_ == Norm::ConstantNormRescale) {
        double ss = 0;
        for (int64_t i = 0; i < d_; ++i) ss += double(x[i]) * x[i];
        const double norm = std::sqrt(ss);
        const float k = norm > 0 ? static_cast<float>(std::sqrt(double(d_)) / norm) : 0.0f;
        for (int64_t i = 0; i < d_; ++i) xn[i] = x[i] * k;
        return k > 0 ? 1.0f / k : 0.0f;
    }
    double mean = 0;
    for (int64_t i = 0; i < d_; ++i) mean += x[i];
    mean /= d_;
    double var = 0;
    for (int64_t i = 0; i < d_; ++i) var += (x[i] - mean) * (x[i] - mean);
    const double sd = std::sqrt(var / std::max<int64_t>(1, d_ - 1)) + 1e-5;
    for (int64_t i = 0; i < d_; ++i) xn[i] = static_cast<float>((x[i] - mean) / sd);
    return static_cast<float>(sd);
}

float Sae::pre_activation(int64_t c, const float *x) const {
    float s = dot_f32(&w_enc_t_[c * d_], x, d_);
    if (apply_b_dec_) s -= dot_f32(&w_enc_t_[c * d_], b_dec_.data(), d_);
    return s + b_enc_[c];
}

float Sae::activate(int64_t c, float pre) const {
    if (arch_ == Arch::JumpRelu) return pre > threshold_[c] ? pre : 0.0f;
    return pre > 0.0f ? pre : 0.0f;
}

void Sae::encode(const float *x, int64_t n, float *f) const {
    std::vector<float> xn(static_cast<size_t>(d_));
    for (int64_t t = 0; t < n; ++t) {
        normalize(x + t * d_, xn.data());
        const float *xt = xn.data();
        float *ft = f + t * m_;
        for (int64_t c = 0; c < m_; ++c) ft[c] = activate(c, pre_activation(c, xt));
        if (arch_ == Arch::TopK && k_ < m_) {
            // Keep the k largest activations.
            std::vector<float> sorted(ft, ft + m_);
            std::nth_element(sorted.begin(), sorted.begin() + (m_ - k_), sorted.end());
            const float kth = sorted[m_ - k_];
            int64_t kept = 0;
            for (int64_t c = 0; c < m_; ++c) {
                if (ft[c] >= kth && ft[c] > 0 && kept < k_) ++kept;
                else ft[c] = 0.0f;
            }
        }
    }
}

void Sae::decode(const float *f, int64_t n, float *x) const {
    for (int64_t t = 0; t < n; ++t) {
        float *xt = x + t * d_;
        std::memcpy(xt, b_dec_.data(), d_ * sizeof(float));
        const float *ft = f + t * m_;
        for (int64_t c = 0; c < m_; ++c)
            if (ft[c] != 0.0f) axpy_f32(ft[c], &w_dec_[c * d_], xt, d_);
    }
}

}  // namespace tiller
