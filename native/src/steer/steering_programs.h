// Steering programs at resid_post(layer), for tokens at positions >= pos_from, applied in the
// order added. Dense: x += strength * v. Sparse Activation Steering (steering-sas.md), the exact
// cheap form over the vector's K features of an SAE:
//   x += sum_c (sigma(f_c(x) + lambda * v_c) - f_c(x)) * W_dec[c],  sigma = ReLU or JumpReLU,
// every f_c read from the same x, mapped back from the SAE's normalized input space.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/tap.h"
#include "sae/sae.h"

namespace tiller {

class SteeringPrograms : public Tap {
public:
    SteeringPrograms(int64_t n_layer, int64_t n_embd) : n_layer_(n_layer), n_embd_(n_embd) {}

    void add_dense(int64_t layer, const float *v, int64_t n, float strength, int64_t pos_from);
    void add_sas(std::shared_ptr<const Sae> sae, int64_t layer, const int32_t *idx, const float *vals, int64_t k,
                 float lambda, bool jump_sigma, int64_t pos_from);
    void clear() { programs_.clear(); }
    // Wall time spent running programs so far (what steering costs).
    double elapsed_ms() const { return elapsed_ns_ / 1e6; }

    bool wants(Point point, int64_t layer) const override;
    void run(const Site &site) override;

private:
    struct Program {
        int64_t layer, pos_from;
        std::vector<float> dense;  // scaled; empty for SAS
        std::shared_ptr<const Sae> sae;
        std::vector<int32_t> idx;
        std::vector<float> vals;
        float lambda = 0;
        bool jump_sigma = false;
    };
    void check_layer(int64_t layer, int64_t pos_from) const;
    void sas_row(const Program &p, float *x);

    int64_t n_layer_, n_embd_;
    std::vector<Program> programs_;
    std::vector<float> delta_, xn_;
    double elapsed_ns_ = 0;
};

}  // namespace tiller
