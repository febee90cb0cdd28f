// Per-session key/value cache (float32). Global layers keep every position; sliding-window
// layers keep a ring of window + kSwaRewindSlack positions, so memory follows the window.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/kv_view.h"
#include "model/hparams.h"

namespace tiller {

class KvCache {
public:
    // Rewinding within this many tokens keeps sliding layers exact.
    static constexpr int64_t kSwaRewindSlack = 256;

    KvCache(const HParams &hp, int64_t n_ctx);

    static int64_t bytes_needed(const HParams &hp, int64_t n_ctx);

    float *k(int64_t il, int64_t pos) { return &layers_[il].k[slot(il, pos) * layers_[il].dim]; }
    float *v(int64_t il, int64_t pos) { return &layers_[il].v[slot(il, pos) * layers_[il].dim]; }

    // What the attention kernel reads: layer il's keys / values as ring views.
    KvView keys(int64_t il) const { return view(layers_[il], layers_[il].k); }
    KvView values(int64_t il) const { return view(layers_[il], layers_[il].v); }

    // Record that positions up to pos_end (exclusive) were written.
    void written(int64_t pos_end);
    // The oldest position still held by every sliding layer.
    int64_t oldest_swa_position() const { return oldest_swa_; }
    void clear() { oldest_swa_ = 0; }

private:
    struct Layer {
        int64_t capacity = 0;
        int64_t dim = 0;
        std::vector<float> k, v;
    };
    int64_t slot(int64_t il, int64_t pos) const { return pos % layers_[il].capacity; }
    static KvView view(const Layer &l, const std::vector<float> &rows) { return {rows.data(), l.dim, l.capacity, 0}; }

    std::vector<Layer> layers_;
    int64_t swa_capacity_ = 0;  // 0 when no layer slides
    int64_t oldest_swa_ = 0;
};

}  // namespace tiller
