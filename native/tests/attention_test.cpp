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

#include "attention_problem.h"
#include "kernels/attention.h"
#include "test.h"

using namespace tiller;
using namespace tiller_test;

namespace {
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

TEST(batches_run_in_blocks_of_rows_with_an_online_softmax) {
    // Eight rows or more go through the flash-attention blocks: spans of keys, soft-cap, windows,
    // blocks whose last one is short, and rows whose first span is fully masked.
    check({4, 2, 16, 15, 12, 0, 5.0f, 0});
    check({8, 2, 16, 600, 20, 0, 5.0f, 0});
    check({6, 3, 8, 0, 300, 0, 0.0f, 0});
    check({4, 2, 16, 700, 11, 300, 50.0f, 800});
}

TEST(long_decode_rows_split_their_keys_into_merged_spans) {
    // Rows of a small batch with thousands of keys are cut into spans (flash-decoding) whose
    // partial softmaxes are merged: the result is still the reference's, for any pool size.
    check({8, 2, 16, 3000, 1, 0, 0.0f, 0});
    check({4, 1, 16, 2100, 2, 0, 5.0f, 0}, 2);
    check({4, 4, 8, 1500, 1, 1200, 0.0f, 1300});  // a sliding window of 1200 keys from a ring
    const Shape s{8, 2, 16, 2500, 1, 0, 0.0f, 0};
    Problem p(s, 4);
    std::vector<float> one(static_cast<size_t>(s.n_head * s.head_dim)), three(one.size());
    ThreadPool p1(1), p3(3);
    attention(p1, p.args(one.data(), nullptr));
    attention(p3, p.args(three.data(), nullptr));
    CHECK(one == three);
}

TEST(narrower_cache_types_are_read_as_they_were_stored) {
    // F16 rows go through the F16 kernels (decode spans, prefill blocks, a wrapped ring, the
    // soft-cap, grouped heads); BF16 and the block types through conversion of each row.
    for (int32_t type : {GGML_F16, GGML_BF16}) {
        check({8, 2, 16, 37, 1, 0, 0.0f, 0, type});
        check({8, 2, 16, 3000, 1, 0, 5.0f, 0, type});
        check({4, 2, 16, 40, 4, 6, 0.0f, 9, type});
        check({8, 4, 16, 700, 11, 300, 50.0f, 800, type});
        check({4, 1, 32, 610, 20, 0, 0.0f, 0, type});
    }
    for (int32_t type : {GGML_Q8_0, GGML_Q4_0, GGML_Q5_1}) {
        check({4, 2, 32, 37, 1, 0, 0.0f, 0, type});
        check({4, 1, 64, 2100, 2, 0, 5.0f, 0, type});
        check({8, 2, 32, 40, 12, 6, 0.0f, 9, type});
    }
}
