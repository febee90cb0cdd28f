#include "model/hparams.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace tiller {

namespace {

std::string key(const ArchSpec &a, const char *suffix) { return std::string(a.name) + "." + suffix; }

int64_t require_int(const GgufFile &f, const std::string &k) {
    auto v = f.get_int(k);
    if (!v) fail(TILLER_ERR_FORMAT, "%s: required metadata key '%s' is missing", f.path().c_str(), k.c_str());
    return *v;
}

// A key that may be one number for all layers or an array with one value per layer (llama.cpp
// accepts both for feed_forward_length and the head counts).
std::vector<int64_t> per_layer(const GgufFile &f, const std::string &k, int64_t n_layer, int64_t fallback,
                               bool required) {
    const MetaValue *v = f.find(k);
    if (!v) {
        if (required) fail(TILLER_ERR_FORMAT, "%s: required metadata key '%s' is missing", f.path().c_str(), k.c_str());
        return std::vector<int64_t>(n_layer, fallback);
    }
    if (v->type == META_ARRAY) {
        if (!v->is_numeric_element() || v->count != n_layer)
            fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' must hold one number per layer (%lld), found %lld",
                 f.path().c_str(), k.c_str(), (long long)n_layer, (long long)v->count);
        std::vector<int64_t> out(n_layer);
        for (int64_t i = 0; i < n_layer; ++i) out[i] = v->as_int(i);
        return out;
    }
    return std::vector<int64_t>(n_layer, f.get_int(k).value());
}

void check_range(const GgufFile &f, const std::string &k, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
        fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' = %lld is out of range [%lld, %lld]", f.path().c_str(),
             k.c_str(), (long long)v, (long long)lo, (long long)hi);
}

}  // namespace

int64_t HParams::max_n_head() const {
    int64_t m = 0;
    for (auto &l : layers) m = std::max(m, l.n_head);
    return m;
}
int64_t HParams::max_n_head_kv() const {
    int64_t m = 0;
    for (auto &l : layers) m = std::max(m, l.n_head_kv);
    return m;
}
int64_t HParams::max_n_ff() const {
    int64_t m = 0;
    for (auto &l : layers) m = std::max(m, l.n_ff);
    return m;
}

