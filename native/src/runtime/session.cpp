#include "runtime/session.h"

#include <algorithm>
#include <unistd.h>

#include "core/error.h"

namespace tiller {

namespace {
int64_t physical_memory() {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : INT64_MAX;
}

// The context length to use, refused before allocating when the machine cannot hold its cache.
int64_t checked_context(const Model &model, int64_t n_ctx, KvTypes types) {
    const HParams &hp = model.hparams();
    if (n_ctx <= 0) n_ctx = hp.n_ctx_train;
    if (n_ctx > (int64_t(1) << 30)) fail(TILLER_ERR_INVALID_ARGUMENT, "context length %lld is too large", (long long)n_ctx);
    const std::string problem = KvCache::type_problem(hp, types);
    if (!problem.empty()) fail(TILLER_ERR_INVALID_ARGUMENT, "%s", problem.c_str());
    const int64_t need = KvCache::bytes_needed(hp, n_ctx, types), have = physical_memory();
    if (need > have)
        fail(TILLER_ERR_OUT_OF_MEMORY,
             "context length %lld needs %lld MiB of KV cache, more than this machine's %lld MiB of memory",
             (long long)n_ctx, (long long)(need >> 20), (long long)(have >> 20));
    return n_ctx;
}
}  // namespace

Session::Session(std::shared_ptr<const Model> model, int64_t n_ctx, int n_threads, KvTypes cache_types)
    : model_(std::move(model)),
      n_ctx_(checked_context(*model_, n_ctx, cache_types)),
      pool_(n_threads <= 0 ? ThreadPool::default_threads() : n_threads),
      cache_(model_->hparams(), n_ctx_, cache_types),
      capture_(model_->hparams()),
      control_(model_->hparams().n_layer, model_->hparams().n_embd),
      steering_(model_->hparams().n_layer, model_->hparams().n_embd),
      adaptive_(model_->hparams()) {
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
    // The documented order at resid_post (runtime/tap.h).
    taps_.add(&control_);
    taps_.add(&steering_);
    taps_.add(&hook_);
    taps_.add(&capture_);
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
    capture_.begin(n);
    adaptive_.begin(n);

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
    capture_.clear();
    adaptive_.clear();
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
    adaptive_.truncate(cache_, target);
    pos_ = target;
}

}  // namespace tiller
