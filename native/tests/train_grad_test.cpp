// Finite-difference checks of every training op's backward. The reference derivative is a
// 4-point central difference of L(x) = sum_i r_i * y_i(x), with the projection summed in double
// (the op itself runs in float32, so the tolerance is set by float rounding over the step h).
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include "test.h"
#include "train/ops.h"

using namespace tiller::train;

namespace {

struct Input {
    std::vector<int64_t> shape;
    bool positive = false;  // for log / sqrt / div denominators
};

using Build = std::function<Id(Graph &, const std::vector<Id> &)>;

double projected(Graph &g, Id y, const std::vector<float> &r) {
    const Tensor &t = g.get(y);
    double s = 0;
    for (int64_t i = 0; i < t.n; ++i) s += double(r[static_cast<size_t>(i)]) * t.data.data()[i];
    return s;
}

// Returns the largest error relative to (atol + rtol * |fd|) over the checked elements; <= 1 passes.
double check(const char *name, const std::vector<Input> &inputs, const Build &build, float h = 1e-2f, double rtol = 2e-3, double atol = 2e-3) {
    Graph g(2);
    std::mt19937 rng(1234);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<Id> ids;
    for (const Input &in : inputs) {
        int64_t n = 1;
        for (int64_t d : in.shape) n *= d;
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v) x = in.positive ? 0.5f + std::fabs(nd(rng)) : nd(rng);
        ids.push_back(g.create(in.shape, v.data(), true, true));
    }
    Id y = build(g, ids);
    std::vector<float> r(static_cast<size_t>(g.get(y).n));
    for (float &x : r) x = nd(rng);
    Id rt = g.create(g.get(y).shape, r.data(), false, false);
    g.backward(reduce(g, Reduce::Sum, binary(g, Binary::Mul, y, rt), kAllAxes, false));
    std::vector<std::vector<float>> grads;
    for (Id id : ids) {
        const Tensor &t = g.get(id);
        grads.emplace_back(t.grad.empty() ? std::vector<float>(static_cast<size_t>(t.n), 0.0f) : std::vector<float>(t.grad.data(), t.grad.data() + t.n));
    }
    g.clear();
    g.set_grad_enabled(false);
    double worst = 0;
    for (size_t k = 0; k < ids.size(); ++k) {
        Tensor &t = g.get(ids[k]);
        const int64_t stride = std::max<int64_t>(1, t.n / 24);  // about 24 elements per input
        for (int64_t i = 0; i < t.n; i += stride) {
            const float x0 = t.data.data()[i];
            auto f = [&](float dx) {
                t.data.data()[i] = x0 + dx;
                const double v = projected(g, build(g, ids), r);
                g.clear();
                return v;
            };
            const double fd = (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12.0 * h);
            t.data.data()[i] = x0;
            const double an = grads[k][static_cast<size_t>(i)], err = std::fabs(an - fd) / (atol + rtol * std::fabs(fd));
            if (err > 1) std::fprintf(stderr, "  %s: input %zu element %lld: analytic %.6g, finite difference %.6g\n", name, k, (long long)i, an, fd);
            worst = std::max(worst, err);
        }
    }
    return worst;
}

#define GRAD_CHECK(name, inputs, ...) CHECK(check(name, inputs, __VA_ARGS__) <= 1.0)

}  // namespace

TEST(matmul_gradients_in_every_transpose_and_batch_layout) {
    for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
            std::vector<int64_t> a2 = ta ? std::vector<int64_t>{5, 3} : std::vector<int64_t>{3, 5};
            std::vector<int64_t> b2 = tb ? std::vector<int64_t>{4, 5} : std::vector<int64_t>{5, 4};
            Build mm = [ta, tb](Graph &g, const std::vector<Id> &x) { return matmul(g, x[0], x[1], ta, tb); };
            GRAD_CHECK("matmul 2-D", {{a2}, {b2}}, mm);
            std::vector<int64_t> a3 = a2, b3 = b2;
            a3.insert(a3.begin(), 2);
            b3.insert(b3.begin(), 2);
            GRAD_CHECK("matmul batched", {{a3}, {b3}}, mm);
            GRAD_CHECK("matmul shared weight", {{a3}, {b2}}, mm);
        }
    // Larger than one 6x32 register tile and one K block of the GEMM.
    GRAD_CHECK("matmul large", {{{13, 300}}, {{300, 70}}}, [](Graph &g, const std::vector<Id> &x) { return matmul(g, x[0], x[1], false, false); },
               1e-2f, 5e-3, 5e-3);
}

