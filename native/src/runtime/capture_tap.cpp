#include "runtime/capture_tap.h"

#include <cstring>

#include "core/error.h"

namespace tiller {

void CaptureTap::set_layers(const std::vector<int32_t> &layers) {
    std::map<int32_t, std::vector<float>> next;
    for (int32_t l : layers) {
        TILLER_REQUIRE_ARG(l >= 0 && l < n_layer_, "capture layer %d is out of range [0, %lld)", l, (long long)n_layer_);
        next[l];
    }
    rows_ = std::move(next);
    tokens_ = 0;
}

void CaptureTap::begin(int64_t n) {
    for (auto &[layer, buf] : rows_) buf.resize(static_cast<size_t>(n * n_embd_));
    tokens_ = n;
}

const std::vector<float> *CaptureTap::captured(int32_t layer) const {
    auto it = rows_.find(layer);
    return it == rows_.end() ? nullptr : &it->second;
}

void CaptureTap::run(const Site &site) {
    std::vector<float> &buf = rows_.at(static_cast<int32_t>(site.layer));
    std::memcpy(buf.data() + site.row0 * site.width, site.rows, site.n_tokens * site.width * sizeof(float));
}

}  // namespace tiller
