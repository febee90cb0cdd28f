// Causal multi-head attention with GQA, optional sliding window and score soft-cap, over K/V
// views: positions before the batch are read from `past` (the KV cache), those of the batch
// from `batch` (its own rows). The kernel knows nothing of the cache's layout beyond the views.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"
#include "kernels/kv_view.h"

namespace tiller {

// What one query head saw: its scores (the logits after the soft-cap, before the softmax) and
// its attention weights, over the key positions lo..pos.
struct HeadScores {
    int64_t layer, head, pos, lo;
    int64_t n;              // pos - lo + 1
    const float *scores;    // n values
    const float *weights;   // n values, summing to 1
};

// Receives every (query, head) of a call, concurrently from the pool's threads (thread is the
// worker's index, < pool size, so that an observer can keep per-thread accumulators).
class AttentionObserver {
public:
    virtual ~AttentionObserver() = default;
    virtual void observe(const HeadScores &head, int thread) = 0;
};

struct AttentionArgs {
    int64_t layer;
    int64_t n_tokens;      // T
    int64_t pos0;          // position of the first batch token
    int64_t n_head, n_head_kv, head_dim;
    int64_t window;        // 0: full causal; else a query sees itself and window-1 previous tokens
    float softcap;         // 0: off
    const float *q;        // [T][n_head*head_dim], already scaled
    KvView past_k, past_v; // positions < pos0
    KvView k, v;           // the batch: positions pos0..pos0+T-1
    float *out;            // [T][n_head*head_dim]
    AttentionObserver *observer = nullptr;
};

void attention(ThreadPool &pool, const AttentionArgs &a);

// The pieces of one query head's attention, shared with the query-adaptive kernel (kernels/qada.h).
// Key and value rows of position p for KV head kvh as float32, the past from the cache, the batch
// from its rows: in place when they are float32, else converted into buf (head_dim floats).
inline const float *key_at(const AttentionArgs &a, int64_t p, int64_t kvh, float *buf) {
    return (p < a.pos0 ? a.past_k : a.k).floats(p, kvh, buf);
}
inline const float *value_at(const AttentionArgs &a, int64_t p, int64_t kvh, float *buf) {
    return (p < a.pos0 ? a.past_v : a.v).floats(p, kvh, buf);
}
// The first key position a query at pos sees: 0, or the start of a sliding layer's window.
inline int64_t first_key(const AttentionArgs &a, int64_t pos) { return a.window > 0 && pos - a.window + 1 > 0 ? pos - a.window + 1 : 0; }
// s[p - lo] = q . k_p for p in lo..hi (inclusive): the raw scores, before any soft-cap.
void dot_keys(const AttentionArgs &a, int64_t kvh, const float *q, int64_t lo, int64_t hi, float *s);
// out += sum over p in lo..hi of w[p - lo] * v_p.
void add_values(const AttentionArgs &a, int64_t kvh, const float *w, int64_t lo, int64_t hi, float *out);
// How many spans a row's n_keys are cut into when a call has `rows` (row, KV head) pairs: small
// batches (decode) split long rows so that the threads have work (flash-decoding); the split
// depends on the shape only, so any thread count gives the same bits.
int64_t spans_for(int64_t n_keys, int64_t rows);

}  // namespace tiller
