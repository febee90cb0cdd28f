// C ABI: sparse autoencoders (encode and decode; steering with them is in api_steer.cpp).
#include "api/handles.h"
#include "core/error.h"

using namespace tiller;

namespace {
const Sae &sae_of(const tiller_sae *s) {
    if (!s || !s->sae) fail(TILLER_ERR_INVALID_ARGUMENT, "SAE handle is null");
    return *s->sae;
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

}  // extern "C"
