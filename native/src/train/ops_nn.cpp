#include <cstring>
#include <limits>
#include <memory>

#include "core/error.h"
#include "core/splitmix.h"
#include "train/ops.h"
#include "train/sgemm.h"

namespace tiller::train {

// Inverted dropout: kept elements are scaled by 1 / (1 - p); the mask is a function of (seed, index).
Id dropout(Graph &g, Id ix, float p, uint64_t seed) {
    if (!(p >= 0.0f && p < 1.0f)) fail(TILLER_ERR_INVALID_ARGUMENT, "dropout: p = %g is not in [0, 1)", p);
    const int64_t n = g.get(ix).n;
    auto mask = std::make_shared<std::vector<float>>(static_cast<size_t>(n));
    const float keep = 1.0f / (1.0f - p);
    for (int64_t i = 0; i < n; ++i) {
        const double u = static_cast<double>(splitmix64(seed ^ splitmix64(static_cast<uint64_t>(i))) >> 11) * 0x1.0p-53;
        (*mask)[static_cast<size_t>(i)] = u >= p ? keep : 0.0f;
    }
    Id io = g.emit(g.get(ix).shape, {ix}, [ix, mask](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (size_t i = 0; i < mask->size(); ++i) gx[i] += gy[i] * (*mask)[i];
    });
    const float *x = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] * (*mask)[static_cast<size_t>(i)];
    return io;
}

namespace {
struct Conv {
    int64_t n, c, h, w, o, kh, kw, oh, ow, stride, pad;
    int64_t ckk() const { return c * kh * kw; }
    int64_t pix() const { return oh * ow; }
};

// cols [C*KH*KW, OH*OW] of one image (zero outside the padded border).
void im2col(const Conv &s, const float *x, float *cols) {
    for (int64_t ci = 0; ci < s.c; ++ci)
        for (int64_t ky = 0; ky < s.kh; ++ky)
            for (int64_t kx = 0; kx < s.kw; ++kx) {
                float *row = cols + ((ci * s.kh + ky) * s.kw + kx) * s.pix();
                for (int64_t y = 0; y < s.oh; ++y) {
                    const int64_t iy = y * s.stride - s.pad + ky;
                    for (int64_t xx = 0; xx < s.ow; ++xx) {
                        const int64_t ix = xx * s.stride - s.pad + kx;
                        row[y * s.ow + xx] = iy >= 0 && iy < s.h && ix >= 0 && ix < s.w ? x[(ci * s.h + iy) * s.w + ix] : 0.0f;
                    }
                }
            }
}

void col2im(const Conv &s, const float *cols, float *gx) {
    for (int64_t ci = 0; ci < s.c; ++ci)
        for (int64_t ky = 0; ky < s.kh; ++ky)
            for (int64_t kx = 0; kx < s.kw; ++kx) {
                const float *row = cols + ((ci * s.kh + ky) * s.kw + kx) * s.pix();
                for (int64_t y = 0; y < s.oh; ++y) {
                    const int64_t iy = y * s.stride - s.pad + ky;
                    if (iy < 0 || iy >= s.h) continue;
                    for (int64_t xx = 0; xx < s.ow; ++xx) {
                        const int64_t ix = xx * s.stride - s.pad + kx;
                        if (ix >= 0 && ix < s.w) gx[(ci * s.h + iy) * s.w + ix] += row[y * s.ow + xx];
                    }
                }
            }
}
}  // namespace

