#include "runtime/capture_tap.h"

#include <cstring>

#include "core/error.h"

namespace tiller {

int64_t CaptureTap::width(Point point, int64_t layer) const {
    switch (point) {
        case Point::resid_post: return hp_.n_embd;
        case Point::attn_q: return hp_.layers[layer].n_head * hp_.head_dim;
        case Point::attn_k: return hp_.layers[layer].n_head_kv * hp_.head_dim;
    }
    return 0;
}

void CaptureTap::set_layers(Point point, const std::vector<int32_t> &layers) {
    for (int32_t l : layers)
        TILLER_REQUIRE_ARG(l >= 0 && l < hp_.n_layer, "capture layer %d is out of range [0, %lld)", l, (long long)hp_.n_layer);
    std::erase_if(rows_, [&](const auto &entry) { return entry.first.first == point; });
    for (int32_t l : layers) rows_[{point, l}];
    tokens_ = 0;
}

void CaptureTap::begin(int64_t n) {
    for (auto &[key, buf] : rows_) buf.resize(static_cast<size_t>(n * width(key.first, key.second)));
    tokens_ = n;
}

const std::vector<float> *CaptureTap::captured(Point point, int32_t layer) const {
    auto it = rows_.find({point, layer});
    return it == rows_.end() ? nullptr : &it->second;
}

void CaptureTap::run(const Site &site) {
    std::vector<float> &buf = rows_.at({site.point, static_cast<int32_t>(site.layer)});
    std::memcpy(buf.data() + site.row0 * site.width, site.rows, site.n_tokens * site.width * sizeof(float));
}

}  // namespace tiller
