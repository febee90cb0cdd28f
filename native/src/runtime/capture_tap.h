// Capture: records the rows of chosen (point, layer) pairs (runtime/tap.h: resid_post, attn_q,
// attn_k) for every token of an evaluate.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "model/hparams.h"
#include "runtime/tap.h"

namespace tiller {

class CaptureTap : public Tap {
public:
    explicit CaptureTap(const HParams &hp) : hp_(hp) {}

    // The layers captured at a point (the other points keep theirs).
    void set_layers(Point point, const std::vector<int32_t> &layers);
    // Sizes the buffers for an evaluate of n tokens.
    void begin(int64_t n);
    void clear() { tokens_ = 0; }
    // nullptr when the layer is not captured at the point.
    const std::vector<float> *captured(Point point, int32_t layer) const;
    int64_t tokens() const { return tokens_; }
    // Floats per row at a point of a layer.
    int64_t width(Point point, int64_t layer) const;

    bool wants(Point point, int64_t layer) const override {
        return rows_.count({point, static_cast<int32_t>(layer)}) > 0;
    }
    void run(const Site &site) override;

private:
    const HParams &hp_;
    std::map<std::pair<Point, int32_t>, std::vector<float>> rows_;
    int64_t tokens_ = 0;
};

}  // namespace tiller
