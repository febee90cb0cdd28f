#include "runtime/key_moments.h"

#include <algorithm>

namespace tiller {

void KeyMoments::reset(int64_t t_sink, int64_t t_local) {
    t_sink_ = t_sink;
    t_local_ = t_local;
    for (Layer &l : layers_) {
        l.end = t_sink;
        l.s1.clear();
        l.s2.clear();
    }
}

void KeyMoments::add(Layer &l, int64_t kvh, const float *k, double sign) const {
    const int64_t d = hp_.head_dim;
    double *s1 = l.s1.data() + kvh * d, *s2 = l.s2.data() + kvh * d * d;
    for (int64_t i = 0; i < d; ++i) {
        const double ki = sign * k[i];
        s1[i] += ki;
        double *row = s2 + i * d;
#pragma omp simd
        for (int64_t j = 0; j < d; ++j) row[j] += ki * k[j];
    }
}

void KeyMoments::moments(ThreadPool &pool, const AttentionArgs &a, double *out) {
    Layer &l = layers_[a.layer];
    const int64_t d = a.head_dim, group = a.n_head / a.n_head_kv, q_dim = a.n_head * d;
    if (l.s1.empty()) {
        l.s1.assign(static_cast<size_t>(a.n_head_kv * d), 0.0);
        l.s2.assign(static_cast<size_t>(a.n_head_kv * d * d), 0.0);
    }
    const int64_t start = l.end;
    // KV heads are independent; within one, the rows advance the sums in order.
    pool.parallel_for(a.n_head_kv, [&](int64_t g0, int64_t g1, int) {
        std::vector<float> buf(static_cast<size_t>(d));
        for (int64_t g = g0; g < g1; ++g) {
            const double *s1 = l.s1.data() + g * d, *s2 = l.s2.data() + g * d * d;
            int64_t end = start;
            for (int64_t t = 0; t < a.n_tokens; ++t) {
                const int64_t target = std::max(t_sink_, a.pos0 + t - t_local_ + 1);
                for (; end < target; ++end) add(l, g, key_at(a, end, g, buf.data()), 1.0);
                const double n = double(end - t_sink_);
                for (int64_t h = g * group; h < (g + 1) * group; ++h) {
                    double *mv = out + 2 * (t * a.n_head + h);
                    if (n <= 0) {
                        mv[0] = mv[1] = 0;
                        continue;
                    }
                    const float *q = a.q + t * q_dim + h * d;
                    double m = 0, qsq = 0;
                    for (int64_t i = 0; i < d; ++i) m += q[i] * s1[i];
                    for (int64_t i = 0; i < d; ++i) {
                        const double *row = s2 + i * d;
                        double acc = 0;
#pragma omp simd reduction(+ : acc)
                        for (int64_t j = 0; j < d; ++j) acc += row[j] * q[j];
                        qsq += q[i] * acc;
                    }
                    m /= n;
                    mv[0] = m;
                    mv[1] = std::max(0.0, qsq / n - m * m);
                }
            }
        }
    });
    l.end = std::max(start, std::max(t_sink_, a.pos0 + a.n_tokens - t_local_));
}

void KeyMoments::truncate(const KvCache &cache, int64_t pos) {
    for (int64_t il = 0; il < hp_.n_layer; ++il) {
        Layer &l = layers_[il];
        if (l.s1.empty() || l.end <= pos - t_local_ + 1) continue;
        const KvView keys = cache.keys(il);
        // The bulk of a query at pos ends before pos - t_local + 1; those keys are still cached.
        const int64_t n_kv = hp_.layers[il].n_head_kv, d = hp_.head_dim, lo = std::max(pos - t_local_ + 1, t_sink_);
        std::vector<float> buf(static_cast<size_t>(d));
        for (int64_t p = lo; p < l.end; ++p)
            for (int64_t g = 0; g < n_kv; ++g) add(l, g, keys.floats(p, g, buf.data()), -1.0);
        l.end = lo;
    }
}

}  // namespace tiller
