// Session behaviour on a tiny sliding-window model: batched and chunked evaluation agree (also
// after the sliding layers' ring buffer wraps), rewind and reset reproduce earlier logits, and
// bad arguments are errors.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "core/error.h"
#include "gguf_writer.h"
#include "model/model.h"
#include "runtime/session.h"
#include "test.h"

using namespace tiller;
using namespace tiller_test;

namespace {
std::shared_ptr<const Model> tiny_model() {
    static std::string path = write_temp(tiny_gemma2(), "session-model.gguf");
    return std::make_shared<const Model>(path);
}

std::vector<int32_t> tokens(int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<int32_t> t(n);
    for (auto &x : t) x = static_cast<int32_t>(rng() % 64);
    return t;
}

float max_diff(const float *a, const float *b, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}
}  // namespace

TEST(batched_equals_chunked_across_ring_wrap) {
    auto m = tiny_model();
    const int n = 700;  // > window (4) + rewind slack (256): the sliding layers' ring wraps twice
    auto toks = tokens(n, 1);
    Session whole(m, 1024, 2);
    whole.evaluate(toks.data(), n, true);
    std::vector<float> ref = whole.logits();
    Session chunked(m, 1024, 1);
    std::vector<float> got;
    for (int i = 0; i < n; i += 37) {
        int k = std::min(37, n - i);
        chunked.evaluate(toks.data() + i, k, true);
        got.insert(got.end(), chunked.logits().begin(), chunked.logits().end());
    }
    REQUIRE(got.size() == ref.size());
    CHECK(max_diff(got.data(), ref.data(), ref.size()) < 1e-4f);
}

TEST(rewind_and_reset_reproduce_logits) {
    auto m = tiny_model();
    auto toks = tokens(40, 2);
    Session s(m, 128, 1);
    s.evaluate(toks.data(), 40, false);
    std::vector<float> last = s.logits();
    s.rewind(10);
    CHECK(s.position() == 30);
    s.evaluate(toks.data() + 30, 10, false);
    CHECK(max_diff(s.logits().data(), last.data(), last.size()) < 1e-5f);
    s.reset();
    s.evaluate(toks.data(), 40, false);
    CHECK(max_diff(s.logits().data(), last.data(), last.size()) < 1e-5f);
}

TEST(rewind_past_the_ring_is_refused) {
    auto m = tiny_model();
    auto toks = tokens(400, 3);
    Session s(m, 512, 1);
    s.evaluate(toks.data(), 400, false);
    bool refused = false;
    try {
        s.rewind(390);
    } catch (const Error &e) {
        refused = e.code() == TILLER_ERR_STATE;
    }
    CHECK(refused);
    CHECK(s.position() == 400);
}

TEST(bad_arguments_are_errors) {
    auto m = tiny_model();
    Session s(m, 8, 1);
    auto code = [&](auto fn) {
        try {
            fn();
        } catch (const Error &e) {
            return e.code();
        }
        return TILLER_OK;
    };
    int32_t bad[2] = {1, 64};
    CHECK(code([&] { s.evaluate(bad, 2, false); }) == TILLER_ERR_INVALID_ARGUMENT);
    int32_t neg[1] = {-1};
    CHECK(code([&] { s.evaluate(neg, 1, false); }) == TILLER_ERR_INVALID_ARGUMENT);
    auto many = tokens(9, 4);
    CHECK(code([&] { s.evaluate(many.data(), 9, false); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(code([&] { s.rewind(1); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(code([&] { s.set_capture({5}); }) == TILLER_ERR_INVALID_ARGUMENT);
    std::vector<float> nan(32, NAN);
    CHECK(code([&] { s.set_control(nan.data(), 32, 32, 1, 1); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(code([&] { Session huge(m, int64_t(1) << 29, 1); }) == TILLER_ERR_OUT_OF_MEMORY);
}

#if !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#endif

TEST(create_evaluate_free_cycles_release_all_memory) {
#if defined(__SANITIZE_ADDRESS__)
    SKIP("under AddressSanitizer, LeakSanitizer checks this instead");
#else
    static std::string path = write_temp(tiny_gemma2(), "cycle-model.gguf");
    auto cycle = [&](int i) {
        auto m = std::make_shared<const Model>(path);
        Session s(m, 32, 1);
        s.set_capture({1});
        int32_t t[2] = {1, i % 64};
        s.evaluate(t, 2, true);
    };
    for (int i = 0; i < 50; ++i) cycle(i);
    const size_t before = mallinfo2().uordblks + mallinfo2().hblkhd;
    for (int i = 0; i < 500; ++i) cycle(i);
    const size_t after = mallinfo2().uordblks + mallinfo2().hblkhd;
    if (after > before) std::fprintf(stderr, "  malloc in use grew by %zu bytes over 500 cycles\n", after - before);
    CHECK(after <= before + 4096);
#endif
}

TEST(steering_time_counts_only_steered_layers) {
    auto m = tiny_model();
    auto toks = tokens(16, 3);
    Session s(m, 64, 1);
    s.evaluate(toks.data(), 16, false);
    CHECK(s.steering_ms() == 0.0);  // nothing to apply: no time taken, no timer run
    std::vector<float> v(static_cast<size_t>(m->hparams().n_embd), 0.5f);
    s.add_dense_steering(0, v.data(), static_cast<int64_t>(v.size()), 1.0f, 0);
    s.evaluate(toks.data(), 16, false);
    CHECK(s.steering_ms() > 0.0);
}
