#include <cmath>

#include "core/error.h"
#include "kernels/clones.h"
#include "kernels/fast_math.h"
#include "train/ops.h"

namespace tiller::train {

int axis_of(int axis, int rank, const char *op) {
    const int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) fail(TILLER_ERR_INVALID_ARGUMENT, "%s: axis %d is out of range for rank %d", op, axis, rank);
    return a;
}

namespace {

// numpy broadcasting, walked in rows of the output's last axis: an input's offset for a row and
// its step along the row (0 where it is broadcast).
struct Bcast {
    std::vector<int64_t> out, sa, sb;  // output shape; input strides in output coordinates
    int64_t rows = 1, len = 1, n = 1;

    Bcast(const std::vector<int64_t> &a, const std::vector<int64_t> &b) {
        const size_t r = std::max(a.size(), b.size());
        out.assign(r, 1);
        sa.assign(r, 0);
        sb.assign(r, 0);
        int64_t stride_a = 1, stride_b = 1;
        for (size_t i = 0; i < r; ++i) {
            const size_t o = r - 1 - i;
            const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1, db = i < b.size() ? b[b.size() - 1 - i] : 1;
            if (da != db && da != 1 && db != 1)
                fail(TILLER_ERR_INVALID_ARGUMENT, "shapes %s and %s do not broadcast", shape_str(a).c_str(), shape_str(b).c_str());
            out[o] = std::max(da, db);
            sa[o] = da == 1 ? 0 : stride_a;
            sb[o] = db == 1 ? 0 : stride_b;
            stride_a *= da;
            stride_b *= db;
        }
        len = out.back();
        for (int64_t d : out) n *= d;
        rows = n / len;
    }
    void offsets(int64_t row, int64_t &oa, int64_t &ob) const {
        oa = ob = 0;
        for (int i = static_cast<int>(out.size()) - 2; i >= 0; --i) {
            const int64_t c = row % out[static_cast<size_t>(i)];
            row /= out[static_cast<size_t>(i)];
            oa += c * sa[static_cast<size_t>(i)];
            ob += c * sb[static_cast<size_t>(i)];
        }
    }
};

constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)

// One output row: o[j] = a[j * sa] op b[j * sb], strides 0 (broadcast) or 1.
TILLER_CLONES
void binary_row(Binary op, const float *a, int64_t sa, const float *b, int64_t sb, float *o, int64_t n) {
    if (op == Binary::Add && sa == 1 && sb == 1) {  // a bias or a residual: vectorizes
        for (int64_t j = 0; j < n; ++j) o[j] = a[j] + b[j];
        return;
    }
    switch (op) {
    case Binary::Add: for (int64_t j = 0; j < n; ++j) o[j] = a[j * sa] + b[j * sb]; break;
    case Binary::Sub: for (int64_t j = 0; j < n; ++j) o[j] = a[j * sa] - b[j * sb]; break;
    case Binary::Mul: for (int64_t j = 0; j < n; ++j) o[j] = a[j * sa] * b[j * sb]; break;
    case Binary::Div: for (int64_t j = 0; j < n; ++j) o[j] = a[j * sa] / b[j * sb]; break;
    }
}

// The gradient of one row into input a (wrt_a) or b: g[j * sg] += d out / d input * go[j].
TILLER_CLONES
void binary_grad_row(Binary op, bool wrt_a, const float *go, const float *a, int64_t sa, const float *b, int64_t sb, float *g, int64_t sg,
                     int64_t n) {
    if (sg == 1 && (op == Binary::Add || (op == Binary::Sub && wrt_a))) {  // a bias: vectorizes
        for (int64_t j = 0; j < n; ++j) g[j] += go[j];
        return;
    }
    for (int64_t j = 0; j < n; ++j) {
        const float d = go[j], x = a[j * sa], y = b[j * sb];
        float v;
        switch (op) {
        case Binary::Add: v = d; break;
        case Binary::Sub: v = wrt_a ? d : -d; break;
        case Binary::Mul: v = wrt_a ? d * y : d * x; break;
        default: v = wrt_a ? d / y : -d * x / (y * y); break;
        }
        g[j * sg] += v;
    }
}

inline float gelu(float x) { return 0.5f * x * (1.0f + fast_tanh(kGeluC * (x + 0.044715f * x * x * x))); }
inline float gelu_grad(float x) {
    const float t = fast_tanh(kGeluC * (x + 0.044715f * x * x * x));
    return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * kGeluC * (1.0f + 3.0f * 0.044715f * x * x);
}
inline float sigmoid(float x) {
    const float e = exp_neg(-std::fabs(x));  // exp(-|x|): no overflow on either side
    return x >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

TILLER_CLONES
void unary_forward(Unary op, const float *x, float *y, int64_t n) {
    switch (op) {
    case Unary::Relu: for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0 ? x[i] : 0.0f; break;
    case Unary::Gelu: for (int64_t i = 0; i < n; ++i) y[i] = gelu(x[i]); break;
    case Unary::Tanh: for (int64_t i = 0; i < n; ++i) y[i] = fast_tanh(x[i]); break;
    case Unary::Sigmoid: for (int64_t i = 0; i < n; ++i) y[i] = sigmoid(x[i]); break;
    case Unary::Exp: for (int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i]); break;
    case Unary::Log: for (int64_t i = 0; i < n; ++i) y[i] = std::log(x[i]); break;
    case Unary::Neg: for (int64_t i = 0; i < n; ++i) y[i] = -x[i]; break;
    case Unary::Square: for (int64_t i = 0; i < n; ++i) y[i] = x[i] * x[i]; break;
    case Unary::Sqrt: for (int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]); break;
    case Unary::Abs: for (int64_t i = 0; i < n; ++i) y[i] = std::fabs(x[i]); break;
    }
}

