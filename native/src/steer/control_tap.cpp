#include "steer/control_tap.h"

#include <cmath>
#include <cstring>

#include "core/error.h"

namespace tiller {

void ControlTap::set(const float *data, int64_t len, int64_t n_embd, int64_t il_start, int64_t il_end) {
    if (!data) {
        directions_.clear();
        on_.assign(n_layer_, false);
        return;
    }
    TILLER_REQUIRE_ARG(n_embd == n_embd_, "control vector has n_embd %lld but the model has %lld", (long long)n_embd,
                       (long long)n_embd_);
    TILLER_REQUIRE_ARG(len >= 0 && len % n_embd == 0, "control vector length %lld is not a multiple of n_embd %lld",
                       (long long)len, (long long)n_embd);
    for (int64_t i = 0; i < len; ++i)
        if (!std::isfinite(data[i]))
            fail(TILLER_ERR_INVALID_ARGUMENT, "control vector holds NaN or infinity at layer %lld, element %lld",
                 (long long)(i / n_embd + 1), (long long)(i % n_embd));
    directions_.assign(static_cast<size_t>(n_layer_ * n_embd), 0.0f);
    on_.assign(n_layer_, false);
    for (int64_t il = 1; il < n_layer_; ++il) {
        const int64_t off = (il - 1) * n_embd;
        if (off + n_embd > len) break;
        std::memcpy(&directions_[il * n_embd], data + off, n_embd * sizeof(float));
        on_[il] = il >= il_start && il <= il_end;
    }
}

void ControlTap::run(const Site &site) {
    const float *cv = &directions_[site.layer * n_embd_];
    for (int64_t i = 0; i < site.n_tokens; ++i) {
        float *xi = site.rows + i * site.width;
        for (int64_t j = 0; j < site.width; ++j) xi[j] += cv[j];
    }
}

}  // namespace tiller
