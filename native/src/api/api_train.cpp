// C ABI: the training engine (tensors, ops, autograd, optimizers). Ops go through one entry
// point whose argument counts are checked against a table before dispatch.
#include <vector>

#include "api/handles.h"
#include "core/error.h"
#include "train/ops.h"
#include "train/optim.h"

using namespace tiller;
using namespace tiller::train;

namespace {

// Holds the graph for one call; a second thread at the same time gets TILLER_ERR_STATE.
class Use {
public:
    explicit Use(tiller_graph *g) : g_(g) {
        if (!g || !g->graph) fail(TILLER_ERR_INVALID_ARGUMENT, "graph handle is null");
        if (g->busy.exchange(true)) fail(TILLER_ERR_STATE, "the graph is in use by another thread (drive a graph from one thread at a time)");
    }
    ~Use() { g_->busy.store(false); }
    Graph &operator*() const { return *g_->graph; }

private:
    tiller_graph *g_;
};

std::vector<Id> id_list(const int64_t *ids, int32_t n, const char *what) {
    TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || ids), "%s: %d handles but no array", what, n);
    return std::vector<Id>(ids, ids + n);
}

struct OpSig {
    int32_t op;
    const char *name;
    int in_min, in_max, i_min, i_max, f_min, f_max;
    bool ids;
};

constexpr int kMany = 1 << 20;
constexpr OpSig kOps[] = {
    {TILLER_OP_MATMUL, "matmul", 2, 2, 0, 2, 0, 0, false},
    {TILLER_OP_ADD, "add", 2, 2, 0, 0, 0, 0, false},
    {TILLER_OP_SUB, "sub", 2, 2, 0, 0, 0, 0, false},
    {TILLER_OP_MUL, "mul", 2, 2, 0, 0, 0, 0, false},
    {TILLER_OP_DIV, "div", 2, 2, 0, 0, 0, 0, false},
    {TILLER_OP_RELU, "relu", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_GELU, "gelu", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_TANH, "tanh", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_SIGMOID, "sigmoid", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_EXP, "exp", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_LOG, "log", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_NEG, "neg", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_SQUARE, "square", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_SQRT, "sqrt", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_ABS, "abs", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_AFFINE, "affine", 1, 1, 0, 0, 2, 2, false},
    {TILLER_OP_SUM, "sum", 1, 1, 1, 2, 0, 0, false},
    {TILLER_OP_MEAN, "mean", 1, 1, 1, 2, 0, 0, false},
    {TILLER_OP_MAX, "max", 1, 1, 1, 2, 0, 0, false},
    {TILLER_OP_SOFTMAX, "softmax", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_LOG_SOFTMAX, "log_softmax", 1, 1, 0, 0, 0, 0, false},
    {TILLER_OP_CROSS_ENTROPY, "cross_entropy", 1, 3, 0, 1, 0, 0, true},
    {TILLER_OP_MSE, "mse", 2, 2, 0, 0, 0, 0, false},
    {TILLER_OP_RMS_NORM, "rms_norm", 2, 2, 0, 0, 1, 1, false},
    {TILLER_OP_LAYER_NORM, "layer_norm", 2, 3, 0, 0, 1, 1, false},
    {TILLER_OP_RESHAPE, "reshape", 1, 1, 1, 8, 0, 0, false},
    {TILLER_OP_PERMUTE, "permute", 1, 1, 1, 8, 0, 0, false},
    {TILLER_OP_SLICE, "slice", 1, 1, 3, 3, 0, 0, false},
    {TILLER_OP_CONCAT, "concat", 1, kMany, 1, 1, 0, 0, false},
    {TILLER_OP_GATHER, "gather", 1, 1, 0, 0, 0, 0, true},
    {TILLER_OP_EMBEDDING, "embedding", 1, 1, 1, 8, 0, 0, true},
    {TILLER_OP_DROPOUT, "dropout", 1, 1, 1, 1, 1, 1, false},
    {TILLER_OP_CONV2D, "conv2d", 2, 3, 2, 2, 0, 0, false},
    {TILLER_OP_MAX_POOL2D, "max_pool2d", 1, 1, 2, 2, 0, 0, false},
    {TILLER_OP_AVG_POOL2D, "avg_pool2d", 1, 1, 2, 2, 0, 0, false},
    {TILLER_OP_ROPE, "rope", 1, 1, 1, 1, 1, 1, false},
    {TILLER_OP_CAUSAL_SOFTMAX, "causal_softmax", 1, 1, 0, 1, 1, 1, false},
};

