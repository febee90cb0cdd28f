// C ABI: sparse autoencoders and steering programs.
#include "api/handles.h"
#include "core/error.h"

using namespace tiller;

namespace {
const Sae &sae_of(const tiller_sae *s) {
    if (!s || !s->sae) fail(TILLER_ERR_INVALID_ARGUMENT, "SAE handle is null");
    return *s->sae;
}
Session &session_ref(tiller_session *s) {
    if (!s || !s->session) fail(TILLER_ERR_INVALID_ARGUMENT, "session handle is null");
    return *s->session;
}
}  // namespace

extern "C" {

int32_t tiller_sae_load(const char *path, tiller_sae **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(path && out, "path and out must not be null");
        *out = nullptr;
        auto s = std::make_unique<tiller_sae>();
        s->sae = std::make_shared<const Sae>(path);
        *out = s.release();
    });
}

int32_t tiller_sae_free(tiller_sae *sae) {
    return guarded([&] { delete sae; });
}

int32_t tiller_sae_info(const tiller_sae *sae, int64_t *d_model, int64_t *d_sae, int32_t *arch) {
    return guarded([&] {
        const Sae &s = sae_of(sae);
        if (d_model) *d_model = s.d_model();
        if (d_sae) *d_sae = s.d_sae();
        if (arch) *arch = static_cast<int32_t>(s.arch());
    });
}

int32_t tiller_sae_encode(const tiller_sae *sae, const float *x, int64_t n, float *f) {
    return guarded([&] {
        const Sae &s = sae_of(sae);
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || (x && f)), "x and f must hold n >= 0 rows");
        s.encode(x, n, f);
    });
}

int32_t tiller_sae_decode(const tiller_sae *sae, const float *f, int64_t n, float *x) {
    return guarded([&] {
        const Sae &s = sae_of(sae);
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || (x && f)), "x and f must hold n >= 0 rows");
        s.decode(f, n, x);
    });
}

int32_t tiller_session_steer_dense(tiller_session *session, int32_t layer, const float *v, int64_t n, float strength,
                                   int32_t pos_from) {
    return guarded([&] { session_ref(session).add_dense_steering(layer, v, n, strength, pos_from); });
}

int32_t tiller_session_steer_sas(tiller_session *session, const tiller_sae *sae, int32_t layer, const int32_t *idx,
                                 const float *vals, int32_t k, float lambda, int32_t jump_sigma, int32_t pos_from) {
    return guarded([&] {
        session_ref(session).add_sas_steering(sae ? sae->sae : nullptr, layer, idx, vals, k, lambda, jump_sigma != 0, pos_from);
    });
}

int32_t tiller_session_steering_time(const tiller_session *session, double *ms) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(session && session->session && ms, "session and ms must not be null");
        *ms = session->session->steering_ms();
    });
}

int32_t tiller_session_clear_steering(tiller_session *session) {
    return guarded([&] { session_ref(session).clear_steering(); });
}

int32_t tiller_session_set_hook(tiller_session *session, tiller_residual_hook hook, void *user) {
    return guarded([&] { session_ref(session).set_hook(hook, user); });
}

}  // extern "C"
