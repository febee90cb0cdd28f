// Optimizer steps against closed forms: SGD on a quadratic, Adam under a constant gradient,
// AdamW's decoupled decay, gradient clipping and the weight EMA.
#include <cmath>

#include "core/error.h"
#include "test.h"
#include "train/ops.h"
#include "train/optim.h"

using namespace tiller::train;

namespace {
// f(w) = 1/2 sum a_i (w_i - c_i)^2, built from ops; returns the loss handle.
Id quadratic(Graph &g, Id w, Id a, Id c) {
    Id d = binary(g, Binary::Sub, w, c);
    return affine(g, reduce(g, Reduce::Sum, binary(g, Binary::Mul, a, unary(g, Unary::Square, d)), kAllAxes, false), 0.5f, 0.0f);
}
bool near(double x, double y, double tol = 1e-5) { return std::fabs(x - y) <= tol * (1 + std::fabs(y)); }
}  // namespace

TEST(sgd_on_a_quadratic_follows_the_closed_form) {
    Graph g(1);
    const float a0[3] = {0.5f, 1.0f, 2.0f}, c0[3] = {1.0f, -2.0f, 0.5f}, w0[3] = {0.0f, 0.0f, 0.0f};
    Id w = g.create({3}, w0, true, true), a = g.create({3}, a0, false, true), c = g.create({3}, c0, false, true);
    const float lr = 0.1f;
    for (int t = 1; t <= 20; ++t) {
        zero_grad(g, {w});
        g.backward(quadratic(g, w, a, c));
        sgd_step(g, {w}, SgdConfig{lr, 0.0f, 0.0f, false});
        g.clear();
    }
    // w_t - c = (1 - lr a)^t (w_0 - c)
    for (int i = 0; i < 3; ++i) CHECK(near(g.get(w).data.data()[i], c0[i] + std::pow(1.0 - lr * a0[i], 20) * (w0[i] - c0[i])));
}

TEST(sgd_momentum_and_nesterov_follow_their_recurrences) {
    for (bool nesterov : {false, true}) {
        Graph g(1);
        const float a0[1] = {1.5f}, c0[1] = {2.0f}, w0[1] = {0.0f};
        Id w = g.create({1}, w0, true, true), a = g.create({1}, a0, false, true), c = g.create({1}, c0, false, true);
        const double lr = 0.05, mu = 0.9, wd = 0.01;
        double x = 0, buf = 0;
        for (int t = 1; t <= 30; ++t) {
            zero_grad(g, {w});
            g.backward(quadratic(g, w, a, c));
            sgd_step(g, {w}, SgdConfig{float(lr), float(mu), float(wd), nesterov});
            g.clear();
            const double d = a0[0] * (x - c0[0]) + wd * x;
            buf = mu * buf + d;
            x -= lr * (nesterov ? d + mu * buf : buf);
        }
        CHECK(near(g.get(w).data.data()[0], x, 1e-4));
    }
}

TEST(adam_under_a_constant_gradient_moves_lr_per_step) {
    // L = k . w has a constant gradient k: m_hat = k and v_hat = k^2 at every step, so each step
    // moves by lr * k / (|k| + eps); AdamW also shrinks w by (1 - lr wd) first.
    for (bool decoupled : {false, true}) {
        Graph g(1);
        const float k0[2] = {0.3f, -2.0f}, w0[2] = {1.0f, 1.0f};
        Id w = g.create({2}, w0, true, true), k = g.create({2}, k0, false, true);
        AdamConfig cfg;
        cfg.lr = 0.01f;
        cfg.weight_decay = decoupled ? 0.1f : 0.0f;
        cfg.decoupled = decoupled;
        double x[2] = {w0[0], w0[1]};
        for (int t = 1; t <= 10; ++t) {
            zero_grad(g, {w});
            g.backward(reduce(g, Reduce::Sum, binary(g, Binary::Mul, w, k), kAllAxes, false));
            adam_step(g, {w}, cfg, t);
            g.clear();
            for (int i = 0; i < 2; ++i) x[i] = x[i] * (1 - cfg.lr * cfg.weight_decay) - cfg.lr * k0[i] / (std::fabs(k0[i]) + cfg.eps);
        }
        for (int i = 0; i < 2; ++i) CHECK(near(g.get(w).data.data()[i], x[i], 1e-5));
    }
}

TEST(clipping_scales_to_the_max_norm_and_ema_follows_its_closed_form) {
    Graph g(1);
    const float v[2] = {3.0f, 4.0f};
    Id w = g.create({2}, v, true, true);
    g.backward(reduce(g, Reduce::Sum, binary(g, Binary::Mul, w, w), kAllAxes, false));  // grad = 2w = (6, 8), norm 10
    CHECK(near(clip_grad_norm(g, {w}, 5.0f), 10.0));
    CHECK(near(g.get(w).grad.data()[0], 3.0, 1e-5) && near(g.get(w).grad.data()[1], 4.0, 1e-5));
    CHECK(near(clip_grad_norm(g, {w}, 100.0f), 5.0, 1e-5));  // below the limit: unchanged
    CHECK(near(g.get(w).grad.data()[1], 4.0, 1e-5));
    const float zero[2] = {0, 0};
    Id e = g.create({2}, zero, false, true);
    for (int t = 0; t < 5; ++t) ema_update(g, {e}, {w}, 0.9f);
    CHECK(near(g.get(e).data.data()[0], 3.0 * (1 - std::pow(0.9, 5)), 1e-5));
}

TEST(bad_arguments_are_errors) {
    Graph g(1);
    const float v[2] = {1, 2};
    Id w = g.create({2}, v, true, true);
    bool threw = false;
    try {
        adam_step(g, {w}, AdamConfig{}, 0);
    } catch (const tiller::Error &) {
        threw = true;
    }
    CHECK(threw);
    g.free(w);
    threw = false;
    try {
        g.get(w);
    } catch (const tiller::Error &e) {
        threw = e.code() == TILLER_ERR_STATE;
    }
    CHECK(threw);
}
