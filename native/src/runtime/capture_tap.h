// Residual capture: records resid_post(L) of the chosen layers for every token of an evaluate.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "runtime/tap.h"

namespace tiller {

class CaptureTap : public Tap {
public:
    CaptureTap(int64_t n_layer, int64_t n_embd) : n_layer_(n_layer), n_embd_(n_embd) {}

    void set_layers(const std::vector<int32_t> &layers);
    // Sizes the buffers for an evaluate of n tokens.
    void begin(int64_t n);
    void clear() { tokens_ = 0; }
    // nullptr when the layer is not captured.
    const std::vector<float> *captured(int32_t layer) const;
    int64_t tokens() const { return tokens_; }

    bool wants(Point point, int64_t layer) const override {
        return point == Point::resid_post && rows_.count(static_cast<int32_t>(layer)) > 0;
    }
    void run(const Site &site) override;

private:
    int64_t n_layer_, n_embd_;
    std::map<int32_t, std::vector<float>> rows_;
    int64_t tokens_ = 0;
};

}  // namespace tiller
