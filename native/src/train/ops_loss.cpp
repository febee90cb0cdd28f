#include <cmath>
#include <limits>
#include <memory>

#include "core/error.h"
#include "kernels/clones.h"
#include "kernels/fast_math.h"
#include "train/ops.h"

namespace tiller::train {

namespace {
// p[j] = exp(p[j] - mx) (all arguments <= 0), returning their sum in double.
TILLER_CLONES
double exp_shifted(float *p, int64_t n, float mx) {
    double s = 0;
    for (int64_t j = 0; j < n; ++j) {
        p[j] = exp_neg(p[j] - mx);
        s += p[j];
    }
    return s;
}
}  // namespace

Id cross_entropy(Graph &g, Id il, const int32_t *labels, int64_t n, Id iw, Id ioff, Reduction r) {
    const Tensor &z = g.get(il);
    const int64_t c = z.dim(-1), rows = z.n / c;
    if (n != rows || !labels)
        fail(TILLER_ERR_INVALID_ARGUMENT, "cross_entropy: %lld labels for logits %s (%lld rows)", static_cast<long long>(n),
             shape_str(z.shape).c_str(), static_cast<long long>(rows));
    const float *w = nullptr, *off = nullptr;
    if (iw != kNone) {
        const Tensor &wt = g.get(iw);
        if (wt.n != rows) fail(TILLER_ERR_INVALID_ARGUMENT, "cross_entropy: %lld weights for %lld rows", (long long)wt.n, (long long)rows);
        w = wt.data.data();
    }
    if (ioff != kNone) {
        const Tensor &ot = g.get(ioff);
        if (ot.n != z.n) fail(TILLER_ERR_INVALID_ARGUMENT, "cross_entropy: offset %s does not match logits %s", shape_str(ot.shape).c_str(), shape_str(z.shape).c_str());
        off = ot.data.data();
    }
    auto y = std::make_shared<std::vector<int32_t>>(labels, labels + n);
    for (int64_t i = 0; i < n; ++i)
        if ((*y)[static_cast<size_t>(i)] < 0 || (*y)[static_cast<size_t>(i)] >= c)
            fail(TILLER_ERR_INVALID_ARGUMENT, "cross_entropy: label %d at row %lld is outside [0, %lld)", (*y)[static_cast<size_t>(i)],
                 static_cast<long long>(i), static_cast<long long>(c));
    // The weights and offsets are constants: copied so that the backward sees the values used.
    auto wcopy = std::make_shared<std::vector<float>>(w ? std::vector<float>(w, w + rows) : std::vector<float>());
    auto prob = std::make_shared<std::vector<float>>(static_cast<size_t>(z.n));
    auto loss = std::make_shared<std::vector<float>>(static_cast<size_t>(rows));
    const float *zd = z.data.data();
    parallel(g, rows, c * 4, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            float *p = prob->data() + i * c;
            float mx = -std::numeric_limits<float>::infinity();
            for (int64_t j = 0; j < c; ++j) {
                p[j] = zd[i * c + j] + (off ? off[i * c + j] : 0.0f);
                mx = std::max(mx, p[j]);
            }
            const int32_t yi = (*y)[static_cast<size_t>(i)];
            const float zy = p[yi];
            const double s = exp_shifted(p, c, mx);  // p becomes exp(z - max)
            (*loss)[static_cast<size_t>(i)] = (w ? w[i] : 1.0f) * static_cast<float>(mx + std::log(s) - zy);
            const float inv = static_cast<float>(1.0 / s);
            for (int64_t j = 0; j < c; ++j) p[j] *= inv;
        }
    });
    const std::vector<int64_t> shape = r == Reduction::None ? std::vector<int64_t>{rows} : std::vector<int64_t>{1};
    Id io = g.emit(shape, {il}, [il, c, rows, r, y, wcopy, prob](Graph &g, Id io) {
        float *gz = g.grad_of(il);
        const float *go = g.get(io).grad.data();
        for (int64_t i = 0; i < rows; ++i) {
            float d = r == Reduction::None ? go[i] : (r == Reduction::Mean ? go[0] / static_cast<float>(rows) : go[0]);
            if (!wcopy->empty()) d *= (*wcopy)[static_cast<size_t>(i)];
            const float *p = prob->data() + i * c;
            for (int64_t j = 0; j < c; ++j) gz[i * c + j] += d * p[j];
            gz[i * c + (*y)[static_cast<size_t>(i)]] -= d;
        }
    });
    float *o = g.get(io).data.data();
    if (r == Reduction::None) {
        std::copy(loss->begin(), loss->end(), o);
    } else {
        double s = 0;
        for (float v : *loss) s += v;
        o[0] = static_cast<float>(r == Reduction::Mean ? s / static_cast<double>(rows) : s);
    }
    return io;
}

Id mse(Graph &g, Id ia, Id ib) {
    const Tensor &a = g.get(ia), &b = g.get(ib);
    if (a.shape != b.shape) fail(TILLER_ERR_INVALID_ARGUMENT, "mse: shapes %s and %s differ", shape_str(a.shape).c_str(), shape_str(b.shape).c_str());
    Id io = g.emit({1}, {ia, ib}, [ia, ib](Graph &g, Id io) {
        const Tensor &a = g.get(ia), &b = g.get(ib);
        float *ga = g.grad_of(ia), *gb = g.grad_of(ib);
        const float k = 2.0f * g.get(io).grad.data()[0] / static_cast<float>(a.n);
        for (int64_t i = 0; i < a.n; ++i) {
            const float d = k * (a.data.data()[i] - b.data.data()[i]);
            if (ga) ga[i] += d;
            if (gb) gb[i] -= d;
        }
    });
    double s = 0;
    for (int64_t i = 0; i < a.n; ++i) {
        const double d = double(a.data.data()[i]) - b.data.data()[i];
        s += d * d;
    }
    g.get(io).data.data()[0] = static_cast<float>(s / static_cast<double>(a.n));
    return io;
}

}  // namespace tiller::train