const OpSig &signature(int32_t op) {
    for (const OpSig &s : kOps)
        if (s.op == op) return s;
    fail(TILLER_ERR_INVALID_ARGUMENT, "unknown op code %d", op);
}

int32_t narrow(int64_t v, const char *what) {
    TILLER_REQUIRE_ARG(v >= INT32_MIN && v <= INT32_MAX, "%s %lld is out of range", what, static_cast<long long>(v));
    return static_cast<int32_t>(v);
}

Id run_op(Graph &g, const OpSig &s, const std::vector<Id> &in, const int64_t *ia, int32_t ni, const float *fa, const int32_t *ids, int64_t n_ids) {
    auto iarg = [&](int i, int64_t dflt) { return i < ni ? ia[i] : dflt; };
    switch (s.op) {
    case TILLER_OP_MATMUL: return matmul(g, in[0], in[1], iarg(0, 0) != 0, iarg(1, 0) != 0);
    case TILLER_OP_ADD: return binary(g, Binary::Add, in[0], in[1]);
    case TILLER_OP_SUB: return binary(g, Binary::Sub, in[0], in[1]);
    case TILLER_OP_MUL: return binary(g, Binary::Mul, in[0], in[1]);
    case TILLER_OP_DIV: return binary(g, Binary::Div, in[0], in[1]);
    case TILLER_OP_RELU: return unary(g, Unary::Relu, in[0]);
    case TILLER_OP_GELU: return unary(g, Unary::Gelu, in[0]);
    case TILLER_OP_TANH: return unary(g, Unary::Tanh, in[0]);
    case TILLER_OP_SIGMOID: return unary(g, Unary::Sigmoid, in[0]);
    case TILLER_OP_EXP: return unary(g, Unary::Exp, in[0]);
    case TILLER_OP_LOG: return unary(g, Unary::Log, in[0]);
    case TILLER_OP_NEG: return unary(g, Unary::Neg, in[0]);
    case TILLER_OP_SQUARE: return unary(g, Unary::Square, in[0]);
    case TILLER_OP_SQRT: return unary(g, Unary::Sqrt, in[0]);
    case TILLER_OP_ABS: return unary(g, Unary::Abs, in[0]);
    case TILLER_OP_AFFINE: return affine(g, in[0], fa[0], fa[1]);
    case TILLER_OP_SUM: return reduce(g, Reduce::Sum, in[0], narrow(ia[0], "axis"), iarg(1, 0) != 0);
    case TILLER_OP_MEAN: return reduce(g, Reduce::Mean, in[0], narrow(ia[0], "axis"), iarg(1, 0) != 0);
    case TILLER_OP_MAX: return reduce(g, Reduce::Max, in[0], narrow(ia[0], "axis"), iarg(1, 0) != 0);
    case TILLER_OP_SOFTMAX: return softmax(g, in[0], false);
    case TILLER_OP_LOG_SOFTMAX: return softmax(g, in[0], true);
    case TILLER_OP_CROSS_ENTROPY: {
        const int64_t r = iarg(0, 0);
        TILLER_REQUIRE_ARG(r >= 0 && r <= 2, "cross_entropy: reduction %lld is not 0 (mean), 1 (sum) or 2 (none)", static_cast<long long>(r));
        return cross_entropy(g, in[0], ids, n_ids, in.size() > 1 ? in[1] : kNone, in.size() > 2 ? in[2] : kNone, static_cast<Reduction>(r));
    }
    case TILLER_OP_MSE: return mse(g, in[0], in[1]);
    case TILLER_OP_RMS_NORM: return rms_norm(g, in[0], in[1], fa[0]);
    case TILLER_OP_LAYER_NORM: return layer_norm(g, in[0], in[1], in.size() > 2 ? in[2] : kNone, fa[0]);
    case TILLER_OP_RESHAPE: return reshape(g, in[0], std::vector<int64_t>(ia, ia + ni));
    case TILLER_OP_PERMUTE: return permute(g, in[0], std::vector<int64_t>(ia, ia + ni));
    case TILLER_OP_SLICE: return slice(g, in[0], narrow(ia[0], "axis"), ia[1], ia[2]);
    case TILLER_OP_CONCAT: return concat(g, in, narrow(ia[0], "axis"));
    case TILLER_OP_GATHER: return gather(g, in[0], ids, n_ids);
    case TILLER_OP_EMBEDDING: {
        const std::vector<int64_t> shape(ia, ia + ni);
        TILLER_REQUIRE_ARG(element_count(shape, "embedding ids") == n_ids, "embedding: %lld ids for ids shape %s", static_cast<long long>(n_ids), shape_str(shape).c_str());
        return embedding(g, in[0], ids, shape);
    }
    case TILLER_OP_DROPOUT: return dropout(g, in[0], fa[0], static_cast<uint64_t>(ia[0]));
    case TILLER_OP_CONV2D: return conv2d(g, in[0], in[1], in.size() > 2 ? in[2] : kNone, narrow(ia[0], "stride"), narrow(ia[1], "padding"));
    case TILLER_OP_MAX_POOL2D: return pool2d(g, in[0], narrow(ia[0], "window"), narrow(ia[1], "stride"), true);
    case TILLER_OP_AVG_POOL2D: return pool2d(g, in[0], narrow(ia[0], "window"), narrow(ia[1], "stride"), false);
    case TILLER_OP_ROPE: return rope(g, in[0], fa[0], ia[0]);
    case TILLER_OP_CAUSAL_SOFTMAX: return causal_softmax(g, in[0], fa[0], iarg(0, 0));
    }
    fail(TILLER_ERR_INTERNAL, "op %s has no dispatch", s.name);
}

}  // namespace

