#include <cmath>

#include "core/error.h"
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

float apply(Binary op, float x, float y) {
    switch (op) {
    case Binary::Add: return x + y;
    case Binary::Sub: return x - y;
    case Binary::Mul: return x * y;
    case Binary::Div: return x / y;
    }
    return 0;
}

constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)

float forward(Unary op, float x) {
    switch (op) {
    case Unary::Relu: return x > 0 ? x : 0;
    case Unary::Gelu: return 0.5f * x * (1.0f + std::tanh(kGeluC * (x + 0.044715f * x * x * x)));
    case Unary::Tanh: return std::tanh(x);
    case Unary::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Unary::Exp: return std::exp(x);
    case Unary::Log: return std::log(x);
    case Unary::Neg: return -x;
    case Unary::Square: return x * x;
    case Unary::Sqrt: return std::sqrt(x);
    case Unary::Abs: return std::fabs(x);
    }
    return 0;
}

// d y / d x from the input x and the output y.
float derivative(Unary op, float x, float y) {
    switch (op) {
    case Unary::Relu: return x > 0 ? 1.0f : 0.0f;
    case Unary::Gelu: {
        const float u = kGeluC * (x + 0.044715f * x * x * x), t = std::tanh(u);
        return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * kGeluC * (1.0f + 3.0f * 0.044715f * x * x);
    }
    case Unary::Tanh: return 1.0f - y * y;
    case Unary::Sigmoid: return y * (1.0f - y);
    case Unary::Exp: return y;
    case Unary::Log: return 1.0f / x;
    case Unary::Neg: return -1.0f;
    case Unary::Square: return 2.0f * x;
    case Unary::Sqrt: return 0.5f / y;
    case Unary::Abs: return x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
    }
    return 0;
}

}  // namespace

Id binary(Graph &g, Binary op, Id ia, Id ib) {
    const Bcast bc(g.get(ia).shape, g.get(ib).shape);
    const int64_t la = bc.sa.back(), lb = bc.sb.back();
    Id io = g.emit(bc.out, {ia, ib}, [ia, ib, op, bc, la, lb](Graph &g, Id io) {
        const float *a = g.get(ia).data.data(), *b = g.get(ib).data.data(), *go = g.get(io).grad.data();
        float *ga = g.grad_of(ia), *gb = g.grad_of(ib);
        // Broadcast inputs receive sums over rows: done on one thread (no write races).
        for (int64_t r = 0; r < bc.rows; ++r) {
            int64_t oa, ob;
            bc.offsets(r, oa, ob);
            const float *gr = go + r * bc.len;
            for (int64_t j = 0; j < bc.len; ++j) {
                const float x = a[oa + j * la], y = b[ob + j * lb], d = gr[j];
                switch (op) {
                case Binary::Add:
                    if (ga) ga[oa + j * la] += d;
                    if (gb) gb[ob + j * lb] += d;
                    break;
                case Binary::Sub:
                    if (ga) ga[oa + j * la] += d;
                    if (gb) gb[ob + j * lb] -= d;
                    break;
                case Binary::Mul:
                    if (ga) ga[oa + j * la] += d * y;
                    if (gb) gb[ob + j * lb] += d * x;
                    break;
                case Binary::Div:
                    if (ga) ga[oa + j * la] += d / y;
                    if (gb) gb[ob + j * lb] -= d * x / (y * y);
                    break;
                }
            }
        }
    });
    const float *a = g.get(ia).data.data(), *b = g.get(ib).data.data();
    float *o = g.get(io).data.data();
    parallel(g, bc.rows, bc.len, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            int64_t oa, ob;
            bc.offsets(r, oa, ob);
            float *orow = o + r * bc.len;
            if (la == 1 && lb == 1)
                for (int64_t j = 0; j < bc.len; ++j) orow[j] = apply(op, a[oa + j], b[ob + j]);
            else
                for (int64_t j = 0; j < bc.len; ++j) orow[j] = apply(op, a[oa + j * la], b[ob + j * lb]);
        }
    });
    return io;
}

Id unary(Graph &g, Unary op, Id ix) {
    Id io = g.emit(g.get(ix).shape, {ix}, [ix, op](Graph &g, Id io) {
        const Tensor &x = g.get(ix), &y = g.get(io);
        float *gx = g.grad_of(ix);
        const float *xd = x.data.data(), *yd = y.data.data(), *gy = y.grad.data();
        parallel(g, x.n, 8, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) gx[i] += gy[i] * derivative(op, xd[i], yd[i]);
        });
    });
    const float *x = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    parallel(g, g.get(ix).n, 8, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) y[i] = forward(op, x[i]);
    });
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