TEST(elementwise_gradients_with_broadcasting) {
    const Binary ops[] = {Binary::Add, Binary::Sub, Binary::Mul, Binary::Div};
    for (Binary op : ops) {
        Build b = [op](Graph &g, const std::vector<Id> &x) { return binary(g, op, x[0], x[1]); };
        GRAD_CHECK("binary same shape", {{{3, 4}}, {{3, 4}, true}}, b);
        GRAD_CHECK("binary row broadcast", {{{3, 4}}, {{4}, true}}, b);
        GRAD_CHECK("binary both broadcast", {{{2, 1, 4}}, {{3, 1}, true}}, b);
        GRAD_CHECK("binary scalar", {{{1}}, {{2, 3}, true}}, b);
    }
    const Unary un[] = {Unary::Relu, Unary::Gelu, Unary::Tanh, Unary::Sigmoid, Unary::Exp, Unary::Neg, Unary::Square, Unary::Abs};
    for (Unary op : un) GRAD_CHECK("unary", {{{4, 5}}}, [op](Graph &g, const std::vector<Id> &x) { return unary(g, op, x[0]); }, 1e-3f);
    for (Unary op : {Unary::Log, Unary::Sqrt})
        GRAD_CHECK("unary positive", {{{4, 5}, true}}, [op](Graph &g, const std::vector<Id> &x) { return unary(g, op, x[0]); }, 1e-3f);
    GRAD_CHECK("affine", {{{6}}}, [](Graph &g, const std::vector<Id> &x) { return affine(g, x[0], -1.5f, 0.25f); });
}

TEST(reduction_and_softmax_gradients) {
    const Reduce rs[] = {Reduce::Sum, Reduce::Mean, Reduce::Max};
    for (Reduce r : rs)
        for (int axis : {0, 1, 2, -1, kAllAxes})
            for (bool keep : {false, true})
                GRAD_CHECK("reduce", {{{2, 3, 4}}}, [r, axis, keep](Graph &g, const std::vector<Id> &x) { return reduce(g, r, x[0], axis, keep); }, 1e-3f);
    GRAD_CHECK("softmax", {{{3, 7}}}, [](Graph &g, const std::vector<Id> &x) { return softmax(g, x[0], false); });
    GRAD_CHECK("log_softmax", {{{3, 7}}}, [](Graph &g, const std::vector<Id> &x) { return softmax(g, x[0], true); });
}

