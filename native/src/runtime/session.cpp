#include "runtime/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <unistd.h>

#include "core/error.h"
#include "kernels/dot.h"

namespace tiller {

namespace {
int64_t physical_memory() {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : INT64_MAX;
}

// The context length to use, refused before allocating when the machine cannot hold its cache.
int64_t checked_context(const Model &model, int64_t n_ctx) {
    const HParams &hp = model.hparams();
    if (n_ctx <= 0) n_ctx = hp.n_ctx_train;
    if (n_ctx > (int64_t(1) << 30)) fail(TILLER_ERR_INVALID_ARGUMENT, "context length %lld is too large", (long long)n_ctx);
    const int64_t need = KvCache::bytes_needed(hp, n_ctx), have = physical_memory();
    if (need > have)
        fail(TILLER_ERR_OUT_OF_MEMORY,
             "context length %lld needs %lld MiB of KV cache, more than this machine's %lld MiB of memory",
             (long long)n_ctx, (long long)(need >> 20), (long long)(have >> 20));
    return n_ctx;
}
}  // namespace

Session::Session(std::shared_ptr<const Model> model, int64_t n_ctx, int n_threads)
    : model_(std::move(model)),
      n_ctx_(checked_context(*model_, n_ctx)),
      pool_(n_threads <= 0 ? ThreadPool::default_threads() : n_threads),
      cache_(model_->hparams(), n_ctx_) {
    const HParams &hp = model_->hparams();
    const int64_t T = kMaxUbatch, E = hp.n_embd;
    const int64_t q_dim = hp.max_n_head() * hp.head_dim, kv_dim = hp.max_n_head_kv() * hp.head_dim;
    x_.resize(T * E);
    h_.resize(T * std::max(E, q_dim));
    q_.resize(T * q_dim);
    k_.resize(T * kv_dim);
    v_.resize(T * kv_dim);
    attn_.resize(T * q_dim);
    gate_.resize(T * hp.max_n_ff());
    up_.resize(T * hp.max_n_ff());
    control_on_.assign(hp.n_layer, false);
}

void Session::evaluate(const int32_t *tokens, int64_t n, bool all_logits) {
    const HParams &hp = model_->hparams();
    TILLER_REQUIRE_ARG(n > 0, "no tokens to evaluate");
    TILLER_REQUIRE_ARG(tokens != nullptr, "tokens is null");
    if (pos_ + n > n_ctx_)
        fail(TILLER_ERR_INVALID_ARGUMENT, "context full: %lld tokens at position %lld exceed the context length %lld",
             (long long)n, (long long)pos_, (long long)n_ctx_);
    for (int64_t i = 0; i < n; ++i)
        if (tokens[i] < 0 || tokens[i] >= hp.n_vocab)
            fail(TILLER_ERR_INVALID_ARGUMENT, "token id %d at index %lld is out of range [0, %lld)", tokens[i],
                 (long long)i, (long long)hp.n_vocab);

    logit_rows_ = all_logits ? n : 1;
    logits_.resize(static_cast<size_t>(logit_rows_ * hp.n_vocab));
    for (auto &[layer, buf] : capture_) buf.resize(static_cast<size_t>(n * hp.n_embd));
    captured_tokens_ = n;

    for (int64_t done = 0; done < n; done += kMaxUbatch) {
        const int64_t t = std::min(kMaxUbatch, n - done);
        // Logits wanted from this ubatch: all of them, or only the very last token.
        int64_t first_out = all_logits ? 0 : (done + t == n ? t - 1 : t);
        float *out = all_logits ? logits_.data() + done * hp.n_vocab : logits_.data();
        forward(tokens + done, t, done, first_out, out);
    }
}

void Session::reset() {
    pos_ = 0;
    cache_.clear();
    logit_rows_ = 0;
    captured_tokens_ = 0;
}

void Session::rewind(int64_t n) {
    TILLER_REQUIRE_ARG(n >= 0 && n <= pos_, "cannot rewind %lld tokens from position %lld", (long long)n, (long long)pos_);
    const int64_t target = pos_ - n;
    const HParams &hp = model_->hparams();
    if (hp.n_swa > 0 && target > 0) {
        const int64_t needed = std::max<int64_t>(0, target - hp.n_swa + 1);
        if (needed < cache_.oldest_swa_position())
            fail(TILLER_ERR_STATE,
                 "cannot rewind %lld tokens: the sliding-window layers keep only %lld positions beyond their window "
                 "of %lld; reset and evaluate again",
                 (long long)n, (long long)KvCache::kSwaRewindSlack, (long long)hp.n_swa);
    }
    pos_ = target;
}

void Session::set_capture(const std::vector<int32_t> &layers) {
    const HParams &hp = model_->hparams();
    std::map<int32_t, std::vector<float>> next;
    for (int32_t l : layers) {
        TILLER_REQUIRE_ARG(l >= 0 && l < hp.n_layer, "capture layer %d is out of range [0, %lld)", l, (long long)hp.n_layer);
        next[l];
    }
    capture_ = std::move(next);
    captured_tokens_ = 0;
}

const std::vector<float> *Session::captured(int32_t layer) const {
    auto it = capture_.find(layer);
    return it == capture_.end() ? nullptr : &it->second;
}

void Session::set_control(const float *data, int64_t len, int64_t n_embd, int64_t il_start, int64_t il_end) {
    const HParams &hp = model_->hparams();
    if (!data) {
        control_.clear();
        control_on_.assign(hp.n_layer, false);
        return;
    }
    TILLER_REQUIRE_ARG(n_embd == hp.n_embd, "control vector has n_embd %lld but the model has %lld", (long long)n_embd,
                       (long long)hp.n_embd);
    TILLER_REQUIRE_ARG(len >= 0 && len % n_embd == 0, "control vector length %lld is not a multiple of n_embd %lld",
                       (long long)len, (long long)n_embd);
    for (int64_t i = 0; i < len; ++i)
        if (!std::isfinite(data[i]))
            fail(TILLER_ERR_INVALID_ARGUMENT, "control vector holds NaN or infinity at layer %lld, element %lld",
                 (long long)(i / n_embd + 1), (long long)(i % n_embd));
    // As llama_apply_adapter_cvec: data starts at layer 1; layer 0 is never steered.
    control_.assign(static_cast<size_t>(hp.n_layer * n_embd), 0.0f);
    control_on_.assign(hp.n_layer, false);
    for (int64_t il = 1; il < hp.n_layer; ++il) {
        const int64_t off = (il - 1) * n_embd;
        if (off + n_embd > len) break;
        std::memcpy(&control_[il * n_embd], data + off, n_embd * sizeof(float));
        control_on_[il] = il >= il_start && il <= il_end;
    }
}

}  // namespace tiller

