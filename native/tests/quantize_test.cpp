// Quantizers are the inverse of the dequantizers: the round trip error of each type stays within
// its step size, and exactly representable blocks come back exactly.
#include <cmath>
#include <random>
#include <vector>

#include "gguf/ggml_type.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"
#include "test.h"

using namespace tiller;

namespace {
double rel_rms_error(int32_t type, const std::vector<float> &x) {
    const TypeTraits &t = type_traits(type);
    std::vector<uint8_t> q(x.size() / t.block_elems * t.block_bytes);
    quantize_row(type, x.data(), q.data(), static_cast<int64_t>(x.size()));
    std::vector<float> y(x.size());
    dequantize_row(type, q.data(), y.data(), static_cast<int64_t>(x.size()));
    double num = 0, den = 0;
    for (size_t i = 0; i < x.size(); ++i) num += (x[i] - y[i]) * double(x[i] - y[i]), den += x[i] * double(x[i]);
    return std::sqrt(num / den);
}
}  // namespace

TEST(round_trip_error_per_type) {
    std::mt19937 rng(42);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> x(256 * 16);
    for (auto &v : x) v = nd(rng);
    struct { int32_t type; double bound; } cases[] = {
        {GGML_F32, 0.0}, {GGML_F16, 1e-3}, {GGML_BF16, 5e-3}, {GGML_Q8_0, 0.01}, {GGML_Q5_0, 0.05}, {GGML_Q5_1, 0.05},
        {GGML_Q4_0, 0.12}, {GGML_Q4_1, 0.11}, {GGML_Q6_K, 0.04}, {GGML_Q5_K, 0.06}, {GGML_Q4_K, 0.12},
    };
    for (auto c : cases) {
        double e = rel_rms_error(c.type, x);
        if (!(e <= c.bound)) std::fprintf(stderr, "  %s: relative RMS error %.4f > %.4f\n", type_name(c.type), e, c.bound);
        CHECK(e <= c.bound);
    }
}

TEST(exact_grid_values_survive) {
    // Integers in [-8, 7] scaled by 0.5 are exactly representable in Q4_0 (d = -max/8).
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j) x[j] = ((j % 16) - 8) * 0.5f;
    std::vector<uint8_t> q(18);
    quantize_row(GGML_Q4_0, x.data(), q.data(), 32);
    std::vector<float> y(32);
    dequantize_row(GGML_Q4_0, q.data(), y.data(), 32);
    for (int j = 0; j < 32; ++j) CHECK(y[j] == x[j]);
}
