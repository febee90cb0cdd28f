// C ABI: sessions (evaluation, outputs, capture, control vectors) and control-vector files.
#include <cstring>
#include <vector>

#include "api/handles.h"
#include "core/error.h"
#include "gguf/ggml_type.h"
#include "gguf/gguf_writer.h"
#include "kernels/elementwise.h"

using namespace tiller;

namespace {
Session &session_of(tiller_session *s) {
    if (!s || !s->session) fail(TILLER_ERR_INVALID_ARGUMENT, "session handle is null");
    return *s->session;
}
const Session &session_of(const tiller_session *s) {
    if (!s || !s->session) fail(TILLER_ERR_INVALID_ARGUMENT, "session handle is null");
    return *s->session;
}
const ControlVectorFile &cvec_of(const tiller_cvec *c) {
    if (!c || !c->file) fail(TILLER_ERR_INVALID_ARGUMENT, "control vector handle is null");
    return *c->file;
}
}  // namespace

extern "C" {

int32_t tiller_session_new(tiller_model *model, int32_t n_ctx, int32_t n_threads, tiller_session **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(model && model->model && out, "model and out must not be null");
        TILLER_REQUIRE_ARG(n_threads <= 1024, "thread count %d is too large", n_threads);
        *out = nullptr;
        if (!model->model->problem().empty())
            fail(TILLER_ERR_FORMAT, "%s (opened for inspection only; it cannot run)", model->model->problem().c_str());
        auto s = std::make_unique<tiller_session>();
        s->session = std::make_unique<Session>(model->model, n_ctx, n_threads);
        *out = s.release();
    });
}

int32_t tiller_session_free(tiller_session *session) {
    return guarded([&] { delete session; });
}

int32_t tiller_session_n_ctx(const tiller_session *session, int32_t *n_ctx) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(n_ctx, "n_ctx must not be null");
        *n_ctx = static_cast<int32_t>(session_of(session).n_ctx());
    });
}

int32_t tiller_session_position(const tiller_session *session, int32_t *position) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(position, "position must not be null");
        *position = static_cast<int32_t>(session_of(session).position());
    });
}

int32_t tiller_session_evaluate(tiller_session *session, const int32_t *tokens, int32_t n_tokens, int32_t all_logits) {
    return guarded([&] { session_of(session).evaluate(tokens, n_tokens, all_logits != 0); });
}

int32_t tiller_session_logits(const tiller_session *session, const float **data, int32_t *rows) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(data && rows, "data and rows must not be null");
        const Session &s = session_of(session);
        *rows = static_cast<int32_t>(s.logit_rows());
        *data = s.logit_rows() > 0 ? s.logits().data() : nullptr;
    });
}

int32_t tiller_session_logit_stats(const tiller_session *session, int32_t row, float *max, float *log_sum_exp,
                                   int32_t *argmax) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(max && log_sum_exp && argmax, "max, log_sum_exp and argmax must not be null");
        const Session &s = session_of(session);
        if (s.logit_rows() == 0) fail(TILLER_ERR_STATE, "no logits: nothing has been evaluated");
        TILLER_REQUIRE_ARG(row >= 0 && row < s.logit_rows(), "logits row %d out of range [0, %lld)", row,
                           (long long)s.logit_rows());
        const int64_t n = s.model().hparams().n_vocab;
        const LogitStats st = logit_stats(s.logits().data() + row * n, n);
        *max = st.max;
        *log_sum_exp = st.log_sum_exp;
        *argmax = static_cast<int32_t>(st.argmax);
    });
}

int32_t tiller_session_decode_greedy(tiller_session *session, int32_t n, int32_t *tokens) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || tokens), "tokens must hold n >= 0 entries");
        Session &s = session_of(session);
        if (s.logit_rows() == 0) fail(TILLER_ERR_STATE, "no logits: nothing has been evaluated");
        const int64_t v = s.model().hparams().n_vocab;
        for (int32_t i = 0; i < n; ++i) {
            const float *last = s.logits().data() + (s.logit_rows() - 1) * v;
            const int32_t token = static_cast<int32_t>(logit_stats(last, v).argmax);
            tokens[i] = token;
            s.evaluate(&token, 1, false);
        }
    });
}