Id conv2d(Graph &g, Id ix, Id iw, Id ib, int stride, int pad) {
    const Tensor &x = g.get(ix), &w = g.get(iw);
    if (x.rank() != 4 || w.rank() != 4 || x.dim(1) != w.dim(1) || stride < 1 || pad < 0)
        fail(TILLER_ERR_INVALID_ARGUMENT, "conv2d: input %s [N,C,H,W] and weight %s [O,C,KH,KW] (stride %d, pad %d) do not fit",
             shape_str(x.shape).c_str(), shape_str(w.shape).c_str(), stride, pad);
    Conv s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 0, 0, stride, pad};
    s.oh = (s.h + 2 * pad - s.kh) / stride + 1;
    s.ow = (s.w + 2 * pad - s.kw) / stride + 1;
    if (s.h + 2 * pad < s.kh || s.w + 2 * pad < s.kw) fail(TILLER_ERR_INVALID_ARGUMENT, "conv2d: kernel larger than the padded input");
    if (ib != kNone && g.get(ib).n != s.o) fail(TILLER_ERR_INVALID_ARGUMENT, "conv2d: bias must have %lld values", (long long)s.o);
    auto cols = std::make_shared<std::vector<float>>(static_cast<size_t>(s.n * s.ckk() * s.pix()));
    std::vector<Id> inputs{ix, iw};
    if (ib != kNone) inputs.push_back(ib);
    Id io = g.emit({s.n, s.o, s.oh, s.ow}, inputs, [ix, iw, ib, s, cols](Graph &g, Id io) {
        float *gx = g.grad_of(ix), *gw = g.grad_of(iw), *gb = ib != kNone ? g.grad_of(ib) : nullptr;
        const float *wd = g.get(iw).data.data(), *gy = g.get(io).grad.data();
        std::vector<float> dcols(gx ? static_cast<size_t>(s.ckk() * s.pix()) : 0);
        for (int64_t i = 0; i < s.n; ++i) {
            const float *gyi = gy + i * s.o * s.pix(), *ci = cols->data() + i * s.ckk() * s.pix();
            if (gw) sgemm(g.pool(), false, true, s.o, s.ckk(), s.pix(), gyi, s.pix(), ci, s.pix(), gw, s.ckk(), true);
            if (gb)
                for (int64_t oc = 0; oc < s.o; ++oc)
                    for (int64_t p = 0; p < s.pix(); ++p) gb[oc] += gyi[oc * s.pix() + p];
            if (gx) {
                sgemm(g.pool(), true, false, s.ckk(), s.pix(), s.o, wd, s.ckk(), gyi, s.pix(), dcols.data(), s.pix(), false);
                col2im(s, dcols.data(), gx + i * s.c * s.h * s.w);
            }
        }
    });
    const float *xd = g.get(ix).data.data(), *wd = g.get(iw).data.data(), *bd = ib != kNone ? g.get(ib).data.data() : nullptr;
    float *y = g.get(io).data.data();
    parallel(g, s.n, s.ckk() * s.pix(), [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) im2col(s, xd + i * s.c * s.h * s.w, cols->data() + i * s.ckk() * s.pix());
    });
    for (int64_t i = 0; i < s.n; ++i) {
        float *yi = y + i * s.o * s.pix();
        sgemm(g.pool(), false, false, s.o, s.pix(), s.ckk(), wd, s.ckk(), cols->data() + i * s.ckk() * s.pix(), s.pix(), yi, s.pix(), false);
        if (bd)
            for (int64_t oc = 0; oc < s.o; ++oc)
                for (int64_t p = 0; p < s.pix(); ++p) yi[oc * s.pix() + p] += bd[oc];
    }
    return io;
}

Id pool2d(Graph &g, Id ix, int k, int stride, bool max) {
    const Tensor &x = g.get(ix);
    if (x.rank() != 4 || k < 1 || stride < 1 || x.dim(2) < k || x.dim(3) < k)
        fail(TILLER_ERR_INVALID_ARGUMENT, "pool2d: input %s [N,C,H,W] with window %d, stride %d", shape_str(x.shape).c_str(), k, stride);
    const int64_t planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3), oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
    auto arg = std::make_shared<std::vector<int64_t>>(max ? static_cast<size_t>(planes * oh * ow) : 0);
    Id io = g.emit({x.dim(0), x.dim(1), oh, ow}, {ix}, [ix, arg, max, planes, h, w, oh, ow, k, stride](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (int64_t p = 0; p < planes; ++p)
            for (int64_t y = 0; y < oh; ++y)
                for (int64_t xx = 0; xx < ow; ++xx) {
                    const int64_t o = (p * oh + y) * ow + xx;
                    if (max) {
                        gx[(*arg)[static_cast<size_t>(o)]] += gy[o];
                        continue;
                    }
                    const float d = gy[o] / static_cast<float>(k * k);
                    for (int64_t dy = 0; dy < k; ++dy)
                        for (int64_t dx = 0; dx < k; ++dx) gx[(p * h + y * stride + dy) * w + xx * stride + dx] += d;
                }
    });
    const float *xd = g.get(ix).data.data();
    float *yd = g.get(io).data.data();
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t y = 0; y < oh; ++y)
            for (int64_t xx = 0; xx < ow; ++xx) {
                int64_t at = (p * h + y * stride) * w + xx * stride;
                float best = -std::numeric_limits<float>::infinity(), sum = 0;
                for (int64_t dy = 0; dy < k; ++dy)
                    for (int64_t dx = 0; dx < k; ++dx) {
                        const int64_t i = (p * h + y * stride + dy) * w + xx * stride + dx;
                        sum += xd[i];
                        if (xd[i] > best) best = xd[i], at = i;
                    }
                const int64_t o = (p * oh + y) * ow + xx;
                yd[o] = max ? best : sum / static_cast<float>(k * k);
                if (max) (*arg)[static_cast<size_t>(o)] = at;
            }
    return io;
}

}  // namespace tiller::train