extern "C" {

int32_t tiller_graph_create(int32_t n_threads, tiller_graph **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(out, "out must not be null");
        *out = nullptr;
        require_cpu_request();
        auto g = std::make_unique<tiller_graph>();
        g->graph = std::make_unique<Graph>(n_threads > 0 ? n_threads : ThreadPool::default_threads());
        *out = g.release();
    });
}

int32_t tiller_graph_free(tiller_graph *graph) {
    return guarded([&] { delete graph; });
}

int32_t tiller_graph_clear(tiller_graph *graph) {
    return guarded([&] { (*Use(graph)).clear(); });
}

int32_t tiller_graph_set_memory_limit(tiller_graph *graph, int64_t bytes) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(bytes >= 0, "memory limit must be >= 0");
        (*Use(graph)).set_memory_limit(bytes);
    });
}

int32_t tiller_graph_set_grad_enabled(tiller_graph *graph, int32_t on) {
    return guarded([&] { (*Use(graph)).set_grad_enabled(on != 0); });
}

int32_t tiller_graph_live_tensors(tiller_graph *graph, int64_t *count) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(count, "count must not be null");
        *count = (*Use(graph)).live_tensors();
    });
}

int32_t tiller_tensor_create(tiller_graph *graph, const int64_t *shape, int32_t rank, const float *data, int32_t flags, int64_t *out) {
    return guarded([&] {
        Use g(graph);
        TILLER_REQUIRE_ARG(out && shape && rank >= 1 && rank <= 8, "tensor_create: needs a shape of rank 1..8 and out");
        TILLER_REQUIRE_ARG((flags & ~3) == 0, "tensor_create: unknown flags %d", flags);
        *out = (*g).create(std::vector<int64_t>(shape, shape + rank), data, flags & TILLER_TENSOR_REQUIRES_GRAD, flags & TILLER_TENSOR_PERSISTENT);
    });
}

int32_t tiller_tensor_free(tiller_graph *graph, int64_t tensor) {
    return guarded([&] { (*Use(graph)).free(tensor); });
}

int32_t tiller_tensor_shape(tiller_graph *graph, int64_t tensor, int64_t *shape, int32_t capacity, int32_t *rank) {
    return guarded([&] {
        Use g(graph);
        const Tensor &t = (*g).get(tensor);
        TILLER_REQUIRE_ARG(rank && (capacity == 0 || shape) && capacity >= 0, "tensor_shape: rank must not be null");
        *rank = t.rank();
        for (int i = 0; i < std::min(capacity, t.rank()); ++i) shape[i] = t.shape[static_cast<size_t>(i)];
    });
}

int32_t tiller_tensor_set_requires_grad(tiller_graph *graph, int64_t tensor, int32_t on) {
    return guarded([&] { (*Use(graph)).get(tensor).requires_grad = on != 0; });
}

