// The inference attention kernel on its own, against a naive double-precision reference:
// multi-head and grouped-query heads, full causal and sliding-window layers whose keys come from
// a ring that has wrapped, Gemma 2's score soft-cap, one query row (decode) and many (prefill),
// and the observer's view of each head. CI runs it on emulated Haswell and Nehalem too, so that
// each compiled clone of the float loops it uses is covered.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <vector>

#include "kernels/attention.h"
#include "test.h"

using namespace tiller;

namespace {
struct Shape {
    int64_t n_head, n_head_kv, head_dim, pos0, n_tokens, window;
    float softcap;
    int64_t ring;  // capacity of the past keys' ring (0: one row per position)
};

// Keys, values and queries of every position, and the views the kernel reads them through.
struct Problem {
    Shape s;
    std::vector<float> q, keys, values;  // keys/values [pos0 + T][kv_dim]: the truth
    std::vector<float> past_k, past_v;   // as the cache holds them (a ring when s.ring > 0)
    std::vector<float> batch_k, batch_v;

    explicit Problem(const Shape &shape, uint32_t seed) : s(shape) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> nd(0.0f, 1.0f);
        const int64_t kv = s.n_head_kv * s.head_dim, total = s.pos0 + s.n_tokens;
        // Large queries so that a soft-cap of a few units is far from the identity.
        for (int64_t i = 0; i < s.n_tokens * s.n_head * s.head_dim; ++i) q.push_back(3.0f * nd(rng));
        for (int64_t i = 0; i < total * kv; ++i) keys.push_back(nd(rng)), values.push_back(nd(rng));
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
        batch_k.assign(keys.begin() + s.pos0 * kv, keys.end());
        batch_v.assign(values.begin() + s.pos0 * kv, values.end());
    }

    AttentionArgs args(float *out, AttentionObserver *observer) const {
        const int64_t kv = s.n_head_kv * s.head_dim;
        return AttentionArgs{7, s.n_tokens, s.pos0, s.n_head, s.n_head_kv, s.head_dim, s.window, s.softcap, q.data(),
                             KvView{past_k.data(), kv, s.ring, 0}, KvView{past_v.data(), kv, s.ring, 0},
                             KvView{batch_k.data(), kv, 0, s.pos0}, KvView{batch_v.data(), kv, 0, s.pos0},
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

bool close(double ref, float got, double tol = 2e-5) { return std::fabs(ref - got) <= tol * (1.0 + std::fabs(ref)); }

// Checks every head the kernel reports against the reference, and that each (query, head) is
// reported exactly once.
class CheckingObserver : public AttentionObserver {
public:
    explicit CheckingObserver(const Problem &p, int threads) : p_(p), threads_(threads),
        seen_(static_cast<size_t>(p.s.n_tokens * p.s.n_head)) {}
    void observe(const HeadScores &hs, int thread) override {
        std::vector<double> scores, weights, out;
        const int64_t t = hs.pos - p_.s.pos0;
        bool ok = hs.layer == 7 && thread >= 0 && thread < threads_ && t >= 0 && t < p_.s.n_tokens &&
                  hs.head >= 0 && hs.head < p_.s.n_head && hs.lo == p_.first_key(hs.pos) && hs.n == hs.pos - hs.lo + 1;
        if (ok) {
            p_.reference(t, hs.head, scores, weights, out);
            double sum = 0;
            for (int64_t i = 0; i < hs.n; ++i) {
                ok = ok && close(scores[i], hs.scores[i], 1e-4) && close(weights[i], hs.weights[i]);
                sum += hs.weights[i];
            }
            ok = ok && std::fabs(sum - 1.0) < 1e-5;
            seen_[t * p_.s.n_head + hs.head]++;
        }
        if (!ok) bad_++;
    }
    bool all_good() const {
        return bad_ == 0 && std::all_of(seen_.begin(), seen_.end(), [](const std::atomic<int> &n) { return n == 1; });
    }

private:
    const Problem &p_;
    int threads_;
    std::vector<std::atomic<int>> seen_;
    std::atomic<int> bad_{0};
};

// Runs the kernel on the shape with and without an observer; both outputs must match the
// reference (and each other bit for bit: observing changes nothing).
void check(const Shape &shape, int threads = 3) {
    Problem p(shape, 11 + static_cast<uint32_t>(shape.pos0 * 131 + shape.n_tokens));
    ThreadPool pool(threads);
    const int64_t q_dim = shape.n_head * shape.head_dim;
    std::vector<float> plain(static_cast<size_t>(shape.n_tokens * q_dim)), observed(plain.size());
    attention(pool, p.args(plain.data(), nullptr));
    CheckingObserver obs(p, threads);
    attention(pool, p.args(observed.data(), &obs));
    CHECK(obs.all_good());
    CHECK(plain == observed);
    int wrong = 0;
    std::vector<double> scores, weights, out;
    for (int64_t t = 0; t < shape.n_tokens; ++t)
        for (int64_t h = 0; h < shape.n_head; ++h) {
            p.reference(t, h, scores, weights, out);
            for (int64_t j = 0; j < shape.head_dim; ++j)
                if (!close(out[j], plain[t * q_dim + h * shape.head_dim + j])) ++wrong;
        }
    if (wrong) std::fprintf(stderr, "  %d output values differ from the reference\n", wrong);
    CHECK(wrong == 0);
}
}  // namespace

TEST(multi_head_full_causal_one_and_many_rows) {
    check({4, 4, 16, 0, 9, 0, 0.0f, 0});   // prefill from an empty cache
    check({4, 4, 16, 37, 1, 0, 0.0f, 0});  // decode after 37 cached positions
    check({4, 4, 16, 12, 6, 0, 0.0f, 0});  // a batch after cached positions
}

TEST(grouped_query_heads_read_their_own_kv_head) {
    check({8, 2, 16, 21, 1, 0, 0.0f, 0});
    check({8, 2, 16, 21, 5, 0, 0.0f, 0});
    check({6, 3, 8, 0, 7, 0, 0.0f, 0});
    check({4, 1, 32, 10, 3, 0, 0.0f, 0});
}

TEST(sliding_window_reads_a_wrapped_ring) {
    // Window 6 over a ring of 9 rows that has wrapped several times: each query sees itself and
    // the 5 positions before it, some in the ring and some in the batch.
    check({4, 2, 16, 40, 1, 6, 0.0f, 9});
    check({4, 2, 16, 40, 4, 6, 0.0f, 9});
    check({4, 2, 16, 3, 8, 6, 0.0f, 9});  // the window reaches back past position 0
    check({4, 4, 8, 17, 12, 6, 0.0f, 9}); // later rows of the batch see only batch keys
}

TEST(gemma2_soft_cap_of_the_scores) {
    check({4, 2, 16, 15, 1, 0, 5.0f, 0});
    check({4, 2, 16, 15, 6, 0, 5.0f, 0});
    check({8, 4, 16, 30, 3, 6, 50.0f, 9});  // Gemma 2's cap of 50 on a sliding layer
}

TEST(one_thread_and_many_give_the_same_bits) {
    const Shape s{8, 2, 16, 25, 7, 6, 5.0f, 9};
    Problem p(s, 3);
    const int64_t n = s.n_tokens * s.n_head * s.head_dim;
    std::vector<float> one(static_cast<size_t>(n)), four(static_cast<size_t>(n));
    ThreadPool p1(1), p4(4);
    attention(p1, p.args(one.data(), nullptr));
    attention(p4, p.args(four.data(), nullptr));
    CHECK(one == four);
    check(s, 1);
}