// gx += gy * d y / d x, from the input x and the output y.
TILLER_CLONES
void unary_backward(Unary op, const float *x, const float *y, const float *gy, float *gx, int64_t n) {
    switch (op) {
    case Unary::Relu: for (int64_t i = 0; i < n; ++i) gx[i] += x[i] > 0 ? gy[i] : 0.0f; break;
    case Unary::Gelu: for (int64_t i = 0; i < n; ++i) gx[i] += gy[i] * gelu_grad(x[i]); break;
    case Unary::Tanh: for (int64_t i = 0; i < n; ++i) gx[i] += gy[i] * (1.0f - y[i] * y[i]); break;
    case Unary::Sigmoid: for (int64_t i = 0; i < n; ++i) gx[i] += gy[i] * y[i] * (1.0f - y[i]); break;
    case Unary::Exp: for (int64_t i = 0; i < n; ++i) gx[i] += gy[i] * y[i]; break;
    case Unary::Log: for (int64_t i = 0; i < n; ++i) gx[i] += gy[i] / x[i]; break;
    case Unary::Neg: for (int64_t i = 0; i < n; ++i) gx[i] -= gy[i]; break;
    case Unary::Square: for (int64_t i = 0; i < n; ++i) gx[i] += 2.0f * x[i] * gy[i]; break;
    case Unary::Sqrt: for (int64_t i = 0; i < n; ++i) gx[i] += 0.5f * gy[i] / y[i]; break;
    case Unary::Abs: for (int64_t i = 0; i < n; ++i) gx[i] += x[i] > 0 ? gy[i] : (x[i] < 0 ? -gy[i] : 0.0f); break;
    }
}

}  // namespace

Id binary(Graph &g, Binary op, Id ia, Id ib) {
    const Bcast bc(g.get(ia).shape, g.get(ib).shape);
    const int64_t la = bc.sa.back(), lb = bc.sb.back();
    const bool a_full = g.get(ia).n == bc.n, b_full = g.get(ib).n == bc.n;
    Id io = g.emit(bc.out, {ia, ib}, [ia, ib, op, bc, la, lb, a_full, b_full](Graph &g, Id io) {
        const float *a = g.get(ia).data.data(), *b = g.get(ib).data.data(), *go = g.get(io).grad.data();
        for (bool wrt_a : {true, false}) {
            float *gx = g.grad_of(wrt_a ? ia : ib);
            if (!gx) continue;
            const int64_t step = wrt_a ? la : lb;
            auto rows = [&](int64_t r0, int64_t r1) {
                for (int64_t r = r0; r < r1; ++r) {
                    int64_t oa, ob;
                    bc.offsets(r, oa, ob);
                    binary_grad_row(op, wrt_a, go + r * bc.len, a + oa, la, b + ob, lb, gx + (wrt_a ? oa : ob), step, bc.len);
                }
            };
            // An input of the output's shape has a row of its own per output row: rows run in
            // parallel. A broadcast input sums over rows: one thread, no write races.
            if (wrt_a ? a_full : b_full)
                parallel(g, bc.rows, bc.len, rows);
            else
                rows(0, bc.rows);
        }
    });
    const float *a = g.get(ia).data.data(), *b = g.get(ib).data.data();
    float *o = g.get(io).data.data();
    parallel(g, bc.rows, bc.len, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            int64_t oa, ob;
            bc.offsets(r, oa, ob);
            binary_row(op, a + oa, la, b + ob, lb, o + r * bc.len, bc.len);
        }
    });
    return io;
}

Id unary(Graph &g, Unary op, Id ix) {
    Id io = g.emit(g.get(ix).shape, {ix}, [ix, op](Graph &g, Id io) {
        const Tensor &x = g.get(ix), &y = g.get(io);
        float *gx = g.grad_of(ix);
        parallel(g, x.n, 8, [&](int64_t b, int64_t e) { unary_backward(op, x.data.data() + b, y.data.data() + b, y.grad.data() + b, gx + b, e - b); });
    });
    const float *x = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    parallel(g, g.get(ix).n, 8, [&](int64_t b, int64_t e) { unary_forward(op, x + b, y + b, e - b); });
    return io;
}

Id affine(Graph &g, Id ix, float scale, float shift) {
    Id io = g.emit(g.get(ix).shape, {ix}, [ix, scale](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (int64_t i = 0, n = g.get(ix).n; i < n; ++i) gx[i] += gy[i] * scale;
    });
    const float *x = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    for (int64_t i = 0, n = g.get(ix).n; i < n; ++i) y[i] = x[i] * scale + shift;
    return io;
}

}  // namespace tiller::train
