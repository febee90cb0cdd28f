#include "kernels/attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/dot.h"
#include "kernels/elementwise.h"

namespace tiller {

namespace {
// Work items: a row's keys for one KV head, or a span of them. A row of a small batch (decode)
// splits its keys into spans of at least kSpan so that there are enough items for the threads
// (flash-decoding); the spans' partial softmaxes are merged by log-sum-exp. The split depends on
// the shape only, never on the thread count, so any pool gives the same bits.
constexpr int64_t kSpan = 512;  // 512 keys of 256 floats: 1 MB of keys and values, within L2
constexpr int64_t kItemsWanted = 16;

struct Item {
    int64_t t, kvh, lo, hi, slot;  // keys lo..hi; slot: its partial results, or -1 to write the output
};
}  // namespace

int64_t spans_for(int64_t n_keys, int64_t rows) {
    return std::clamp<int64_t>(n_keys / kSpan, 1, std::max<int64_t>(1, kItemsWanted / rows));
}

void dot_keys(const AttentionArgs &a, int64_t kvh, const float *q, int64_t lo, int64_t hi, float *s) {
    int64_t p = lo;
    for (; p + 3 <= hi; p += 4) {
        const float *k[4] = {key_at(a, p, kvh), key_at(a, p + 1, kvh), key_at(a, p + 2, kvh), key_at(a, p + 3, kvh)};
        dot4_f32(q, k, a.head_dim, s + (p - lo));
    }
    for (; p <= hi; ++p) s[p - lo] = dot_f32(q, key_at(a, p, kvh), a.head_dim);
}

void add_values(const AttentionArgs &a, int64_t kvh, const float *w, int64_t lo, int64_t hi, float *out) {
    int64_t p = lo;
    for (; p + 3 <= hi; p += 4) {
        const float *v[4] = {value_at(a, p, kvh), value_at(a, p + 1, kvh), value_at(a, p + 2, kvh), value_at(a, p + 3, kvh)};
        axpy4_f32(w + (p - lo), v, out, a.head_dim);
    }
    for (; p <= hi; ++p) axpy_f32(w[p - lo], value_at(a, p, kvh), out, a.head_dim);
}

namespace {
// The observer sees each head's capped scores and weights, recomputed (outputs unchanged).
void observe(ThreadPool &pool, const AttentionArgs &a) {
    const int64_t hd = a.head_dim, q_dim = a.n_head * hd, group = a.n_head / a.n_head_kv;
    pool.parallel_for(a.n_tokens * a.n_head, [&](int64_t w0, int64_t w1, int thread) {
        thread_local std::vector<float> scores, weights;
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t t = w / a.n_head, h = w % a.n_head, pos = a.pos0 + t;
            const int64_t lo = first_key(a, pos), n = pos - lo + 1;
            scores.resize(static_cast<size_t>(n));
            dot_keys(a, h / group, a.q + t * q_dim + h * hd, lo, pos, scores.data());
            if (a.softcap > 0) softcap(scores.data(), n, a.softcap);
            weights.assign(scores.begin(), scores.end());
            softmax(weights.data(), n);
            a.observer->observe(HeadScores{a.layer, h, pos, lo, n, scores.data(), weights.data()}, thread);
        }
    });
}

// Batches (prefill): blocks of kRows query rows times the group's heads against spans of kBlockSpan
// keys with an online softmax (flash attention), so that each key and value row is read once per
// block rather than once per query; scores come four queries by four keys at a time.
constexpr int64_t kRows = 8, kBlockSpan = 256;

void attend_block(const AttentionArgs &a, int64_t t0, int64_t t1, int64_t kvh, std::vector<float> &s, std::vector<float> &o,
                  std::vector<float> &m, std::vector<float> &l) {
    const int64_t hd = a.head_dim, q_dim = a.n_head * hd, group = a.n_head / a.n_head_kv;
    const int64_t nq = (t1 - t0) * group, nq4 = (nq + 3) / 4 * 4;
    auto row_of = [&](int64_t i) { return t0 + i / group; };
    auto query = [&](int64_t i) { return a.q + row_of(i) * q_dim + (kvh * group + i % group) * hd; };
    s.resize(static_cast<size_t>(nq4 * kBlockSpan));
    o.assign(static_cast<size_t>(nq * hd), 0.0f);
    m.assign(static_cast<size_t>(nq), -INFINITY);
    l.assign(static_cast<size_t>(nq), 0.0f);
    const int64_t lo = first_key(a, a.pos0 + t0), hi = a.pos0 + t1 - 1;
    for (int64_t s0 = lo; s0 <= hi; s0 += kBlockSpan) {
        const int64_t s1 = std::min(hi, s0 + kBlockSpan - 1);
        // Scores of every query of the block over the span (masked below, per query).
        for (int64_t i = 0; i < nq4; i += 4) {
            const float *q[4];
            for (int r = 0; r < 4; ++r) q[r] = query(std::min(i + r, nq - 1));
            int64_t p = s0;
            for (; p + 3 <= s1; p += 4) {
                const float *k[4] = {key_at(a, p, kvh), key_at(a, p + 1, kvh), key_at(a, p + 2, kvh), key_at(a, p + 3, kvh)};
                float d[16];
                dot4x4_f32(q, k, hd, d);
                for (int r = 0; r < 4; ++r)
                    for (int c = 0; c < 4; ++c) s[(i + r) * kBlockSpan + p - s0 + c] = d[r * 4 + c];
            }
            for (; p <= s1; ++p)
                for (int r = 0; r < 4; ++r) s[(i + r) * kBlockSpan + p - s0] = dot_f32(q[r], key_at(a, p, kvh), hd);
        }
        for (int64_t i = 0; i < nq; ++i) {
            const int64_t pos = a.pos0 + row_of(i), vlo = std::max(s0, first_key(a, pos)), vhi = std::min(s1, pos);
            if (vlo > vhi) continue;
            float *si = s.data() + i * kBlockSpan + (vlo - s0);
            const int64_t nv = vhi - vlo + 1;
            if (a.softcap > 0) softcap(si, nv, a.softcap);
            const float mx = std::max(m[i], *std::max_element(si, si + nv));
            const float rescale = m[i] == -INFINITY ? 0.0f : std::exp(m[i] - mx);
            float *oi = o.data() + i * hd;
            if (rescale != 1.0f)
                for (int64_t d = 0; d < hd; ++d) oi[d] *= rescale;
            l[i] = l[i] * rescale + exp_shifted(si, nv, mx);
            m[i] = mx;
            add_values(a, kvh, si, vlo, vhi, oi);
        }
    }
    for (int64_t i = 0; i < nq; ++i) {
        float *out = a.out + row_of(i) * q_dim + (kvh * group + i % group) * hd;
        const float inv = 1.0f / l[i];
        for (int64_t d = 0; d < hd; ++d) out[d] = o[i * hd + d] * inv;
    }
}
}  // namespace