int32_t tiller_session_matmul(tiller_session *session, const char *tensor, const float *x, int32_t n, float *y) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(tensor && x && y, "tensor, x and y must not be null");
        TILLER_REQUIRE_ARG(n >= 1, "row count must be >= 1, got %d", n);
        Session &s = session_of(session);
        const WeightView *w = s.model().weight_matrix(tensor);
        if (!w) fail(TILLER_ERR_INVALID_ARGUMENT, "'%s' is not a weight matrix of the forward pass", tensor);
        s.apply_matrix(*w, x, n, y);
    });
}

int32_t tiller_session_reset(tiller_session *session) {
    return guarded([&] { session_of(session).reset(); });
}

int32_t tiller_session_rewind(tiller_session *session, int32_t n_tokens) {
    return guarded([&] { session_of(session).rewind(n_tokens); });
}

int32_t tiller_session_set_capture(tiller_session *session, const int32_t *layers, int32_t n) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || layers), "layers must hold n >= 0 entries");
        session_of(session).set_capture(std::vector<int32_t>(layers, layers + n));
    });
}

int32_t tiller_session_capture(const tiller_session *session, int32_t layer, const float **data, int32_t *n_tokens) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(data && n_tokens, "data and n_tokens must not be null");
        const Session &s = session_of(session);
        const std::vector<float> *buf = s.captured(layer);
        if (!buf) fail(TILLER_ERR_INVALID_ARGUMENT, "layer %d is not being captured", layer);
        *n_tokens = static_cast<int32_t>(s.captured_tokens());
        *data = s.captured_tokens() > 0 ? buf->data() : nullptr;
    });
}

int32_t tiller_session_set_control(tiller_session *session, const float *data, int64_t len, int32_t n_embd,
                                   int32_t il_start, int32_t il_end) {
    return guarded([&] { session_of(session).set_control(data, len, n_embd, il_start, il_end); });
}

int32_t tiller_cvec_load(const char *path, tiller_cvec **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(path && out, "path and out must not be null");
        *out = nullptr;
        auto c = std::make_unique<tiller_cvec>();
        c->file = std::make_unique<ControlVectorFile>(path);
        *out = c.release();
    });
}

int32_t tiller_cvec_free(tiller_cvec *cvec) {
    return guarded([&] { delete cvec; });
}

int32_t tiller_cvec_info(const tiller_cvec *cvec, int32_t *n_embd, int32_t *max_layer) {
    return guarded([&] {
        const ControlVectorFile &f = cvec_of(cvec);
        if (n_embd) *n_embd = static_cast<int32_t>(f.n_embd());
        if (max_layer) *max_layer = static_cast<int32_t>(f.max_layer());
    });
}

int32_t tiller_cvec_direction(const tiller_cvec *cvec, int32_t layer, const float **data) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(data, "data must not be null");
        *data = cvec_of(cvec).direction(layer);
    });
}

int32_t tiller_cvec_save(const char *path, const float *data, int64_t len, int32_t n_embd, const char *model_hint) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(path && data && n_embd > 0 && len > 0 && len % n_embd == 0,
                           "a control vector needs n_embd > 0 and a whole number of layers");
        const int64_t layers = len / n_embd;
        GgufWriter w;
        w.set_string("general.architecture", "controlvector");
        w.set_string("controlvector.model_hint", model_hint ? model_hint : "");
        w.set_u32("controlvector.layer_count", static_cast<uint32_t>(layers));
        for (int64_t il = 1; il <= layers; ++il) w.add_tensor("direction." + std::to_string(il), GGML_F32, {n_embd});
        w.write(path, [&](size_t i, uint8_t *dst) { std::memcpy(dst, data + i * n_embd, static_cast<size_t>(n_embd) * 4); });
    });
}

}  // extern "C"
