// Running first and second moments of the bulk keys of each global layer's KV heads, for QAdA's
// `bulk` moments (kernels/qada.h). A key joins the bulk of queries at positions >= p + t_local
// when it leaves their recent window, so the sums grow by one key per token: sum k and sum k k'
// in double, O(head_dim^2) per KV head per token. They are kept for the positions the session
// holds: rewinding subtracts the keys of the positions dropped while the cache still holds them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/attention.h"
#include "model/hparams.h"
#include "runtime/kv_cache.h"

namespace tiller {

class KeyMoments {
public:
    KeyMoments(const HParams &hp) : hp_(hp), layers_(static_cast<size_t>(hp.n_layer)) {}

    // Starts over (no key counted) with this split of the keys.
    void reset(int64_t t_sink, int64_t t_local);
    // For each row t and query head h of a's batch: (m, v) = (q.mu, q' Sigma q) of the bulk keys
    // of position pos0 + t, into out[T][n_head][2]; the sums advance to the batch's last row.
    void moments(ThreadPool &pool, const AttentionArgs &a, double *out);
    // Back to the sums a query at position pos sees (a rewind to pos), subtracting the keys that
    // leave them while the cache still holds them.
    void truncate(const KvCache &cache, int64_t pos);

private:
    struct Layer {
        int64_t end = 0;                // keys at positions [t_sink, end) are summed
        std::vector<double> s1, s2;     // per KV head: head_dim, head_dim * head_dim
    };
    void add(Layer &l, int64_t kvh, const float *k, double sign) const;

    const HParams &hp_;
    std::vector<Layer> layers_;
    int64_t t_sink_ = 0, t_local_ = 1;
};

}  // namespace tiller
