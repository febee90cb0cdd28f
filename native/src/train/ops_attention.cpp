// The pieces of Gemma-style causal self-attention that are not matmuls: NEOX rotary position
// embedding and the masked softmax. The block itself is composed in Java (java/train).
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "kernels/elementwise.h"
#include "train/ops.h"

namespace tiller::train {

namespace {
// cos/sin tables [T, D/2]: theta = (pos0 + t) * base^(-2i / D), as llama.cpp's NEOX rope.
void rope_tables(int64_t t_len, int64_t d, float base, int64_t pos0, std::vector<float> &cs, std::vector<float> &sn) {
    const int64_t h = d / 2;
    cs.resize(static_cast<size_t>(t_len * h));
    sn.resize(cs.size());
    for (int64_t t = 0; t < t_len; ++t)
        for (int64_t i = 0; i < h; ++i) {
            const double theta = static_cast<double>(pos0 + t) * std::pow(static_cast<double>(base), -2.0 * static_cast<double>(i) / static_cast<double>(d));
            cs[static_cast<size_t>(t * h + i)] = static_cast<float>(std::cos(theta));
            sn[static_cast<size_t>(t * h + i)] = static_cast<float>(std::sin(theta));
        }
}

// Rotates the pairs (i, i + D/2) of every row by +theta (dir 1) or -theta (dir -1).
void rotate(const float *x, float *y, int64_t rows, int64_t t_len, int64_t d, const std::vector<float> &cs, const std::vector<float> &sn,
            float dir, bool accumulate) {
    const int64_t h = d / 2;
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t t = r % t_len;
        const float *xr = x + r * d;
        float *yr = y + r * d;
        for (int64_t i = 0; i < h; ++i) {
            const float c = cs[static_cast<size_t>(t * h + i)], s = dir * sn[static_cast<size_t>(t * h + i)];
            const float a = xr[i] * c - xr[i + h] * s, b = xr[i] * s + xr[i + h] * c;
            yr[i] = accumulate ? yr[i] + a : a;
            yr[i + h] = accumulate ? yr[i + h] + b : b;
        }
    }
}
}  // namespace

Id rope(Graph &g, Id ix, float base, int64_t pos0) {
    const Tensor &x = g.get(ix);
    if (x.rank() < 2 || x.dim(-1) % 2 != 0 || !(base > 0) || pos0 < 0)
        fail(TILLER_ERR_INVALID_ARGUMENT, "rope: input %s must be [..., T, D] with D even, base > 0, pos0 >= 0", shape_str(x.shape).c_str());
    const int64_t t_len = x.dim(-2), d = x.dim(-1), rows = x.n / d;
    auto cs = std::make_shared<std::vector<float>>(), sn = std::make_shared<std::vector<float>>();
    rope_tables(t_len, d, base, pos0, *cs, *sn);
    Id io = g.emit(x.shape, {ix}, [ix, cs, sn, rows, t_len, d](Graph &g, Id io) {
        rotate(g.get(io).grad.data(), g.grad_of(ix), rows, t_len, d, *cs, *sn, -1.0f, true);
    });
    rotate(g.get(ix).data.data(), g.get(io).data.data(), rows, t_len, d, *cs, *sn, 1.0f, false);
    return io;
}

Id causal_softmax(Graph &g, Id is, float scale, int64_t window) {
    const Tensor &s = g.get(is);
    if (s.rank() < 2 || s.dim(-1) != s.dim(-2))
        fail(TILLER_ERR_INVALID_ARGUMENT, "causal_softmax: scores %s must be [..., T, T]", shape_str(s.shape).c_str());
    if (window < 0) fail(TILLER_ERR_INVALID_ARGUMENT, "causal_softmax: window %lld is negative", (long long)window);
    const int64_t t_len = s.dim(-1), rows = s.n / t_len;
    // Row r (query t = r % T) sees keys lo..t: all earlier ones, or the last `window` (a sliding layer).
    auto first = [t_len, window](int64_t r) { return window > 0 ? std::max<int64_t>(0, r % t_len - window + 1) : 0; };
    Id io = g.emit(s.shape, {is}, [is, t_len, rows, scale, first](Graph &g, Id io) {
        float *gs = g.grad_of(is);
        const Tensor &y = g.get(io);
        parallel(g, rows, t_len, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t lo = first(r), at = r * t_len + lo;
                softmax_backward_row(y.data.data() + at, y.grad.data() + at, gs + at, r % t_len + 1 - lo, scale);
            }
        });
    });
    const float *sd = g.get(is).data.data();
    float *y = g.get(io).data.data();
    parallel(g, rows, t_len * 4, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t lo = first(r), hi = r % t_len;
            const float *sr = sd + r * t_len;
            float *yr = y + r * t_len;
            for (int64_t j = 0; j < lo; ++j) yr[j] = 0.0f;
            for (int64_t j = lo; j <= hi; ++j) yr[j] = scale * sr[j];
            tiller::softmax(yr + lo, hi - lo + 1);  // the inference kernel, over the unmasked keys
            for (int64_t j = hi + 1; j < t_len; ++j) yr[j] = 0.0f;
        }
    });
    return io;
}

}  // namespace tiller::train