HParams read_hparams(const GgufFile &f, const ArchSpec &a, int64_t n_vocab) {
    const char *path = f.path().c_str();
    HParams hp;
    hp.arch = &a;
    hp.n_vocab = n_vocab;
    hp.n_embd = require_int(f, key(a, "embedding_length"));
    check_range(f, key(a, "embedding_length"), hp.n_embd, 1, 1 << 20);
    hp.n_layer = require_int(f, key(a, "block_count"));
    check_range(f, key(a, "block_count"), hp.n_layer, 1, 4096);
    hp.n_ctx_train = f.get_int(key(a, "context_length")).value_or(8192);
    check_range(f, key(a, "context_length"), hp.n_ctx_train, 1, int64_t(1) << 30);

    auto n_ff = per_layer(f, key(a, "feed_forward_length"), hp.n_layer, 0, true);
    auto n_head = per_layer(f, key(a, "attention.head_count"), hp.n_layer, 0, true);
    auto n_head_kv = per_layer(f, key(a, "attention.head_count_kv"), hp.n_layer, -1, false);

    int64_t max_head = *std::max_element(n_head.begin(), n_head.end());
    if (max_head <= 0) fail(TILLER_ERR_FORMAT, "%s: attention.head_count must be positive", path);
    hp.head_dim = f.get_int(key(a, "attention.key_length")).value_or(hp.n_embd / max_head);
    int64_t head_dim_v = f.get_int(key(a, "attention.value_length")).value_or(hp.head_dim);
    check_range(f, key(a, "attention.key_length"), hp.head_dim, 2, 1 << 16);
    if (hp.head_dim % 2 != 0) fail(TILLER_ERR_FORMAT, "%s: attention.key_length %lld is odd", path, (long long)hp.head_dim);
    if (head_dim_v != hp.head_dim)
        fail(TILLER_ERR_UNSUPPORTED, "%s: key_length %lld != value_length %lld is not supported", path,
             (long long)hp.head_dim, (long long)head_dim_v);
    if (auto rot = f.get_int(key(a, "rope.dimension_count")); rot && *rot != hp.head_dim)
        fail(TILLER_ERR_UNSUPPORTED, "%s: rope.dimension_count %lld differs from the head size %lld", path,
             (long long)*rot, (long long)hp.head_dim);

    hp.eps = static_cast<float>(f.get_float(key(a, "attention.layer_norm_rms_epsilon")).value_or(1e-6));
    if (!(hp.eps > 0.0f) || !std::isfinite(hp.eps))
        fail(TILLER_ERR_FORMAT, "%s: layer_norm_rms_epsilon must be a positive number", path);

    // Soft-caps: llama.cpp's attention default is 50 when the key is absent; the final default is per family.
    if (a.attn_softcap) hp.attn_softcap = static_cast<float>(f.get_float(key(a, "attn_logit_softcapping")).value_or(50.0));
    if (a.final_softcap)
        hp.final_softcap = static_cast<float>(f.get_float(key(a, "final_logit_softcapping")).value_or(a.default_final_softcap));
    if (hp.attn_softcap < 0 || hp.final_softcap < 0 || !std::isfinite(hp.attn_softcap) || !std::isfinite(hp.final_softcap))
        fail(TILLER_ERR_FORMAT, "%s: soft-capping values must be non-negative numbers", path);

    hp.n_swa = f.get_int(key(a, "attention.sliding_window")).value_or(a.default_sliding_window);
    if (hp.n_swa < 0) fail(TILLER_ERR_FORMAT, "%s: attention.sliding_window is negative", path);

    const float rope_base = static_cast<float>(f.get_float(key(a, "rope.freq_base")).value_or(10000.0));
    float rope_scale = 1.0f;
    if (auto factor = f.get_float(key(a, "rope.scaling.factor"))) {
        auto type = f.get_string(key(a, "rope.scaling.type")).value_or("linear");
        if (type != "linear" && type != "none")
            fail(TILLER_ERR_UNSUPPORTED, "%s: rope scaling type '%s' is not supported (only linear)", path, type.c_str());
        if (type == "linear" && *factor > 0) rope_scale = static_cast<float>(1.0 / *factor);
    }
    const float swa_base = static_cast<float>(f.get_float(key(a, "rope.freq_base_swa")).value_or(10000.0));
    if (!(rope_base > 0) || !(swa_base > 0)) fail(TILLER_ERR_FORMAT, "%s: rope.freq_base must be positive", path);

    // Which layers slide: a pattern n (il % n < n - 1) or one flag per layer.
    std::vector<bool> swa(hp.n_layer, false);
    if (hp.n_swa > 0) {
        const MetaValue *pat = f.find(key(a, "attention.sliding_window_pattern"));
        if (pat && pat->type == META_ARRAY) {
            if (!pat->is_numeric_element() || pat->count != hp.n_layer)
                fail(TILLER_ERR_FORMAT, "%s: attention.sliding_window_pattern must have one flag per layer", path);
            for (int64_t il = 0; il < hp.n_layer; ++il) swa[il] = pat->as_int(il) != 0;
        } else {
            int64_t n = pat ? f.get_int(key(a, "attention.sliding_window_pattern")).value() : a.default_swa_pattern;
            check_range(f, key(a, "attention.sliding_window_pattern"), n, 0, 1 << 20);
            for (int64_t il = 0; il < hp.n_layer; ++il) swa[il] = n > 0 && (il % n) < (n - 1);
        }
    }

    hp.layers.resize(hp.n_layer);
    for (int64_t il = 0; il < hp.n_layer; ++il) {
        LayerParams &l = hp.layers[il];
        l.n_head = n_head[il];
        l.n_head_kv = n_head_kv[il] < 0 ? n_head[il] : n_head_kv[il];
        l.n_ff = n_ff[il];
        l.swa = swa[il];
        if (l.n_head <= 0 || l.n_head_kv <= 0 || l.n_head % l.n_head_kv != 0)
            fail(TILLER_ERR_FORMAT, "%s: layer %lld has %lld heads and %lld KV heads (must divide evenly)", path,
                 (long long)il, (long long)l.n_head, (long long)l.n_head_kv);
        if (l.n_ff <= 0) fail(TILLER_ERR_FORMAT, "%s: layer %lld has feed_forward_length %lld", path, (long long)il, (long long)l.n_ff);
        if (a.local_rope && l.swa) {
            l.rope_base = swa_base;
            l.rope_scale = 1.0f;
        } else {
            l.rope_base = rope_base;
            l.rope_scale = rope_scale;
        }
    }
    hp.query_scale = a.query_scale(hp);
    return hp;
}

}  // namespace tiller
