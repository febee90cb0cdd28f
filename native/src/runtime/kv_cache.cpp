#include "runtime/kv_cache.h"

#include <algorithm>

namespace tiller {

namespace {
int64_t capacity(const HParams &hp, const LayerParams &lp, int64_t n_ctx) {
    return lp.swa ? std::min(n_ctx, hp.n_swa + KvCache::kSwaRewindSlack) : n_ctx;
}
}  // namespace

int64_t KvCache::bytes_needed(const HParams &hp, int64_t n_ctx) {
    int64_t total = 0;
    for (const LayerParams &lp : hp.layers) total += 2 * capacity(hp, lp, n_ctx) * lp.n_head_kv * hp.head_dim * 4;
    return total;
}

KvCache::KvCache(const HParams &hp, int64_t n_ctx) {
    layers_.resize(hp.n_layer);
    for (int64_t il = 0; il < hp.n_layer; ++il) {
        const LayerParams &lp = hp.layers[il];
        Layer &l = layers_[il];
        l.capacity = capacity(hp, lp, n_ctx);
        l.dim = lp.n_head_kv * hp.head_dim;
        l.k.assign(static_cast<size_t>(l.capacity * l.dim), 0.0f);
        l.v.assign(static_cast<size_t>(l.capacity * l.dim), 0.0f);
        if (lp.swa) swa_capacity_ = l.capacity;
    }
}

void KvCache::written(int64_t pos_end) {
    if (swa_capacity_ > 0) oldest_swa_ = std::max(oldest_swa_, pos_end - swa_capacity_);
}

}  // namespace tiller
