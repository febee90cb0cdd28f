// A session: one sequence over a shared model, with its KV cache, scratch buffers, logits and
// the taps of its forward pass (capture, control vector, steering programs, hook) and its
// query-adaptive attention.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "model/model.h"
#include "runtime/adaptive_attention.h"
#include "runtime/capture_tap.h"
#include "runtime/hook_tap.h"
#include "runtime/kv_cache.h"
#include "steer/control_tap.h"
#include "steer/steering_programs.h"

namespace tiller {

class Session {
public:
    static constexpr int64_t kMaxUbatch = 512;

    Session(std::shared_ptr<const Model> model, int64_t n_ctx, int n_threads, KvTypes cache_types = {});

    int64_t n_ctx() const { return n_ctx_; }
    KvTypes cache_types() const { return cache_.types(); }
    int64_t position() const { return pos_; }
    const Model &model() const { return *model_; }

    void evaluate(const int32_t *tokens, int64_t n, bool all_logits);
    const std::vector<float> &logits() const { return logits_; }
    int64_t logit_rows() const { return logit_rows_; }

    void reset();
    void rewind(int64_t n);

    // y = x W^T for n rows of x through the forward pass's kernels and this session's threads.
    void apply_matrix(const WeightView &w, const float *x, int64_t n, float *y) { matmul(pool_, w, x, n, y); }

    // The taps at the forward pass's named points, in their documented order (runtime/tap.h).
    CaptureTap &capture() { return capture_; }
    const CaptureTap &capture() const { return capture_; }
    ControlTap &control() { return control_; }
    SteeringPrograms &steering() { return steering_; }
    const SteeringPrograms &steering() const { return steering_; }
    HookTap &hook() { return hook_; }
    // Query-adaptive attention on the global layers and its per-head record (kernels/qada.h).
    AdaptiveAttention &adaptive() { return adaptive_; }
    const AdaptiveAttention &adaptive() const { return adaptive_; }
    // Further taps run after the built-in ones; the caller keeps them alive until removed.
    void add_tap(Tap *tap) { taps_.add(tap); }
    void remove_tap(Tap *tap) { taps_.remove(tap); }

private:
    // One ubatch through every layer (row0: its first row within the evaluate call, for capture);
    // logits_out receives the logits of the batch's rows first_out.. .
    void forward(const int32_t *tokens, int64_t t, int64_t row0, int64_t first_out, float *logits_out);
    // The named steps of one Gemma block (runtime/forward.cpp), over the ubatch's t rows.
    void attention_step(int64_t il, int64_t t, int64_t row0);
    void feed_forward_step(int64_t il, int64_t t);
    void add_to_residual(const float *norm_weight, int64_t t);
    void output_head(int64_t t, int64_t first_out, float *logits_out);

    std::shared_ptr<const Model> model_;
    int64_t n_ctx_;
    ThreadPool pool_;
    KvCache cache_;
    int64_t pos_ = 0;

    // Scratch, sized for kMaxUbatch tokens.
    std::vector<float> x_, h_, q_, k_, v_, attn_, gate_, up_;

    std::vector<float> logits_;  // only grows (tiller.h promises the buffer moves only to grow)
    int64_t logit_rows_ = 0;

    CaptureTap capture_;
    ControlTap control_;
    SteeringPrograms steering_;
    HookTap hook_;
    TapList taps_;
    AdaptiveAttention adaptive_;
};

}  // namespace tiller