TEST(loss_gradients) {
    const int32_t labels[4] = {2, 0, 4, 1};
    for (Reduction red : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
        GRAD_CHECK("cross_entropy", {{{4, 5}}}, [red, &labels](Graph &g, const std::vector<Id> &x) {
            return cross_entropy(g, x[0], labels, 4, kNone, kNone, red);
        });
        GRAD_CHECK("cross_entropy weighted with offset", {{{4, 5}}}, [red, &labels](Graph &g, const std::vector<Id> &x) {
            const float w[4] = {0.5f, 2.0f, 1.0f, 0.0f};
            float off[20];
            for (int i = 0; i < 20; ++i) off[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
            return cross_entropy(g, x[0], labels, 4, g.create({4}, w, false, false), g.create({4, 5}, off, false, false), red);
        });
    }
    GRAD_CHECK("mse", {{{3, 4}}, {{3, 4}}}, [](Graph &g, const std::vector<Id> &x) { return mse(g, x[0], x[1]); });
}

TEST(norm_gradients) {
    GRAD_CHECK("rms_norm", {{{3, 8}}, {{8}}}, [](Graph &g, const std::vector<Id> &x) { return rms_norm(g, x[0], x[1], 1e-6f); }, 1e-3f);
    GRAD_CHECK("layer_norm", {{{3, 8}}, {{8}}, {{8}}}, [](Graph &g, const std::vector<Id> &x) { return layer_norm(g, x[0], x[1], x[2], 1e-5f); }, 1e-3f);
}

TEST(shape_op_gradients) {
    GRAD_CHECK("reshape", {{{2, 6}}}, [](Graph &g, const std::vector<Id> &x) { return reshape(g, x[0], {3, 4}); });
    GRAD_CHECK("permute", {{{2, 3, 4}}}, [](Graph &g, const std::vector<Id> &x) { return permute(g, x[0], {2, 0, 1}); });
    GRAD_CHECK("permute swap", {{{2, 3, 4, 5}}}, [](Graph &g, const std::vector<Id> &x) { return permute(g, x[0], {0, 2, 1, 3}); });
    GRAD_CHECK("slice", {{{3, 5, 2}}}, [](Graph &g, const std::vector<Id> &x) { return slice(g, x[0], 1, 1, 3); });
    GRAD_CHECK("concat", {{{2, 3}}, {{2, 2}}}, [](Graph &g, const std::vector<Id> &x) { return concat(g, {x[0], x[1]}, 1); });
    const int32_t idx[3] = {1, 0, 3};
    GRAD_CHECK("gather", {{{3, 4}}}, [&idx](Graph &g, const std::vector<Id> &x) { return gather(g, x[0], idx, 3); });
    const int32_t ids[6] = {4, 1, 1, 0, 3, 4};
    GRAD_CHECK("embedding", {{{5, 3}}}, [&ids](Graph &g, const std::vector<Id> &x) { return embedding(g, x[0], ids, {2, 3}); });
}

TEST(network_op_gradients) {
    GRAD_CHECK("dropout", {{{4, 6}}}, [](Graph &g, const std::vector<Id> &x) { return dropout(g, x[0], 0.3f, 42); });
    GRAD_CHECK("conv2d", {{{2, 2, 5, 5}}, {{3, 2, 3, 3}}, {{3}}}, [](Graph &g, const std::vector<Id> &x) { return conv2d(g, x[0], x[1], x[2], 1, 1); });
    GRAD_CHECK("conv2d strided", {{{1, 2, 6, 6}}, {{2, 2, 2, 2}}}, [](Graph &g, const std::vector<Id> &x) { return conv2d(g, x[0], x[1], kNone, 2, 0); });
    GRAD_CHECK("max_pool2d", {{{1, 2, 4, 4}}}, [](Graph &g, const std::vector<Id> &x) { return pool2d(g, x[0], 2, 2, true); }, 1e-3f);
    GRAD_CHECK("avg_pool2d", {{{1, 2, 5, 5}}}, [](Graph &g, const std::vector<Id> &x) { return pool2d(g, x[0], 3, 1, false); });
}

TEST(attention_gradients) {
    GRAD_CHECK("rope", {{{2, 5, 8}}}, [](Graph &g, const std::vector<Id> &x) { return rope(g, x[0], 10000.0f, 3); });
    GRAD_CHECK("causal_softmax", {{{2, 4, 4}}}, [](Graph &g, const std::vector<Id> &x) { return causal_softmax(g, x[0], 0.5f); });
    GRAD_CHECK("causal_softmax window", {{{2, 6, 6}}}, [](Graph &g, const std::vector<Id> &x) { return causal_softmax(g, x[0], 0.5f, 3); });
    // The composed block: softmax_causal(rope(q) rope(k)^T / sqrt(d)) v.
    GRAD_CHECK("attention", {{{2, 5, 4}}, {{2, 5, 4}}, {{2, 5, 4}}}, [](Graph &g, const std::vector<Id> &x) {
        Id s = matmul(g, rope(g, x[0], 100.0f, 0), rope(g, x[1], 100.0f, 0), false, true);
        return matmul(g, causal_softmax(g, s, 0.5f), x[2], false, false);
    });
}

TEST(sliding_window_softmax_keeps_the_last_window_keys) {
    // Row t of a window of 3 weighs keys t-2..t (as the inference kernel's sliding layers), as
    // softmax(scale * s) over them, and nothing else.
    Graph g(1);
    const int64_t T = 6;
    std::vector<float> s(static_cast<size_t>(T * T));
    for (int64_t i = 0; i < T * T; ++i) s[i] = 0.1f * float((i * 7) % 11);
    Id y = causal_softmax(g, g.create({T, T}, s.data(), false, false), 0.5f, 3);
    const Tensor &out = g.get(y);
    for (int64_t t = 0; t < T; ++t) {
        const int64_t lo = std::max<int64_t>(0, t - 2);
        double z = 0;
        for (int64_t j = lo; j <= t; ++j) z += std::exp(0.5 * s[t * T + j]);
        for (int64_t j = 0; j < T; ++j) {
            const double want = j < lo || j > t ? 0.0 : std::exp(0.5 * s[t * T + j]) / z;
            CHECK(std::fabs(out.data.data()[t * T + j] - want) < 1e-6);
        }
    }
    CHECK(tiller_test::error_code([&] { causal_softmax(g, y, 1.0f, -1); }) == TILLER_ERR_INVALID_ARGUMENT);
}
