#include "train/optim.h"

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "kernels/clones.h"

namespace tiller::train {

namespace {
// Element ranges of one tensor across the pool (small tensors stay on the calling thread).
template <typename Fn>
void chunks(Graph &g, int64_t n, Fn &&fn) {
    if (n < 65536 || g.pool().size() == 1) {
        fn(int64_t(0), n);
        return;
    }
    g.pool().parallel_for(n, [&](int64_t b, int64_t e, int) { fn(b, e); });
}

TILLER_CLONES
void adam_range(float *w, const float *gr, float *m, float *v, int64_t n, const AdamConfig &c, float shrink, float l2, float step_size,
                float sqrt_bc2) {
    for (int64_t i = 0; i < n; ++i) {
        const float d = gr[i] + l2 * w[i];
        m[i] = c.beta1 * m[i] + (1.0f - c.beta1) * d;
        v[i] = c.beta2 * v[i] + (1.0f - c.beta2) * d * d;
        w[i] = w[i] * shrink - step_size * m[i] / (std::sqrt(v[i]) / sqrt_bc2 + c.eps);
    }
}

Buffer &state(Tensor &p, int i) {
    if (p.state[i].empty()) p.state[i] = Buffer(p.n);
    return p.state[i];
}
}  // namespace

void sgd_step(Graph &g, const std::vector<Id> &params, const SgdConfig &c) {
    if (!(c.lr >= 0) || !(c.momentum >= 0) || !(c.weight_decay >= 0) || (c.nesterov && c.momentum <= 0))
        fail(TILLER_ERR_INVALID_ARGUMENT, "SGD: lr, momentum and weight decay must be >= 0 (Nesterov needs momentum > 0)");
    for (Id id : params) {
        Tensor &p = g.get(id);
        if (p.grad.empty()) continue;
        float *w = p.data.data(), *gr = p.grad.data(), *buf = c.momentum > 0 ? state(p, 0).data() : nullptr;
        for (int64_t i = 0; i < p.n; ++i) {
            float d = gr[i] + c.weight_decay * w[i];
            if (buf) {
                buf[i] = c.momentum * buf[i] + d;
                d = c.nesterov ? d + c.momentum * buf[i] : buf[i];
            }
            w[i] -= c.lr * d;
        }
    }
}

void adam_step(Graph &g, const std::vector<Id> &params, const AdamConfig &c, int64_t step) {
    if (step < 1 || !(c.lr >= 0) || !(c.beta1 >= 0 && c.beta1 < 1) || !(c.beta2 >= 0 && c.beta2 < 1) || !(c.eps > 0) || !(c.weight_decay >= 0))
        fail(TILLER_ERR_INVALID_ARGUMENT, "Adam: needs step >= 1, lr >= 0, betas in [0, 1), eps > 0, weight decay >= 0");
    const float bc1 = 1.0f - static_cast<float>(std::pow(double(c.beta1), double(step)));
    const float bc2 = 1.0f - static_cast<float>(std::pow(double(c.beta2), double(step)));
    const float step_size = c.lr / bc1, sqrt_bc2 = std::sqrt(bc2);
    for (Id id : params) {
        Tensor &p = g.get(id);
        if (p.grad.empty()) continue;
        float *w = p.data.data(), *gr = p.grad.data(), *m = state(p, 0).data(), *v = state(p, 1).data();
        const float shrink = c.decoupled ? 1.0f - c.lr * c.weight_decay : 1.0f, l2 = c.decoupled ? 0.0f : c.weight_decay;
        chunks(g, p.n, [&](int64_t b, int64_t e) { adam_range(w + b, gr + b, m + b, v + b, e - b, c, shrink, l2, step_size, sqrt_bc2); });
    }
}

float clip_grad_norm(Graph &g, const std::vector<Id> &params, float max_norm) {
    if (!(max_norm > 0)) fail(TILLER_ERR_INVALID_ARGUMENT, "clip_grad_norm: max_norm must be > 0");
    double ss = 0;
    for (Id id : params) {
        Tensor &p = g.get(id);
        if (p.grad.empty()) continue;
        for (int64_t i = 0; i < p.n; ++i) ss += double(p.grad.data()[i]) * p.grad.data()[i];
    }
    const double norm = std::sqrt(ss);
    const double k = max_norm / (norm + 1e-6);
    if (k < 1.0)
        for (Id id : params) {
            Tensor &p = g.get(id);
            if (p.grad.empty()) continue;
            for (int64_t i = 0; i < p.n; ++i) p.grad.data()[i] = static_cast<float>(p.grad.data()[i] * k);
        }
    return static_cast<float>(norm);
}

void zero_grad(Graph &g, const std::vector<Id> &params) {
    for (Id id : params) {
        Tensor &p = g.get(id);
        if (!p.grad.empty()) std::memset(p.grad.data(), 0, static_cast<size_t>(p.n) * sizeof(float));
    }
}

void ema_update(Graph &g, const std::vector<Id> &dst, const std::vector<Id> &src, float decay) {
    if (dst.size() != src.size() || !(decay >= 0 && decay <= 1)) fail(TILLER_ERR_INVALID_ARGUMENT, "ema: needs as many targets as sources and decay in [0, 1]");
    for (size_t k = 0; k < dst.size(); ++k) {
        Tensor &d = g.get(dst[k]);
        const Tensor &s = g.get(src[k]);
        if (d.shape != s.shape) fail(TILLER_ERR_INVALID_ARGUMENT, "ema: %s and %s differ", shape_str(d.shape).c_str(), shape_str(s.shape).c_str());
        for (int64_t i = 0; i < d.n; ++i) d.data.data()[i] = decay * d.data.data()[i] + (1.0f - decay) * s.data.data()[i];
    }
}

}  // namespace tiller::train
