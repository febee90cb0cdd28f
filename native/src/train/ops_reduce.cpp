#include <cmath>
#include <limits>

#include <cstring>

#include "core/error.h"
#include "kernels/elementwise.h"
#include "train/ops.h"

namespace tiller::train {

Id reduce(Graph &g, Reduce op, Id ix, int axis, bool keepdim) {
    const Tensor &x = g.get(ix);
    int64_t outer = 1, m = x.n, inner = 1;
    std::vector<int64_t> shape;
    if (axis == kAllAxes) {
        shape = keepdim ? std::vector<int64_t>(x.shape.size(), 1) : std::vector<int64_t>{1};
    } else {
        const int a = axis_of(axis, x.rank(), "reduce");
        for (int i = 0; i < a; ++i) outer *= x.shape[static_cast<size_t>(i)];
        m = x.shape[static_cast<size_t>(a)];
        inner = x.n / outer / m;
        for (int i = 0; i < x.rank(); ++i)
            if (i != a) shape.push_back(x.shape[static_cast<size_t>(i)]);
            else if (keepdim) shape.push_back(1);
        if (shape.empty()) shape.push_back(1);
    }
    // Max routes the gradient to the first maximal element of each reduced run.
    auto argmax = std::make_shared<std::vector<int64_t>>();
    Id io = g.emit(shape, {ix}, [ix, op, outer, m, inner, argmax](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t j = 0; j < inner; ++j) {
                const float d = gy[o * inner + j];
                if (op == Reduce::Max) {
                    gx[(*argmax)[static_cast<size_t>(o * inner + j)]] += d;
                    continue;
                }
                const float v = op == Reduce::Mean ? d / static_cast<float>(m) : d;
                for (int64_t i = 0; i < m; ++i) gx[(o * m + i) * inner + j] += v;
            }
    });
    const float *xd = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    if (op == Reduce::Max) argmax->resize(static_cast<size_t>(outer * inner));
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t j = 0; j < inner; ++j) {
            if (op == Reduce::Max) {
                int64_t best = (o * m) * inner + j;
                for (int64_t i = 1; i < m; ++i) {
                    const int64_t at = (o * m + i) * inner + j;
                    if (xd[at] > xd[best]) best = at;
                }
                y[o * inner + j] = xd[best];
                (*argmax)[static_cast<size_t>(o * inner + j)] = best;
                continue;
            }
            double s = 0;
            for (int64_t i = 0; i < m; ++i) s += xd[(o * m + i) * inner + j];
            y[o * inner + j] = static_cast<float>(op == Reduce::Mean ? s / static_cast<double>(m) : s);
        }
    return io;
}

namespace {
// y = softmax (the inference kernel, in place on a copy) or log-softmax of one row.
void softmax_row(const float *x, float *y, int64_t n, bool log) {
    if (!log) {
        std::memcpy(y, x, static_cast<size_t>(n) * sizeof(float));
        tiller::softmax(y, n);
        return;
    }
    float mx = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, x[i]);
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += std::exp(static_cast<double>(x[i] - mx));
    const float lse = mx + static_cast<float>(std::log(s));
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] - lse;
}
}  // namespace

void softmax_backward_row(const float *y, const float *gy, float *gx, int64_t n, float scale) {
    double dot = 0;
    for (int64_t i = 0; i < n; ++i) dot += gy[i] * y[i];
    for (int64_t i = 0; i < n; ++i) gx[i] += scale * y[i] * (gy[i] - static_cast<float>(dot));
}

Id softmax(Graph &g, Id ix, bool log) {
    const Tensor &x = g.get(ix);
    const int64_t n = x.dim(-1), rows = x.n / n;
    Id io = g.emit(x.shape, {ix}, [ix, n, rows, log](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const Tensor &y = g.get(io);
        parallel(g, rows, n, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const float *yr = y.data.data() + r * n, *gr = y.grad.data() + r * n;
                float *xr = gx + r * n;
                if (!log) {
                    softmax_backward_row(yr, gr, xr, n, 1.0f);
                    continue;
                }
                double s = 0;  // dx = dy - softmax * sum(dy)
                for (int64_t i = 0; i < n; ++i) s += gr[i];
                for (int64_t i = 0; i < n; ++i) xr[i] += gr[i] - std::exp(yr[i]) * static_cast<float>(s);
            }
        });
    });
    const float *xd = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    parallel(g, rows, n * 4, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) softmax_row(xd + r * n, y + r * n, n, log);
    });
    return io;
}

}  // namespace tiller::train
