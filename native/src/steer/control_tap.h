// A control vector as llama.cpp applies it (llama_apply_adapter_cvec, build_cvec): the direction
// of layer L is added to every row of resid_post(L) for L in [il_start, il_end]; layer 0 is
// never steered.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/tap.h"

namespace tiller {

class ControlTap : public Tap {
public:
    ControlTap(int64_t n_layer, int64_t n_embd) : n_layer_(n_layer), n_embd_(n_embd), on_(n_layer, false) {}

    // data holds n_embd floats per layer from layer 1 (len = n_embd * k); nullptr clears.
    void set(const float *data, int64_t len, int64_t n_embd, int64_t il_start, int64_t il_end);

    bool wants(Point point, int64_t layer) const override { return point == Point::resid_post && on_[layer]; }
    void run(const Site &site) override;

private:
    int64_t n_layer_, n_embd_;
    std::vector<float> directions_;  // n_layer x n_embd
    std::vector<bool> on_;           // per layer
};

}  // namespace tiller
