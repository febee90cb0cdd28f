#include "runtime/kv_cache.h"

#include <algorithm>
#include <string>

#include "quant/quantize.h"

namespace tiller {

namespace {
int64_t capacity(const HParams &hp, const LayerParams &lp, int64_t n_ctx) {
    return lp.swa ? std::min(n_ctx, hp.n_swa + KvCache::kSwaRewindSlack) : n_ctx;
}

bool cache_type(int32_t t) {
    switch (t) {
        case GGML_F32: case GGML_F16: case GGML_BF16: case GGML_Q8_0: case GGML_Q4_0: case GGML_Q4_1: case GGML_Q5_0:
        case GGML_Q5_1: return true;
        default: return false;
    }
}
}  // namespace

std::string KvCache::type_problem(const HParams &hp, KvTypes types) {
    for (int32_t t : {types.k, types.v}) {
        if (!cache_type(t))
            return std::string("KV cache type ") + type_name(t) + " is not one of f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1";
        if (hp.head_dim % type_traits(t).block_elems != 0)
            return std::string("KV cache type ") + type_name(t) + " needs a head size that is a multiple of " +
                   std::to_string(type_traits(t).block_elems) + "; this model's is " + std::to_string(hp.head_dim);
    }
    return "";
}

int64_t KvCache::bytes_needed(const HParams &hp, int64_t n_ctx, KvTypes types) {
    int64_t total = 0;
    for (const LayerParams &lp : hp.layers) {
        const int64_t rows = capacity(hp, lp, n_ctx), dim = lp.n_head_kv * hp.head_dim;
        total += rows * (row_bytes(types.k, dim) + row_bytes(types.v, dim));
    }
    return total;
}

KvCache::KvCache(const HParams &hp, int64_t n_ctx, KvTypes types) : types_(types), head_dim_(hp.head_dim) {
    layers_.resize(hp.n_layer);
    for (int64_t il = 0; il < hp.n_layer; ++il) {
        const LayerParams &lp = hp.layers[il];
        Layer &l = layers_[il];
        l.capacity = capacity(hp, lp, n_ctx);
        l.n_head_kv = lp.n_head_kv;
        l.k.assign(static_cast<size_t>(l.capacity * l.n_head_kv * row_bytes(types.k, head_dim_)), 0);
        l.v.assign(static_cast<size_t>(l.capacity * l.n_head_kv * row_bytes(types.v, head_dim_)), 0);
        if (lp.swa) swa_capacity_ = l.capacity;
    }
}

void KvCache::store_row(int32_t type, std::vector<uint8_t> &rows, const Layer &l, int64_t slot, const float *x) const {
    const int64_t rb = row_bytes(type, head_dim_);
    for (int64_t h = 0; h < l.n_head_kv; ++h)
        quantize_row(type, x + h * head_dim_, rows.data() + (h * l.capacity + slot) * rb, head_dim_);
}

void KvCache::store(int64_t il, int64_t pos, const float *k, const float *v) {
    Layer &l = layers_[il];
    store_row(types_.k, l.k, l, pos % l.capacity, k);
    store_row(types_.v, l.v, l, pos % l.capacity, v);
}

void KvCache::round(int32_t type, float *rows, int64_t n, int64_t width) {
    if (type == GGML_F32) return;
    std::vector<uint8_t> packed(static_cast<size_t>(row_bytes(type, width)));
    for (int64_t i = 0; i < n; ++i) {
        quantize_row(type, rows + i * width, packed.data(), width);
        dequantize_row(type, packed.data(), rows + i * width, width);
    }
}

void KvCache::written(int64_t pos_end) {
    if (swa_capacity_ > 0) oldest_swa_ = std::max(oldest_swa_, pos_end - swa_capacity_);
}

}  // namespace tiller
