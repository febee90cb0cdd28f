// Random keys, values and queries for the attention kernels' tests, the views the kernels read
// them through (a wrapped ring for sliding layers), and a naive double-precision reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/attention.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"

namespace tiller_test {
using tiller::AttentionArgs;
using tiller::AttentionObserver;
using tiller::KvView;

struct Shape {
    int64_t n_head, n_head_kv, head_dim, pos0, n_tokens, window;
    float softcap;
    int64_t ring;  // capacity of the past keys' ring (0: one row per position)
    int32_t cache_type = tiller::GGML_F32;  // how the past keys and values are stored
};

// Keys, values and queries of every position, and the views the kernel reads them through.
struct Problem {
    Shape s;
    std::vector<float> q, keys, values;  // keys/values [pos0 + T][kv_dim]: the truth
    std::vector<float> past_k, past_v;   // as the cache holds them (a ring when s.ring > 0)
    std::vector<float> batch_k, batch_v;
    std::vector<uint8_t> packed_k, packed_v;  // a narrower cache type: head-major rows, as KvCache keeps them

    explicit Problem(const Shape &shape, uint32_t seed) : s(shape) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> nd(0.0f, 1.0f);
        const int64_t kv = s.n_head_kv * s.head_dim, total = s.pos0 + s.n_tokens;
        // Large queries so that a soft-cap of a few units is far from the identity.
        for (int64_t i = 0; i < s.n_tokens * s.n_head * s.head_dim; ++i) q.push_back(3.0f * nd(rng));
        for (int64_t i = 0; i < total * kv; ++i) keys.push_back(nd(rng)), values.push_back(nd(rng));
        // A narrower cache type holds the values it rounds to; a batch attends to its own rows
        // rounded the same way (KvCache::round_keys), so the truth is the rounded values.
        if (s.cache_type != tiller::GGML_F32) {
            std::vector<uint8_t> row(static_cast<size_t>(row_bytes()));
            for (std::vector<float> *x : {&keys, &values})
                for (int64_t i = 0; i < total * s.n_head_kv; ++i) {
                    tiller::quantize_row(s.cache_type, x->data() + i * s.head_dim, row.data(), s.head_dim);
                    tiller::dequantize_row(s.cache_type, row.data(), x->data() + i * s.head_dim, s.head_dim);
                }
        }
        const int64_t rows = s.ring > 0 ? s.ring : s.pos0;
        past_k.assign(static_cast<size_t>(std::max<int64_t>(rows, 1) * kv), NAN);
        past_v = past_k;
        // Positions are written in order, so a ring ends up holding the latest `ring` of them
        // and NaN marks a row the kernel must not read.
        for (int64_t p = 0; p < s.pos0; ++p) {
            const int64_t slot = s.ring > 0 ? p % s.ring : p;
            std::copy_n(&keys[p * kv], kv, &past_k[slot * kv]);
            std::copy_n(&values[p * kv], kv, &past_v[slot * kv]);
        }
        if (s.cache_type != tiller::GGML_F32) {
            const int64_t n_rows = std::max<int64_t>(rows, 1), rb = row_bytes();
            packed_k.assign(static_cast<size_t>(s.n_head_kv * n_rows * rb), 0xff);
            packed_v = packed_k;
            for (int64_t p = 0; p < s.pos0; ++p)
                for (int64_t h = 0; h < s.n_head_kv; ++h) {
                    const int64_t at = (h * n_rows + (s.ring > 0 ? p % s.ring : p)) * rb;
                    tiller::quantize_row(s.cache_type, &keys[p * kv + h * s.head_dim], &packed_k[at], s.head_dim);
                    tiller::quantize_row(s.cache_type, &values[p * kv + h * s.head_dim], &packed_v[at], s.head_dim);
                }
        }
        batch_k.assign(keys.begin() + s.pos0 * kv, keys.end());
        batch_v.assign(values.begin() + s.pos0 * kv, values.end());
    }

    int64_t row_bytes() const {
        const tiller::TypeTraits &t = tiller::type_traits(s.cache_type);
        return s.head_dim / t.block_elems * t.block_bytes;
    }

    KvView past(const std::vector<float> &f32, const std::vector<uint8_t> &packed) const {
        if (s.cache_type == tiller::GGML_F32) return KvView::positions(f32.data(), s.n_head_kv, s.head_dim, s.ring, 0);
        const int64_t rb = row_bytes(), n_rows = std::max<int64_t>(s.ring > 0 ? s.ring : s.pos0, 1);
        return KvView{packed.data(), rb, n_rows * rb, s.head_dim, s.ring, 0, s.cache_type};
    }

    AttentionArgs args(float *out, AttentionObserver *observer) const {
        return AttentionArgs{7, s.n_tokens, s.pos0, s.n_head, s.n_head_kv, s.head_dim, s.window, s.softcap, q.data(),
                             past(past_k, packed_k), past(past_v, packed_v),
                             KvView::positions(batch_k.data(), s.n_head_kv, s.head_dim, 0, s.pos0),
                             KvView::positions(batch_v.data(), s.n_head_kv, s.head_dim, 0, s.pos0),
                             out, observer};
    }

    int64_t first_key(int64_t pos) const { return s.window > 0 ? std::max<int64_t>(0, pos - s.window + 1) : 0; }

    // Scores (after the soft-cap), weights and output of query row t, head h, in double.
    void reference(int64_t t, int64_t h, std::vector<double> &scores, std::vector<double> &weights,
                   std::vector<double> &out) const {
        const int64_t hd = s.head_dim, kv = s.n_head_kv * hd, kvh = h / (s.n_head / s.n_head_kv);
        const int64_t pos = s.pos0 + t, lo = first_key(pos);
        const float *qv = &q[(t * s.n_head + h) * hd];
        scores.clear();
        for (int64_t p = lo; p <= pos; ++p) {
            double d = 0;
            for (int64_t j = 0; j < hd; ++j) d += double(qv[j]) * keys[p * kv + kvh * hd + j];
            scores.push_back(s.softcap > 0 ? s.softcap * std::tanh(d / s.softcap) : d);
        }
        const double mx = *std::max_element(scores.begin(), scores.end());
        double sum = 0;
        weights.clear();
        for (double x : scores) weights.push_back(std::exp(x - mx)), sum += weights.back();
        for (double &w : weights) w /= sum;
        out.assign(static_cast<size_t>(hd), 0.0);
        for (int64_t p = lo; p <= pos; ++p)
            for (int64_t j = 0; j < hd; ++j) out[j] += weights[p - lo] * values[p * kv + kvh * hd + j];
    }
};

}  // namespace tiller_test
