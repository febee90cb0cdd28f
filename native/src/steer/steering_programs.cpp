#include "steer/steering_programs.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "kernels/dot.h"

namespace tiller {

void SteeringPrograms::check_layer(int64_t layer, int64_t pos_from) const {
    TILLER_REQUIRE_ARG(layer >= 0 && layer < n_layer_, "steering layer %lld is out of range [0, %lld)", (long long)layer,
                       (long long)n_layer_);
    TILLER_REQUIRE_ARG(pos_from >= 0, "steering start position must be >= 0");
}

void SteeringPrograms::add_dense(int64_t layer, const float *v, int64_t n, float strength, int64_t pos_from) {
    check_layer(layer, pos_from);
    TILLER_REQUIRE_ARG(v && n == n_embd_, "a dense steering vector needs %lld values, got %lld", (long long)n_embd_, (long long)n);
    TILLER_REQUIRE_ARG(std::isfinite(strength), "steering strength must be finite");
    Program p{layer, pos_from, std::vector<float>(n), nullptr, {}, {}, 0, false};
    for (int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i])) fail(TILLER_ERR_INVALID_ARGUMENT, "steering vector holds NaN or infinity at %lld", (long long)i);
        p.dense[i] = strength * v[i];
    }
    programs_.push_back(std::move(p));
}

void SteeringPrograms::add_sas(std::shared_ptr<const Sae> sae, int64_t layer, const int32_t *idx, const float *vals, int64_t k,
                               float lambda, bool jump_sigma, int64_t pos_from) {
    TILLER_REQUIRE_ARG(sae != nullptr, "SAE is null");
    check_layer(layer, pos_from);
    TILLER_REQUIRE_ARG(sae->d_model() == n_embd_, "the SAE reads %lld dimensions but the model has %lld",
                       (long long)sae->d_model(), (long long)n_embd_);
    TILLER_REQUIRE_ARG(k >= 0 && (k == 0 || (idx && vals)), "a SAS vector needs k >= 0 indices and values");
    TILLER_REQUIRE_ARG(std::isfinite(lambda), "steering strength must be finite");
    Program p{layer, pos_from, {}, std::move(sae), std::vector<int32_t>(idx, idx + k), std::vector<float>(vals, vals + k),
              lambda, jump_sigma};
    for (int64_t i = 0; i < k; ++i) {
        TILLER_REQUIRE_ARG(p.idx[i] >= 0 && p.idx[i] < p.sae->d_sae(), "SAS feature %d is out of range [0, %lld)", p.idx[i],
                           (long long)p.sae->d_sae());
        if (!std::isfinite(p.vals[i])) fail(TILLER_ERR_INVALID_ARGUMENT, "SAS value of feature %d is NaN or infinite", p.idx[i]);
    }
    programs_.push_back(std::move(p));
}

bool SteeringPrograms::wants(Point point, int64_t layer) const {
    return point == Point::resid_post &&
           std::any_of(programs_.begin(), programs_.end(), [&](const Program &p) { return p.layer == layer; });
}

void SteeringPrograms::run(const Site &site) {
    struct Timer {  // adds the elapsed time however the loop ends
        double &total;
        std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
        ~Timer() { total += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count(); }
    } timer{elapsed_ns_};
    for (const Program &p : programs_) {
        if (p.layer != site.layer) continue;
        for (int64_t i = 0; i < site.n_tokens; ++i) {
            if (site.pos0 + i < p.pos_from) continue;
            float *xi = site.rows + i * site.width;
            if (p.sae == nullptr) {
                for (int64_t j = 0; j < site.width; ++j) xi[j] += p.dense[j];
            } else {
                sas_row(p, xi);
            }
        }
    }
}

void SteeringPrograms::sas_row(const Program &p, float *x) {
    const Sae &sae = *p.sae;
    delta_.resize(p.idx.size());
    xn_.resize(static_cast<size_t>(n_embd_));
    const float back = sae.normalize(x, xn_.data());
    for (size_t k = 0; k < p.idx.size(); ++k) {
        const int32_t c = p.idx[k];
        const float f = sae.activate(c, sae.pre_activation(c, xn_.data()));
        const float z = f + p.lambda * p.vals[k];
        const float s = p.jump_sigma ? (z > sae.threshold(c) ? z : 0.0f) : (z > 0.0f ? z : 0.0f);
        delta_[k] = (s - f) * back;
    }
    for (size_t k = 0; k < p.idx.size(); ++k)
        if (delta_[k] != 0.0f) axpy_f32(delta_[k], sae.decoder_row(p.idx[k]), x, n_embd_);
}

}  // namespace tiller
