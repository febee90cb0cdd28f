// The differentiable ops of the training engine. Each takes tensor handles of one Graph and
// returns the handle of a new tensor; when an input requires grad, the op records its backward.
// Gradients flow to every input that requires grad: parameters and inputs alike.
#pragma once

#include <cstdint>
#include <vector>

#include "train/graph.h"

namespace tiller::train {

constexpr Id kNone = 0;  // no tensor (never a valid handle: generations start at 1)

// --- ops_matmul.cpp: op(A) @ op(B) over the last two axes. B is 2-D (shared by every batch
// entry, as a weight) or has A's batch axes.
Id matmul(Graph &g, Id a, Id b, bool ta, bool tb);

// --- ops_elementwise.cpp: numpy broadcasting for the binary ops.
enum class Binary { Add, Sub, Mul, Div };
enum class Unary { Relu, Gelu, Tanh, Sigmoid, Exp, Log, Neg, Square, Sqrt, Abs };
Id binary(Graph &g, Binary op, Id a, Id b);
Id unary(Graph &g, Unary op, Id x);
Id affine(Graph &g, Id x, float scale, float shift);  // x * scale + shift

// --- ops_reduce.cpp: over one axis (kAllAxes: every element), softmax over the last axis.
constexpr int kAllAxes = -1000;
enum class Reduce { Sum, Mean, Max };
Id reduce(Graph &g, Reduce op, Id x, int axis, bool keepdim);
Id softmax(Graph &g, Id x, bool log);
// One row of softmax's backward: gx += scale * y * (gy - sum(gy * y)), scale being the factor
// the input was multiplied by before the softmax (causal_softmax shares it).
void softmax_backward_row(const float *y, const float *gy, float *gx, int64_t n, float scale);

// --- ops_loss.cpp.
// Cross-entropy of logits [N, C] against labels: loss_i = w_i * -log softmax(z_i + o_i)[y_i],
// weights [N] and offset [N, C] optional constants (kNone). Reduction: mean over N, sum, or none ([N]).
enum class Reduction { Mean = 0, Sum = 1, None = 2 };
Id cross_entropy(Graph &g, Id logits, const int32_t *labels, int64_t n, Id weights, Id offset, Reduction r);
Id mse(Graph &g, Id a, Id b);  // mean of (a - b)^2

// --- ops_norm.cpp: over the last axis; w (and b) have the last axis's size.
Id rms_norm(Graph &g, Id x, Id w, float eps);
Id layer_norm(Graph &g, Id x, Id w, Id b, float eps);

// --- ops_shape.cpp.
Id reshape(Graph &g, Id x, const std::vector<int64_t> &shape);
Id permute(Graph &g, Id x, const std::vector<int64_t> &perm);
Id slice(Graph &g, Id x, int axis, int64_t start, int64_t len);
Id concat(Graph &g, const std::vector<Id> &xs, int axis);
Id gather(Graph &g, Id x, const int32_t *index, int64_t n);  // x [N, C] -> [N]: x[i, index[i]]
Id embedding(Graph &g, Id table, const int32_t *ids, const std::vector<int64_t> &ids_shape);

// --- ops_nn.cpp.
Id dropout(Graph &g, Id x, float p, uint64_t seed);
Id conv2d(Graph &g, Id x, Id w, Id b, int stride, int pad);  // x [N,C,H,W], w [O,C,KH,KW], b [O]
Id pool2d(Graph &g, Id x, int k, int stride, bool max);       // max or average pooling

// --- ops_attention.cpp: x [..., T, D] with D even; NEOX pairs (i, i + D/2), positions pos0 + t.
Id rope(Graph &g, Id x, float base, int64_t pos0);
// softmax(scale * s) over the last axis of s [..., T, T] with future positions masked and, when
// window > 0, positions more than window - 1 back (a sliding-window layer).
Id causal_softmax(Graph &g, Id scores, float scale, int64_t window = 0);

// Normalises a possibly negative axis against a rank; throws naming the op.
int axis_of(int axis, int rank, const char *op);
// Runs fn(begin, end) over [0, n) on the pool when the work is large enough to pay.
template <typename Fn>
void parallel(Graph &g, int64_t n, int64_t work_per_item, Fn &&fn) {
    if (n * work_per_item < 32768 || g.pool().size() == 1) {
        fn(int64_t(0), n);
        return;
    }
    g.pool().parallel_for(n, [&](int64_t b, int64_t e, int) { fn(b, e); });
}

}  // namespace tiller::train
