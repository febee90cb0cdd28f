#include "kernels/attention.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/dot.h"
#include "kernels/elementwise.h"

namespace tiller {

void dot_keys(const AttentionArgs &a, int64_t kvh, const float *q, int64_t lo, int64_t hi, float *s) {
    for (int64_t p = lo; p <= hi; ++p) s[p - lo] = dot_f32(q, key_at(a, p, kvh), a.head_dim);
}

void add_values(const AttentionArgs &a, int64_t kvh, const float *w, int64_t lo, int64_t hi, float *out) {
    for (int64_t p = lo; p <= hi; ++p) axpy_f32(w[p - lo], value_at(a, p, kvh), out, a.head_dim);
}

void attention(ThreadPool &pool, const AttentionArgs &a) {
    const int64_t hd = a.head_dim, q_dim = a.n_head * hd;
    const int64_t group = a.n_head / a.n_head_kv;
    pool.parallel_for(a.n_tokens * a.n_head, [&](int64_t w0, int64_t w1, int thread) {
        thread_local std::vector<float> scores, kept;
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t t = w / a.n_head, h = w % a.n_head, kvh = h / group;
            const int64_t pos = a.pos0 + t;
            const int64_t lo = a.window > 0 ? std::max<int64_t>(0, pos - a.window + 1) : 0;
            const int64_t n = pos - lo + 1;
            scores.resize(static_cast<size_t>(n));
            dot_keys(a, kvh, a.q + t * q_dim + h * hd, lo, pos, scores.data());
            if (a.softcap > 0) softcap(scores.data(), n, a.softcap);
            if (a.observer) kept.assign(scores.begin(), scores.end());
            softmax(scores.data(), n);
            if (a.observer) a.observer->observe(HeadScores{a.layer, h, pos, lo, n, kept.data(), scores.data()}, thread);
            float *o = a.out + t * q_dim + h * hd;
            std::memset(o, 0, hd * sizeof(float));
            add_values(a, kvh, scores.data(), lo, pos, o);
        }
    });
}

}  // namespace tiller