void attention(ThreadPool &pool, const AttentionArgs &a) {
    const int64_t hd = a.head_dim, q_dim = a.n_head * hd, group = a.n_head / a.n_head_kv;
    if (a.n_tokens >= kRows) {
        const int64_t blocks = (a.n_tokens + kRows - 1) / kRows;
        pool.parallel_for(blocks * a.n_head_kv, [&](int64_t w0, int64_t w1, int) {
            thread_local std::vector<float> s, o, m, l;
            for (int64_t w = w0; w < w1; ++w) {
                const int64_t b = w / a.n_head_kv, t0 = b * kRows;
                attend_block(a, t0, std::min(a.n_tokens, t0 + kRows), w % a.n_head_kv, s, o, m, l);
            }
        });
        if (a.observer) observe(pool, a);
        return;
    }

    std::vector<Item> items;
    int64_t slots = 0;
    for (int64_t t = 0; t < a.n_tokens; ++t) {
        const int64_t pos = a.pos0 + t, lo = first_key(a, pos), n = pos - lo + 1;
        const int64_t spans = spans_for(n, a.n_tokens * a.n_head_kv), len = (n + spans - 1) / spans;
        for (int64_t g = 0; g < a.n_head_kv; ++g)
            for (int64_t s = 0; s < spans; ++s)
                items.push_back({t, g, lo + s * len, std::min(pos, lo + (s + 1) * len - 1), spans == 1 ? -1 : slots++});
    }
    // Partial results of split rows, per slot and head of the group: max, sum, unnormalized output.
    std::vector<float> part_m(static_cast<size_t>(slots * group)), part_l(part_m.size()), part_o(part_m.size() * hd);

    pool.parallel_for(static_cast<int64_t>(items.size()), [&](int64_t i0, int64_t i1, int) {
        thread_local std::vector<float> s, o, m, l;
        for (int64_t i = i0; i < i1; ++i) {
            const Item &it = items[i];
            const int64_t n = it.hi - it.lo + 1;
            s.resize(static_cast<size_t>(group * n));
            o.assign(static_cast<size_t>(group * hd), 0.0f);
            m.resize(static_cast<size_t>(group));
            l.resize(static_cast<size_t>(group));
            const float *q = a.q + it.t * q_dim + it.kvh * group * hd;
            // Head by head over the span: the group's later heads find its keys and values in cache.
            for (int64_t g = 0; g < group; ++g) dot_keys(a, it.kvh, q + g * hd, it.lo, it.hi, s.data() + g * n);
            for (int64_t g = 0; g < group; ++g) {
                float *sg = s.data() + g * n;
                if (a.softcap > 0) softcap(sg, n, a.softcap);
                m[g] = *std::max_element(sg, sg + n);
                l[g] = exp_shifted(sg, n, m[g]);
            }
            for (int64_t g = 0; g < group; ++g) add_values(a, it.kvh, s.data() + g * n, it.lo, it.hi, o.data() + g * hd);
            for (int64_t g = 0; g < group; ++g) {
                if (it.slot < 0) {
                    float *out = a.out + it.t * q_dim + (it.kvh * group + g) * hd;
                    const float inv = 1.0f / l[g];
                    for (int64_t j = 0; j < hd; ++j) out[j] = o[g * hd + j] * inv;
                } else {
                    const int64_t at = it.slot * group + g;
                    part_m[at] = m[g];
                    part_l[at] = l[g];
                    std::memcpy(&part_o[at * hd], o.data() + g * hd, hd * sizeof(float));
                }
            }
        }
    });

    // Merge the spans of split rows (in span order) by log-sum-exp.
    if (slots > 0) {
        for (size_t i = 0; i < items.size();) {
            size_t j = i;
            while (j < items.size() && items[j].t == items[i].t && items[j].kvh == items[i].kvh) ++j;
            if (items[i].slot >= 0)
                for (int64_t g = 0; g < group; ++g) {
                    float mx = -INFINITY;
                    for (size_t k = i; k < j; ++k) mx = std::max(mx, part_m[items[k].slot * group + g]);
                    float *out = a.out + items[i].t * q_dim + (items[i].kvh * group + g) * hd;
                    std::memset(out, 0, hd * sizeof(float));
                    float total = 0;
                    for (size_t k = i; k < j; ++k) {
                        const int64_t at = items[k].slot * group + g;
                        const float w = std::exp(part_m[at] - mx);
                        total += w * part_l[at];
                        axpy_f32(w, &part_o[at * hd], out, hd);
                    }
                    const float inv = 1.0f / total;
                    for (int64_t d = 0; d < hd; ++d) out[d] *= inv;
                }
            i = j;
        }
    }

    if (a.observer) observe(pool, a);
}

}  // namespace tiller
