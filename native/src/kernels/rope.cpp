#include "kernels/rope.h"

#include <cmath>
#include <vector>

namespace tiller {

void rope_neox(float *x, int64_t n_heads, int64_t head_dim, int64_t pos, float freq_base, float freq_scale) {
    const int64_t half = head_dim / 2;
    // theta_i = pos * scale * base^(-2i/d), accumulated in float as ggml's rope cache does.
    const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(head_dim));
    thread_local std::vector<float> cs;
    cs.resize(static_cast<size_t>(head_dim));
    float theta = static_cast<float>(pos);
    for (int64_t i = 0; i < half; ++i) {
        const float t = freq_scale * theta;
        cs[2 * i] = std::cos(t);
        cs[2 * i + 1] = std::sin(t);
        theta *= theta_scale;
    }
    for (int64_t h = 0; h < n_heads; ++h) {
        float *v = x + h * head_dim;
        for (int64_t i = 0; i < half; ++i) {
            const float c = cs[2 * i], s = cs[2 * i + 1];
            const float a = v[i], b = v[i + half];
            v[i] = a * c - b * s;
            v[i + half] = a * s + b * c;
        }
    }
}

}  // namespace tiller