int32_t tiller_tensor_data(tiller_graph *graph, int64_t tensor, int32_t buffer, float **data, int64_t *n) {
    return guarded([&] {
        Use g(graph);
        TILLER_REQUIRE_ARG(data && n, "tensor_data: data and n must not be null");
        Tensor &t = (*g).get(tensor);
        Buffer *b = nullptr;
        switch (buffer) {
        case TILLER_BUF_DATA: b = &t.data; break;
        case TILLER_BUF_GRAD: b = &t.grad; break;
        case TILLER_BUF_STATE0:
        case TILLER_BUF_STATE1:
            b = &t.state[buffer - TILLER_BUF_STATE0];
            if (b->empty()) *b = Buffer(t.n);
            break;
        default: fail(TILLER_ERR_INVALID_ARGUMENT, "tensor_data: unknown buffer %d", buffer);
        }
        *data = b->empty() ? nullptr : b->data();
        *n = b->empty() ? 0 : t.n;
    });
}

int32_t tiller_graph_op(tiller_graph *graph, int32_t op, const int64_t *inputs, int32_t n_inputs, const int64_t *iargs, int32_t n_iargs,
                        const float *fargs, int32_t n_fargs, const int32_t *ids, int64_t n_ids, int64_t *out) {
    return guarded([&] {
        Use g(graph);
        const OpSig &s = signature(op);
        TILLER_REQUIRE_ARG(out, "%s: out must not be null", s.name);
        TILLER_REQUIRE_ARG(n_inputs >= s.in_min && n_inputs <= s.in_max && (n_inputs == 0 || inputs), "%s: takes %d..%d inputs, not %d", s.name, s.in_min,
                           s.in_max, n_inputs);
        TILLER_REQUIRE_ARG(n_iargs >= s.i_min && n_iargs <= s.i_max && (n_iargs == 0 || iargs), "%s: takes %d..%d integer arguments, not %d", s.name,
                           s.i_min, s.i_max, n_iargs);
        TILLER_REQUIRE_ARG(n_fargs >= s.f_min && n_fargs <= s.f_max && (n_fargs == 0 || fargs), "%s: takes %d float arguments, not %d", s.name, s.f_min,
                           n_fargs);
        TILLER_REQUIRE_ARG(s.ids ? (ids && n_ids >= 0) : n_ids == 0, "%s: %s", s.name, s.ids ? "needs its ids" : "takes no ids");
        std::vector<Id> in(inputs, inputs + n_inputs);
        // Optional inputs may be 0; required ones must be live (get() checks them in the op).
        for (int i = 0; i < s.in_min; ++i) (*g).get(in[static_cast<size_t>(i)]);
        (*g).begin_op(s.name);
        *out = run_op(*g, s, in, iargs, n_iargs, fargs, ids, n_ids);
        (*g).end_op();
    });
}

int32_t tiller_graph_backward(tiller_graph *graph, int64_t loss) {
    return guarded([&] { (*Use(graph)).backward(loss); });
}

int32_t tiller_optim_sgd(tiller_graph *graph, const int64_t *params, int32_t n, float lr, float momentum, float weight_decay, int32_t nesterov) {
    return guarded([&] {
        Use g(graph);
        sgd_step(*g, id_list(params, n, "sgd"), SgdConfig{lr, momentum, weight_decay, nesterov != 0});
    });
}

int32_t tiller_optim_adam(tiller_graph *graph, const int64_t *params, int32_t n, float lr, float beta1, float beta2, float eps, float weight_decay,
                          int32_t decoupled, int64_t step) {
    return guarded([&] {
        Use g(graph);
        adam_step(*g, id_list(params, n, "adam"), AdamConfig{lr, beta1, beta2, eps, weight_decay, decoupled != 0}, step);
    });
}

int32_t tiller_grad_clip_norm(tiller_graph *graph, const int64_t *params, int32_t n, float max_norm, float *norm) {
    return guarded([&] {
        Use g(graph);
        const float v = clip_grad_norm(*g, id_list(params, n, "clip_grad_norm"), max_norm);
        if (norm) *norm = v;
    });
}

int32_t tiller_grad_zero(tiller_graph *graph, const int64_t *params, int32_t n) {
    return guarded([&] {
        Use g(graph);
        zero_grad(*g, id_list(params, n, "zero_grad"));
    });
}

int32_t tiller_ema_update(tiller_graph *graph, const int64_t *dst, const int64_t *src, int32_t n, float decay) {
    return guarded([&] {
        Use g(graph);
        ema_update(*g, id_list(dst, n, "ema"), id_list(src, n, "ema"), decay);
    });
}

}  // extern "C"
