#include <cmath>
#include <memory>

#include "core/error.h"
#include "train/ops.h"

namespace tiller::train {

namespace {
// Shared by both norms: xhat = (x - mu) * r per row; y = xhat * w (+ b).
// Backward: dw += sum dy * xhat, db += sum dy, dx = r * (dxhat - [mean dxhat] - xhat * mean(dxhat * xhat)).
Id norm(Graph &g, Id ix, Id iw, Id ib, float eps, bool center, const char *name) {
    const Tensor &x = g.get(ix), &w = g.get(iw);
    const int64_t d = x.dim(-1), rows = x.n / d;
    if (w.n != d) fail(TILLER_ERR_INVALID_ARGUMENT, "%s: weight %s does not match the last axis of %s", name, shape_str(w.shape).c_str(), shape_str(x.shape).c_str());
    if (ib != kNone && g.get(ib).n != d) fail(TILLER_ERR_INVALID_ARGUMENT, "%s: bias does not match the last axis of %s", name, shape_str(x.shape).c_str());
    if (!(eps >= 0)) fail(TILLER_ERR_INVALID_ARGUMENT, "%s: eps must be >= 0", name);
    auto xhat = std::make_shared<std::vector<float>>(static_cast<size_t>(x.n));
    auto rs = std::make_shared<std::vector<float>>(static_cast<size_t>(rows));
    std::vector<Id> inputs{ix, iw};
    if (ib != kNone) inputs.push_back(ib);
    Id io = g.emit(x.shape, inputs, [ix, iw, ib, d, rows, center, xhat, rs](Graph &g, Id io) {
        float *gx = g.grad_of(ix), *gw = g.grad_of(iw), *gb = ib != kNone ? g.grad_of(ib) : nullptr;
        const float *w = g.get(iw).data.data(), *gy = g.get(io).grad.data();
        for (int64_t r = 0; r < rows; ++r) {
            const float *xh = xhat->data() + r * d, *dy = gy + r * d;
            if (gw)
                for (int64_t i = 0; i < d; ++i) gw[i] += dy[i] * xh[i];
            if (gb)
                for (int64_t i = 0; i < d; ++i) gb[i] += dy[i];
            if (!gx) continue;
            double m1 = 0, m2 = 0;
            for (int64_t i = 0; i < d; ++i) {
                const double dxh = double(dy[i]) * w[i];
                m1 += dxh;
                m2 += dxh * xh[i];
            }
            m1 = center ? m1 / double(d) : 0.0;
            m2 /= double(d);
            const float rr = (*rs)[static_cast<size_t>(r)];
            for (int64_t i = 0; i < d; ++i) gx[r * d + i] += rr * static_cast<float>(dy[i] * w[i] - m1 - xh[i] * m2);
        }
    });
    const float *xd = g.get(ix).data.data(), *wd = g.get(iw).data.data(), *bd = ib != kNone ? g.get(ib).data.data() : nullptr;
    float *y = g.get(io).data.data();
    parallel(g, rows, d * 4, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float *xr = xd + r * d;
            double mu = 0, ss = 0;
            if (center) {
                for (int64_t i = 0; i < d; ++i) mu += xr[i];
                mu /= double(d);
            }
            for (int64_t i = 0; i < d; ++i) ss += (xr[i] - mu) * (xr[i] - mu);
            const float rr = static_cast<float>(1.0 / std::sqrt(ss / double(d) + eps));
            (*rs)[static_cast<size_t>(r)] = rr;
            float *xh = xhat->data() + r * d;
            for (int64_t i = 0; i < d; ++i) {
                xh[i] = static_cast<float>(xr[i] - mu) * rr;
                y[r * d + i] = xh[i] * wd[i] + (bd ? bd[i] : 0.0f);
            }
        }
    });
    return io;
}
}  // namespace

Id rms_norm(Graph &g, Id x, Id w, float eps) { return norm(g, x, w, kNone, eps, false, "rms_norm"); }

Id layer_norm(Graph &g, Id x, Id w, Id b, float eps) { return norm(g, x, w, b, eps, true, "layer_norm"); }

}  // namespace tiller::train
