// Session behaviour on a tiny sliding-window model: batched and chunked evaluation agree (also
// after the sliding layers' ring buffer wraps), rewind and reset reproduce earlier logits, and
// bad arguments are errors.
#include <algorithm>
#include <atomic>
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
    CHECK(error_code([&] { s.rewind(390); }) == TILLER_ERR_STATE);
    CHECK(s.position() == 400);
}

TEST(bad_arguments_are_errors) {
    auto m = tiny_model();
    Session s(m, 8, 1);
    int32_t bad[2] = {1, 64};
    CHECK(error_code([&] { s.evaluate(bad, 2, false); }) == TILLER_ERR_INVALID_ARGUMENT);
    int32_t neg[1] = {-1};
    CHECK(error_code([&] { s.evaluate(neg, 1, false); }) == TILLER_ERR_INVALID_ARGUMENT);
    auto many = tokens(9, 4);
    CHECK(error_code([&] { s.evaluate(many.data(), 9, false); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(error_code([&] { s.rewind(1); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(error_code([&] { s.capture().set_layers(Point::resid_post, {5}); }) == TILLER_ERR_INVALID_ARGUMENT);
    std::vector<float> nan(32, NAN);
    CHECK(error_code([&] { s.control().set(nan.data(), 32, 32, 1, 1); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(error_code([&] { Session huge(m, int64_t(1) << 29, 1); }) == TILLER_ERR_OUT_OF_MEMORY);
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
        s.capture().set_layers(Point::resid_post, {1});
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
    CHECK(s.steering().elapsed_ms() == 0.0);  // nothing to apply: no time taken, no timer run
    std::vector<float> v(static_cast<size_t>(m->hparams().n_embd), 0.5f);
    s.steering().add_dense(0, v.data(), static_cast<int64_t>(v.size()), 1.0f, 0);
    s.evaluate(toks.data(), 16, false);
    CHECK(s.steering().elapsed_ms() > 0.0);
}

namespace {
// A tap added after the built-in ones: records the rows it sees at one layer and observes that
// layer's attention heads.
struct RecordingTap : Tap, AttentionObserver {
    int64_t layer;
    std::vector<float> seen;
    std::atomic<int> heads{0}, bad_sums{0};
    explicit RecordingTap(int64_t l) : layer(l) {}
    bool wants(Point p, int64_t l) const override { return p == Point::resid_post && l == layer; }
    void run(const Site &s) override { seen.assign(s.rows, s.rows + s.n_tokens * s.width); }
    AttentionObserver *attention_observer(int64_t l) override { return l == layer ? this : nullptr; }
    void observe(const HeadScores &h, int) override {
        double sum = 0;
        for (int64_t i = 0; i < h.n; ++i) sum += h.weights[i];
        if (std::fabs(sum - 1.0) > 1e-5 || h.layer != layer) ++bad_sums;
        ++heads;
    }
};

struct HookSeen {
    std::vector<float> rows;
    float add;
};
void recording_hook(int32_t layer, int32_t, float *x, int32_t n, int32_t e, void *user) {
    auto *seen = static_cast<HookSeen *>(user);
    if (layer != 1) return;
    seen->rows.assign(x, x + n * e);
    for (int32_t i = 0; i < n * e; ++i) x[i] += seen->add;
}
}  // namespace

TEST(taps_at_resid_post_run_in_the_documented_order) {
    // Control vector, then steering programs, then the hook (which sees both), then capture
    // (which sees the hook's edit), then added taps.
    auto m = tiny_model();
    const int64_t E = m->hparams().n_embd;
    auto toks = tokens(6, 9);
    Session s(m, 16, 1);
    s.capture().set_layers(Point::resid_post, {0});
    s.evaluate(toks.data(), 6, false);
    const std::vector<float> layer0 = *s.capture().captured(Point::resid_post, 0);
    s.reset();

    // resid_post(1) without any tap: block 1 applied to the same layer-0 rows.
    RecordingTap plain(1);
    s.add_tap(&plain);
    s.evaluate(toks.data(), 6, false);
    s.remove_tap(&plain);
    s.reset();
    REQUIRE(plain.seen.size() == static_cast<size_t>(6 * E));

    std::vector<float> cv(static_cast<size_t>(E), 0.25f), v(static_cast<size_t>(E), -0.5f);
    s.control().set(cv.data(), E, E, 1, 1);
    s.steering().add_dense(1, v.data(), E, 1.0f, 0);
    HookSeen hook{{}, 2.0f};
    s.hook().set(recording_hook, &hook);
    s.capture().set_layers(Point::resid_post, {0, 1});
    RecordingTap after(1);
    s.add_tap(&after);
    s.evaluate(toks.data(), 6, false);
    s.remove_tap(&after);

    CHECK(max_diff(s.capture().captured(Point::resid_post, 0)->data(), layer0.data(), layer0.size()) == 0.0f);
    REQUIRE(hook.rows.size() == plain.seen.size());
    float hook_err = 0, capture_err = 0, after_err = 0;
    for (size_t i = 0; i < plain.seen.size(); ++i) {
        hook_err = std::max(hook_err, std::fabs(hook.rows[i] - (plain.seen[i] + 0.25f - 0.5f)));
        capture_err = std::max(capture_err, std::fabs((*s.capture().captured(Point::resid_post, 1))[i] - (hook.rows[i] + 2.0f)));
        after_err = std::max(after_err, std::fabs(after.seen[i] - (hook.rows[i] + 2.0f)));
    }
    CHECK(hook_err < 1e-5f);
    CHECK(capture_err == 0.0f);
    CHECK(after_err == 0.0f);
    // The added tap observed every (query, head) of layer 1, and no other layer.
    CHECK(after.heads == 6 * m->hparams().layers[1].n_head);
    CHECK(after.bad_sums == 0);
}

TEST(observing_attention_changes_no_logit) {
    auto m = tiny_model();
    auto toks = tokens(40, 4);
    Session s(m, 64, 2);
    s.evaluate(toks.data(), 40, true);
    const std::vector<float> plain = s.logits();
    s.reset();
    RecordingTap tap(0);
    s.add_tap(&tap);
    s.evaluate(toks.data(), 40, true);
    CHECK(tap.heads == 40 * m->hparams().layers[0].n_head);
    CHECK(s.logits() == plain);
}

namespace {
QadaConfig qada(double tau, QadaMoments moments) { return QadaConfig::make(QadaDecision::estimate, tau, 4, 8, moments); }
}  // namespace

TEST(adaptive_attention_at_tau_zero_changes_no_logit) {
    auto m = tiny_model();
    auto toks = tokens(300, 10);
    Session plain(m, 512, 2);
    plain.evaluate(toks.data(), 300, true);
    for (QadaMoments mo : {QadaMoments::local, QadaMoments::bulk}) {
        Session s(m, 512, 2);
        s.adaptive().configure(qada(0.0, mo), {});
        s.adaptive().set_recording(true);
        s.evaluate(toks.data(), 300, true);
        CHECK(s.logits() == plain.logits());
        // A global layer's record: p-hat and p_bulk in [0, 1], nothing recorded for sliding layers.
        int64_t global = -1;
        for (int64_t il = 0; il < m->hparams().n_layer && global < 0; ++il)
            if (!m->hparams().layers[il].swa) global = il;
        REQUIRE(global >= 0);
        const std::vector<float> &rec = *s.adaptive().estimates(global);
        CHECK(rec.size() == size_t(300 * m->hparams().layers[global].n_head * 2));
        CHECK(std::all_of(rec.begin(), rec.end(), [](float x) { return x >= 0.0f && x <= 1.0f; }));
        CHECK(std::any_of(rec.begin(), rec.end(), [](float x) { return x > 0.0f && x < 1.0f; }));
        for (int64_t il = 0; il < m->hparams().n_layer; ++il)
            if (m->hparams().layers[il].swa) CHECK(s.adaptive().estimates(il) == nullptr);
    }
}

TEST(bulk_moments_follow_rewind_and_reset) {
    // Rewinding and evaluating other tokens gives the record a fresh session gives for the same
    // sequence: the running sums dropped the rewound keys.
    auto m = tiny_model();
    auto a = tokens(80, 11), b = tokens(30, 12);
    Session s(m, 256, 2);
    s.adaptive().configure(qada(0.5, QadaMoments::bulk), {});
    s.adaptive().set_recording(true);
    s.evaluate(a.data(), 80, false);
    s.rewind(30);
    s.evaluate(b.data(), 30, true);
    const std::vector<float> logits = s.logits();
    int64_t global = 0;
    while (m->hparams().layers[global].swa) ++global;
    const std::vector<float> rewound = *s.adaptive().estimates(global);

    Session fresh(m, 256, 1);
    fresh.adaptive().configure(qada(0.5, QadaMoments::bulk), {});
    fresh.adaptive().set_recording(true);
    fresh.evaluate(a.data(), 50, false);
    fresh.evaluate(b.data(), 30, true);
    CHECK(max_diff(rewound.data(), fresh.adaptive().estimates(global)->data(), rewound.size()) < 1e-5f);
    CHECK(max_diff(logits.data(), fresh.logits().data(), logits.size()) < 1e-4f);

    s.reset();
    s.evaluate(a.data(), 50, false);
    s.evaluate(b.data(), 30, true);
    CHECK(max_diff(rewound.data(), s.adaptive().estimates(global)->data(), rewound.size()) < 1e-5f);
}

TEST(queries_and_keys_are_captured_as_attention_reads_them) {
    // The keys captured at attn_k are the rows the KV cache holds; q . k over them, after the
    // softmax, sums to one per head (checked loosely here; heads score checks the rest in Java).
    auto m = tiny_model();
    const HParams &hp = m->hparams();
    auto toks = tokens(12, 13);
    Session s(m, 64, 1);
    s.capture().set_layers(Point::attn_q, {1});
    s.capture().set_layers(Point::attn_k, {1});
    s.evaluate(toks.data(), 12, false);
    const std::vector<float> *q = s.capture().captured(Point::attn_q, 1), *k = s.capture().captured(Point::attn_k, 1);
    REQUIRE(q && k);
    CHECK(q->size() == size_t(12 * hp.layers[1].n_head * hp.head_dim));
    CHECK(k->size() == size_t(12 * hp.layers[1].n_head_kv * hp.head_dim));
    CHECK(s.capture().captured(Point::resid_post, 1) == nullptr);
    s.capture().set_layers(Point::attn_q, {});
    CHECK(s.capture().captured(Point::attn_q, 1) == nullptr);
    CHECK(s.capture().captured(Point::attn_k, 1) != nullptr);
}
