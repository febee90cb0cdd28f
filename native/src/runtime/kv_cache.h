// Per-session key/value cache. Global layers keep every position; sliding-window layers keep a
// ring of window + kSwaRewindSlack positions, so memory follows the window. Keys and values are
// stored as float32 or, as llama.cpp's --cache-type-k/v, in a narrower ggml type (F16, BF16, Q8_0,
// Q4_0, Q4_1, Q5_0, Q5_1: a head's row must then be whole blocks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kv_view.h"
#include "model/hparams.h"

namespace tiller {

struct KvTypes {
    int32_t k = GGML_F32, v = GGML_F32;
};

class KvCache {
public:
    // Rewinding within this many tokens keeps sliding layers exact.
    static constexpr int64_t kSwaRewindSlack = 256;

    KvCache(const HParams &hp, int64_t n_ctx, KvTypes types);

    static int64_t bytes_needed(const HParams &hp, int64_t n_ctx, KvTypes types);
    // Why a cache of these types cannot hold this model's rows, or "" when it can.
    static std::string type_problem(const HParams &hp, KvTypes types);

    KvTypes types() const { return types_; }

    // Stores the key and value rows (float32, n_head_kv * head_dim each) of position pos.
    void store(int64_t il, int64_t pos, const float *k, const float *v);
    // Rounds a batch's float32 rows (n positions of n_head heads) to what the cache keeps of them,
    // so that the batch attends to its own keys and values as later tokens read them.
    void round_keys(float *rows, int64_t n, int64_t n_head) const { round(types_.k, rows, n * n_head, head_dim_); }
    void round_values(float *rows, int64_t n, int64_t n_head) const { round(types_.v, rows, n * n_head, head_dim_); }

    // What the attention kernel reads: layer il's keys / values as ring views.
    KvView keys(int64_t il) const { return view(layers_[il].k, layers_[il].capacity, types_.k); }
    KvView values(int64_t il) const { return view(layers_[il].v, layers_[il].capacity, types_.v); }

    // Record that positions up to pos_end (exclusive) were written.
    void written(int64_t pos_end);
    // The oldest position still held by every sliding layer.
    int64_t oldest_swa_position() const { return oldest_swa_; }
    void clear() { oldest_swa_ = 0; }

private:
    // Head-major: the capacity rows of head 0, then those of head 1, ...
    struct Layer {
        int64_t capacity = 0;
        int64_t n_head_kv = 0;
        std::vector<uint8_t> k, v;
    };
    static void round(int32_t type, float *rows, int64_t n, int64_t width);
    static int64_t row_bytes(int32_t type, int64_t n) {
        const TypeTraits &t = type_traits(type);
        return n / t.block_elems * t.block_bytes;
    }
    KvView view(const std::vector<uint8_t> &rows, int64_t capacity, int32_t type) const {
        const int64_t rb = row_bytes(type, head_dim_);
        return {rows.data(), rb, capacity * rb, head_dim_, capacity, 0, type};
    }
    void store_row(int32_t type, std::vector<uint8_t> &rows, const Layer &l, int64_t slot, const float *x) const;

    KvTypes types_;
    int64_t head_dim_;
    std::vector<Layer> layers_;
    int64_t swa_capacity_ = 0;  // 0 when no layer slides
    int64_t oldest_swa_ = 0;
};

}  // namespace tiller
