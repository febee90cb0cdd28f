// The training C ABI on arbitrary bytes: tensors of small shapes, then a stream of ops with
// arbitrary inputs (stale handles included), integer and float arguments, backward passes,
// optimizer steps, frees and clears. Every call must return a status, never crash.
#include <cstring>
#include <vector>

#include "tiller.h"

namespace {
struct Bytes {
    const uint8_t *p;
    size_t n, at = 0;
    uint8_t u8() { return at < n ? p[at++] : 0; }
    int64_t small() { return static_cast<int8_t>(u8()); }
    bool done() const { return at >= n; }
};

constexpr int32_t kOps[] = {TILLER_OP_MATMUL, TILLER_OP_ADD, TILLER_OP_SUB, TILLER_OP_MUL, TILLER_OP_DIV, TILLER_OP_RELU, TILLER_OP_GELU,
                            TILLER_OP_TANH, TILLER_OP_SIGMOID, TILLER_OP_EXP, TILLER_OP_LOG, TILLER_OP_NEG, TILLER_OP_SQUARE, TILLER_OP_SQRT,
                            TILLER_OP_ABS, TILLER_OP_AFFINE, TILLER_OP_SUM, TILLER_OP_MEAN, TILLER_OP_MAX, TILLER_OP_SOFTMAX,
                            TILLER_OP_LOG_SOFTMAX, TILLER_OP_CROSS_ENTROPY, TILLER_OP_MSE, TILLER_OP_RMS_NORM, TILLER_OP_LAYER_NORM,
                            TILLER_OP_RESHAPE, TILLER_OP_PERMUTE, TILLER_OP_SLICE, TILLER_OP_CONCAT, TILLER_OP_GATHER, TILLER_OP_EMBEDDING,
                            TILLER_OP_DROPOUT, TILLER_OP_CONV2D, TILLER_OP_MAX_POOL2D, TILLER_OP_AVG_POOL2D, TILLER_OP_ROPE,
                            TILLER_OP_CAUSAL_SOFTMAX, 999};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Bytes in{data, size};
    tiller_graph *g = nullptr;
    if (tiller_graph_create(1, &g) != TILLER_OK) return 0;
    tiller_graph_set_memory_limit(g, 64 << 20);
    std::vector<int64_t> live;
    const int n_tensors = 1 + in.u8() % 4;
    for (int t = 0; t < n_tensors; ++t) {
        int64_t shape[4];
        const int rank = 1 + in.u8() % 4;
        int64_t n = 1;
        for (int i = 0; i < rank; ++i) n *= shape[i] = 1 + in.u8() % 6;
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v) x = static_cast<float>(in.small()) / 16.0f;
        int64_t id;
        if (tiller_tensor_create(g, shape, rank, v.data(), in.u8() % 4, &id) == TILLER_OK) live.push_back(id);
    }
    live.push_back(0);        // "none"
    live.push_back(0x12345);  // never valid
    while (!in.done() && live.size() < 200) {
        const uint8_t action = in.u8();
        if (action < 200) {
            const int32_t op = kOps[action % (sizeof(kOps) / sizeof(kOps[0]))];
            int64_t ins[4], iargs[6];
            float fargs[2];
            const int n_in = in.u8() % 5, n_i = in.u8() % 7, n_f = in.u8() % 3, n_ids = in.u8() % 40;
            for (int i = 0; i < n_in; ++i) ins[i] = live[in.u8() % live.size()];
            for (int i = 0; i < n_i; ++i) iargs[i] = in.small();
            for (int i = 0; i < n_f; ++i) fargs[i] = static_cast<float>(in.small()) / 8.0f;
            std::vector<int32_t> ids(static_cast<size_t>(n_ids));
            for (int32_t &x : ids) x = static_cast<int32_t>(in.small());
            int64_t out;
            if (tiller_graph_op(g, op, ins, n_in, iargs, n_i, fargs, n_f, ids.empty() ? nullptr : ids.data(), n_ids, &out) == TILLER_OK)
                live.push_back(out);
        } else if (action < 215) {
            tiller_graph_backward(g, live[in.u8() % live.size()]);
        } else if (action < 225) {
            const int64_t p[2] = {live[in.u8() % live.size()], live[in.u8() % live.size()]};
            tiller_optim_adam(g, p, 2, 0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, in.u8() & 1, 1 + in.u8());
            tiller_optim_sgd(g, p, 2, 0.01f, 0.9f, 0.0f, in.u8() & 1);
            float norm;
            tiller_grad_clip_norm(g, p, 2, 1.0f, &norm);
            tiller_ema_update(g, p, p + 1, 1, 0.5f);
        } else if (action < 235) {
            float *d;
            int64_t n;
            const int64_t id = live[in.u8() % live.size()];
            if (tiller_tensor_data(g, id, in.u8() % 5, &d, &n) == TILLER_OK && d && n > 0) d[n - 1] = static_cast<float>(in.small());
        } else if (action < 245) {
            tiller_tensor_free(g, live[in.u8() % live.size()]);
        } else {
            tiller_graph_clear(g);
        }
    }
    tiller_graph_free(g);
    return 0;
}
