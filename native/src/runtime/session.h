// A session: one sequence over a shared model, with its KV cache, scratch buffers, outputs
// (logits, captured residuals) and steering state (control vector).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "model/model.h"
#include "runtime/kv_cache.h"
#include "sae/sae.h"

namespace tiller {

class Session {
public:
    static constexpr int64_t kMaxUbatch = 512;

    Session(std::shared_ptr<const Model> model, int64_t n_ctx, int n_threads);

    int64_t n_ctx() const { return n_ctx_; }
    int64_t position() const { return pos_; }
    const Model &model() const { return *model_; }

    void evaluate(const int32_t *tokens, int64_t n, bool all_logits);
    const std::vector<float> &logits() const { return logits_; }
    int64_t logit_rows() const { return logit_rows_; }

    void reset();
    void rewind(int64_t n);

    // y = x W^T for n rows of x through the forward pass's kernels and this session's threads.
    void apply_matrix(const WeightView &w, const float *x, int64_t n, float *y) { matmul(pool_, w, x, n, y); }

    void set_capture(const std::vector<int32_t> &layers);
    // nullptr when the layer is not captured.
    const std::vector<float> *captured(int32_t layer) const;
    int64_t captured_tokens() const { return captured_tokens_; }

    void set_control(const float *data, int64_t len, int64_t n_embd, int64_t il_start, int64_t il_end);

    // Steering programs at resid_post(layer), for tokens at positions >= pos_from, applied in
    // the order added (after the control vector). Dense: x += strength * v. SAS (sparse
    // activation steering, the exact cheap form over the vector's K features):
    //   x += sum_c (sigma(f_c(x) + lambda * v_c) - f_c(x)) * W_dec[c],  sigma = ReLU or JumpReLU.
    void add_dense_steering(int64_t layer, const float *v, int64_t n, float strength, int64_t pos_from);
    void add_sas_steering(std::shared_ptr<const Sae> sae, int64_t layer, const int32_t *idx, const float *vals, int64_t k,
                          float lambda, bool jump_sigma, int64_t pos_from);
    void clear_steering() { steering_.clear(); }
    // Wall time spent in steering programs since the session was created (what steering costs).
    double steering_ms() const { return steering_ns_ / 1e6; }

    using Hook = void (*)(int32_t, int32_t, float *, int32_t, int32_t, void *);
    void set_hook(Hook hook, void *user) {
        hook_ = hook;
        hook_user_ = user;
    }

private:
    // One ubatch through every layer; out_rows (T x n_embd) receives the normed final hidden
    // states of the tokens whose logits are wanted (first_out.. of the batch).
    void forward(const int32_t *tokens, int64_t t, int64_t capture_row0, int64_t first_out, float *logits_out);

    std::shared_ptr<const Model> model_;
    int64_t n_ctx_;
    ThreadPool pool_;
    KvCache cache_;
    int64_t pos_ = 0;

    // Scratch, sized for kMaxUbatch tokens.
    std::vector<float> x_, h_, q_, k_, v_, attn_, gate_, up_;

    std::vector<float> logits_;  // only grows (tiller.h promises the buffer moves only to grow)
    int64_t logit_rows_ = 0;

    std::map<int32_t, std::vector<float>> capture_;
    int64_t captured_tokens_ = 0;

    struct SteeringOp {
        int64_t layer, pos_from;
        std::vector<float> dense;  // scaled; empty for SAS
        std::shared_ptr<const Sae> sae;
        std::vector<int32_t> idx;
        std::vector<float> vals;
        float lambda = 0;
        bool jump_sigma = false;
    };
    void apply_steering(int64_t layer, float *x, int64_t t);

    std::vector<SteeringOp> steering_;
    double steering_ns_ = 0;
    Hook hook_ = nullptr;
    void *hook_user_ = nullptr;
    std::vector<float> control_;       // n_layer x n_embd
    std::vector<bool> control_on_;     // per layer
};

}  // namespace tiller
