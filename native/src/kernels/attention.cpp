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
constexpr int64_t kChunk = 64;  // keys a KV head's query heads take in turn: 64 KB of float32 rows, within L2

struct Item {
    int64_t t, kvh, lo, hi, slot;  // keys lo..hi; slot: its partial results, or -1 to write the output
};
}  // namespace

int64_t spans_for(int64_t n_keys, int64_t rows) {
    return std::clamp<int64_t>(n_keys / kSpan, 1, std::max<int64_t>(1, kItemsWanted / rows));
}

namespace {
// The cache's rows are asked for kAhead positions before they are read: on the project's 2-core
// VM the hardware prefetchers left a core at 8-16 GB/s on these row streams, prefetching brings it
// to 26-33 GB/s (a microbenchmark of dot4 over 128k rows; bench/attention_bench end to end).
constexpr int64_t kAhead = 32;

void prefetch_rows(const AttentionArgs &a, const KvView &view, int64_t p, int64_t kvh) {
    const int64_t ahead = p + kAhead;
    if (ahead + 3 >= a.pos0) return;  // the batch's own rows are in cache
    for (int r = 0; r < 4; ++r) {
        const uint8_t *row = view.row(ahead + r, kvh);
        for (int64_t b = 0; b < view.row_bytes; b += 64) __builtin_prefetch(row + b);
    }
}

// Rows of KV head kvh at positions p..p+3 of an F16 cache view.
void half_rows(const KvView &view, int64_t p, int64_t kvh, const uint16_t *rows[4]) {
    for (int r = 0; r < 4; ++r) rows[r] = reinterpret_cast<const uint16_t *>(view.row(p + r, kvh));
}
}  // namespace

// Keys and values of an F16 cache are read as halves four rows at a time; other narrow types
// (and the last rows) are converted into a per-thread buffer.
void dot_keys(const AttentionArgs &a, int64_t kvh, const float *q, int64_t lo, int64_t hi, float *s) {
    thread_local std::vector<float> buf;
    const int64_t hd = a.head_dim;
    buf.resize(static_cast<size_t>(4 * hd));
    float *b = buf.data();
    int64_t p = lo;
    if (a.past_k.type == GGML_F16)
        for (const int64_t end = std::min(hi, a.pos0 - 1); p + 3 <= end; p += 4) {
            const uint16_t *k[4];
            prefetch_rows(a, a.past_k, p, kvh);
            half_rows(a.past_k, p, kvh, k);
            dot4_f16(q, k, hd, s + (p - lo));
        }
    for (; p + 3 <= hi; p += 4) {
        prefetch_rows(a, a.past_k, p, kvh);
        const float *k[4] = {key_at(a, p, kvh, b), key_at(a, p + 1, kvh, b + hd), key_at(a, p + 2, kvh, b + 2 * hd),
                             key_at(a, p + 3, kvh, b + 3 * hd)};
        dot4_f32(q, k, hd, s + (p - lo));
    }
    for (; p <= hi; ++p) s[p - lo] = dot_f32(q, key_at(a, p, kvh, b), hd);
}

void add_values(const AttentionArgs &a, int64_t kvh, const float *w, int64_t lo, int64_t hi, float *out) {
    thread_local std::vector<float> buf;
    const int64_t hd = a.head_dim;
    buf.resize(static_cast<size_t>(4 * hd));
    float *b = buf.data();
    int64_t p = lo;
    if (a.past_v.type == GGML_F16)
        for (const int64_t end = std::min(hi, a.pos0 - 1); p + 3 <= end; p += 4) {
            const uint16_t *v[4];
            prefetch_rows(a, a.past_v, p, kvh);
            half_rows(a.past_v, p, kvh, v);
            axpy4_f16(w + (p - lo), v, out, hd);
        }
    for (; p + 3 <= hi; p += 4) {
        prefetch_rows(a, a.past_v, p, kvh);
        const float *v[4] = {value_at(a, p, kvh, b), value_at(a, p + 1, kvh, b + hd), value_at(a, p + 2, kvh, b + 2 * hd),
                             value_at(a, p + 3, kvh, b + 3 * hd)};
        axpy4_f32(w + (p - lo), v, out, hd);
    }
    for (; p <= hi; ++p) axpy_f32(w[p - lo], value_at(a, p, kvh, b), out, hd);
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

// out += sum over i < n of w[i] * rows[i], four rows at a time as add_values.
void add_rows(const float *const *rows, const float *w, int64_t n, int64_t hd, float *out) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) axpy4_f32(w + i, rows + i, out, hd);
    for (; i < n; ++i) axpy_f32(w[i], rows[i], out, hd);
}

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
    // The span's key and value rows as float32, converted once per span for a narrower cache type.
    thread_local std::vector<float> conv;
    conv.resize(static_cast<size_t>(2 * kBlockSpan * hd));
    const float *keys[kBlockSpan], *vals[kBlockSpan];
    for (int64_t s0 = lo; s0 <= hi; s0 += kBlockSpan) {
        const int64_t s1 = std::min(hi, s0 + kBlockSpan - 1);
        for (int64_t p = s0; p <= s1; ++p) {
            keys[p - s0] = key_at(a, p, kvh, conv.data() + (p - s0) * hd);
            vals[p - s0] = value_at(a, p, kvh, conv.data() + (kBlockSpan + p - s0) * hd);
        }
        // Scores of every query of the block over the span (masked below, per query).
        for (int64_t i = 0; i < nq4; i += 4) {
            const float *q[4];
            for (int r = 0; r < 4; ++r) q[r] = query(std::min(i + r, nq - 1));
            int64_t p = s0;
            for (; p + 3 <= s1; p += 4) {
                float d[16];
                dot4x4_f32(q, keys + (p - s0), hd, d);
                for (int r = 0; r < 4; ++r)
                    for (int c = 0; c < 4; ++c) s[(i + r) * kBlockSpan + p - s0 + c] = d[r * 4 + c];
            }
            for (; p <= s1; ++p)
                for (int r = 0; r < 4; ++r) s[(i + r) * kBlockSpan + p - s0] = dot_f32(q[r], keys[p - s0], hd);
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
            add_rows(vals + (vlo - s0), si, nv, hd, oi);
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
            // Head by head over chunks of the span, so that the group's later heads find the chunk's
            // keys and values in cache (a chunk is a multiple of 4 rows: the same sums as one pass).
            for (int64_t c = it.lo; c <= it.hi; c += kChunk)
                for (int64_t g = 0; g < group; ++g)
                    dot_keys(a, it.kvh, q + g * hd, c, std::min(it.hi, c + kChunk - 1), s.data() + g * n + (c - it.lo));
            for (int64_t g = 0; g < group; ++g) {
                float *sg = s.data() + g * n;
                if (a.softcap > 0) softcap(sg, n, a.softcap);
                m[g] = *std::max_element(sg, sg + n);
                l[g] = exp_shifted(sg, n, m[g]);
            }
            for (int64_t c = it.lo; c <= it.hi; c += kChunk)
                for (int64_t g = 0; g < group; ++g)
                    add_values(a, it.kvh, s.data() + g * n + (c - it.lo), c, std::min(it.hi, c + kChunk - 1), o.data() + g * hd);
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
