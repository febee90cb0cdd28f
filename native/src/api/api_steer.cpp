// C ABI: steering (control vectors and their files, steering programs) and the residual hook.
#include <cstring>
#include <string>

#include "api/handles.h"
#include "core/error.h"
#include "gguf/ggml_type.h"
#include "gguf/gguf_writer.h"

using namespace tiller;

namespace {
const ControlVectorFile &cvec_of(const tiller_cvec *c) {
    if (!c || !c->file) fail(TILLER_ERR_INVALID_ARGUMENT, "control vector handle is null");
    return *c->file;
}
}  // namespace

extern "C" {

int32_t tiller_session_set_control(tiller_session *session, const float *data, int64_t len, int32_t n_embd,
                                   int32_t il_start, int32_t il_end) {
    return guarded([&] { session_of(session).control().set(data, len, n_embd, il_start, il_end); });
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

int32_t tiller_session_steer_dense(tiller_session *session, int32_t layer, const float *v, int64_t n, float strength,
                                   int32_t pos_from) {
    return guarded([&] { session_of(session).steering().add_dense(layer, v, n, strength, pos_from); });
}

int32_t tiller_session_steer_sas(tiller_session *session, const tiller_sae *sae, int32_t layer, const int32_t *idx,
                                 const float *vals, int32_t k, float lambda, int32_t jump_sigma, int32_t pos_from) {
    return guarded([&] {
        session_of(session).steering().add_sas(sae ? sae->sae : nullptr, layer, idx, vals, k, lambda, jump_sigma != 0, pos_from);
    });
}

int32_t tiller_session_steering_time(const tiller_session *session, double *ms) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(ms, "ms must not be null");
        *ms = session_of(session).steering().elapsed_ms();
    });
}

int32_t tiller_session_clear_steering(tiller_session *session) {
    return guarded([&] { session_of(session).steering().clear(); });
}

int32_t tiller_session_set_hook(tiller_session *session, tiller_residual_hook hook, void *user) {
    return guarded([&] { session_of(session).hook().set(hook, user); });
}

}  // extern "C"