namespace tiller {

void Session::add_dense_steering(int64_t layer, const float *v, int64_t n, float strength, int64_t pos_from) {
    const HParams &hp = model_->hparams();
    TILLER_REQUIRE_ARG(layer >= 0 && layer < hp.n_layer, "steering layer %lld is out of range [0, %lld)", (long long)layer,
                       (long long)hp.n_layer);
    TILLER_REQUIRE_ARG(v && n == hp.n_embd, "a dense steering vector needs %lld values, got %lld", (long long)hp.n_embd, (long long)n);
    TILLER_REQUIRE_ARG(std::isfinite(strength), "steering strength must be finite");
    TILLER_REQUIRE_ARG(pos_from >= 0, "steering start position must be >= 0");
    SteeringOp op{layer, pos_from, std::vector<float>(n), nullptr, {}, {}, 0, false};
    for (int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i])) fail(TILLER_ERR_INVALID_ARGUMENT, "steering vector holds NaN or infinity at %lld", (long long)i);
        op.dense[i] = strength * v[i];
    }
    steering_.push_back(std::move(op));
}

void Session::add_sas_steering(std::shared_ptr<const Sae> sae, int64_t layer, const int32_t *idx, const float *vals, int64_t k,
                               float lambda, bool jump_sigma, int64_t pos_from) {
    const HParams &hp = model_->hparams();
    TILLER_REQUIRE_ARG(sae != nullptr, "SAE is null");
    TILLER_REQUIRE_ARG(layer >= 0 && layer < hp.n_layer, "steering layer %lld is out of range [0, %lld)", (long long)layer,
                       (long long)hp.n_layer);
    TILLER_REQUIRE_ARG(sae->d_model() == hp.n_embd, "the SAE reads %lld dimensions but the model has %lld",
                       (long long)sae->d_model(), (long long)hp.n_embd);
    TILLER_REQUIRE_ARG(k >= 0 && (k == 0 || (idx && vals)), "a SAS vector needs k >= 0 indices and values");
    TILLER_REQUIRE_ARG(std::isfinite(lambda), "steering strength must be finite");
    TILLER_REQUIRE_ARG(pos_from >= 0, "steering start position must be >= 0");
    SteeringOp op{layer, pos_from, {}, std::move(sae), std::vector<int32_t>(idx, idx + k), std::vector<float>(vals, vals + k),
                  lambda, jump_sigma};
    for (int64_t i = 0; i < k; ++i) {
        TILLER_REQUIRE_ARG(op.idx[i] >= 0 && op.idx[i] < op.sae->d_sae(), "SAS feature %d is out of range [0, %lld)", op.idx[i],
                           (long long)op.sae->d_sae());
        if (!std::isfinite(op.vals[i])) fail(TILLER_ERR_INVALID_ARGUMENT, "SAS value of feature %d is NaN or infinite", op.idx[i]);
    }
    steering_.push_back(std::move(op));
}

void Session::apply_steering(int64_t layer, float *x, int64_t t) {
    if (std::none_of(steering_.begin(), steering_.end(), [&](const SteeringOp &op) { return op.layer == layer; })) return;
    const auto start = std::chrono::steady_clock::now();
    struct Timer {  // adds the elapsed time however the loop ends
        double &total;
        std::chrono::steady_clock::time_point start;
        ~Timer() { total += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count(); }
    } timer{steering_ns_, start};
    const int64_t E = model_->hparams().n_embd;
    std::vector<float> delta, xn;
    for (const SteeringOp &op : steering_) {
        if (op.layer != layer) continue;
        for (int64_t i = 0; i < t; ++i) {
            if (pos_ + i < op.pos_from) continue;
            float *xi = x + i * E;
            if (op.sae == nullptr) {
                for (int64_t j = 0; j < E; ++j) xi[j] += op.dense[j];
                continue;
            }
            // All feature updates read the same x, then are added together (mapped back from the
            // SAE's normalized input space when it normalizes).
            const Sae &sae = *op.sae;
            delta.resize(op.idx.size());
            xn.resize(static_cast<size_t>(E));
            const float back = sae.normalize(xi, xn.data());
            for (size_t k = 0; k < op.idx.size(); ++k) {
                const int32_t c = op.idx[k];
                const float f = sae.activate(c, sae.pre_activation(c, xn.data()));
                const float z = f + op.lambda * op.vals[k];
                const float s = op.jump_sigma ? (z > sae.threshold(c) ? z : 0.0f) : (z > 0.0f ? z : 0.0f);
                delta[k] = (s - f) * back;
            }
            for (size_t k = 0; k < op.idx.size(); ++k)
                if (delta[k] != 0.0f) axpy_f32(delta[k], sae.decoder_row(op.idx[k]), xi, E);
        }
    }
}

}  // namespace tiller
