// C ABI: sessions (evaluation, outputs, capture).
#include <vector>

#include "api/handles.h"
#include "core/error.h"
#include "kernels/elementwise.h"

using namespace tiller;

extern "C" {

int32_t tiller_session_new_with_cache(tiller_model *model, int32_t n_ctx, int32_t n_threads, int32_t type_k,
                                      int32_t type_v, tiller_session **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(model && model->model && out, "model and out must not be null");
        TILLER_REQUIRE_ARG(n_threads <= 1024, "thread count %d is too large", n_threads);
        *out = nullptr;
        if (!model->model->problem().empty())
            fail(TILLER_ERR_FORMAT, "%s (opened for inspection only; it cannot run)", model->model->problem().c_str());
        auto s = std::make_unique<tiller_session>();
        s->session = std::make_unique<Session>(model->model, n_ctx, n_threads, KvTypes{type_k, type_v});
        *out = s.release();
    });
}

int32_t tiller_session_new(tiller_model *model, int32_t n_ctx, int32_t n_threads, tiller_session **out) {
    return tiller_session_new_with_cache(model, n_ctx, n_threads, GGML_F32, GGML_F32, out);
}

int32_t tiller_session_cache_types(const tiller_session *session, int32_t *type_k, int32_t *type_v) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(type_k && type_v, "type_k and type_v must not be null");
        const KvTypes t = session_of(session).cache_types();
        *type_k = t.k;
        *type_v = t.v;
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

namespace {
Point capture_point(int32_t point) {
    TILLER_REQUIRE_ARG(point >= TILLER_POINT_RESID_POST && point <= TILLER_POINT_ATTN_K,
                       "unknown capture point %d (0 resid_post, 1 attn_q, 2 attn_k)", point);
    return static_cast<Point>(point);
}
const char *point_name(Point p) {
    return p == Point::resid_post ? "resid_post" : p == Point::attn_q ? "attn_q" : "attn_k";
}
}  // namespace

int32_t tiller_session_set_capture(tiller_session *session, const int32_t *layers, int32_t n) {
    return tiller_session_set_capture_at(session, TILLER_POINT_RESID_POST, layers, n);
}

int32_t tiller_session_capture(const tiller_session *session, int32_t layer, const float **data, int32_t *n_tokens) {
    int32_t width = 0;
    return tiller_session_capture_at(session, TILLER_POINT_RESID_POST, layer, data, n_tokens, &width);
}

int32_t tiller_session_set_capture_at(tiller_session *session, int32_t point, const int32_t *layers, int32_t n) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || layers), "layers must hold n >= 0 entries");
        session_of(session).capture().set_layers(capture_point(point), std::vector<int32_t>(layers, layers + n));
    });
}

int32_t tiller_session_capture_at(const tiller_session *session, int32_t point, int32_t layer, const float **data,
                                  int32_t *n_tokens, int32_t *width) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(data && n_tokens && width, "data, n_tokens and width must not be null");
        const Session &s = session_of(session);
        const Point p = capture_point(point);
        const std::vector<float> *buf = s.capture().captured(p, layer);
        if (!buf) fail(TILLER_ERR_INVALID_ARGUMENT, "layer %d is not being captured at %s", layer, point_name(p));
        *n_tokens = static_cast<int32_t>(s.capture().tokens());
        *width = static_cast<int32_t>(s.capture().width(p, layer));
        *data = s.capture().tokens() > 0 ? buf->data() : nullptr;
    });
}

}  // extern "C"
