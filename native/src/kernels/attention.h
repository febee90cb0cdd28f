// Causal multi-head attention with GQA, optional sliding window and score soft-cap.
// Keys/values before the batch come from the KV cache, those of the batch from its own buffers.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"
#include "runtime/kv_cache.h"

namespace tiller {

struct AttentionArgs {
    int64_t layer;
    int64_t n_tokens;      // T
    int64_t pos0;          // position of the first batch token
    int64_t n_head, n_head_kv, head_dim;
    int64_t window;        // 0: full causal; else a query sees itself and window-1 previous tokens
    float softcap;         // 0: off
    const float *q;        // [T][n_head*head_dim], already scaled
    const float *k, *v;    // [T][n_head_kv*head_dim] of the batch
    float *out;            // [T][n_head*head_dim]
};

void attention(ThreadPool &pool, const KvCache &cache, const AttentionArgs &a);

}  // namespace tiller
