#include <cstring>
#include <memory>

#include "core/error.h"
#include "train/ops.h"

namespace tiller::train {

Id reshape(Graph &g, Id ix, const std::vector<int64_t> &shape) {
    const int64_t n = element_count(shape, "reshape");
    if (n != g.get(ix).n)
        fail(TILLER_ERR_INVALID_ARGUMENT, "reshape: %s cannot become %s", shape_str(g.get(ix).shape).c_str(), shape_str(shape).c_str());
    Id io = g.emit(shape, {ix}, [ix](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (int64_t i = 0, n = g.get(io).n; i < n; ++i) gx[i] += gy[i];
    });
    std::memcpy(g.get(io).data.data(), g.get(ix).data.data(), static_cast<size_t>(n) * sizeof(float));
    return io;
}

namespace {
// For each output row (last axis), the input offset; step along the row is in_step.
struct Walk {
    std::vector<int64_t> out, stride;  // output shape; input stride per output axis
    int64_t rows, len;
    int64_t offset(int64_t row) const {
        int64_t o = 0;
        for (int i = static_cast<int>(out.size()) - 2; i >= 0; --i) {
            o += (row % out[static_cast<size_t>(i)]) * stride[static_cast<size_t>(i)];
            row /= out[static_cast<size_t>(i)];
        }
        return o;
    }
};
}  // namespace

Id permute(Graph &g, Id ix, const std::vector<int64_t> &perm) {
    const Tensor &x = g.get(ix);
    if (perm.size() != x.shape.size()) fail(TILLER_ERR_INVALID_ARGUMENT, "permute: %zu axes for rank %d", perm.size(), x.rank());
    std::vector<int64_t> in_stride(x.shape.size(), 1);
    for (int i = x.rank() - 2; i >= 0; --i) in_stride[static_cast<size_t>(i)] = in_stride[static_cast<size_t>(i) + 1] * x.shape[static_cast<size_t>(i) + 1];
    Walk w;
    std::vector<bool> seen(x.shape.size());
    for (int64_t p : perm) {
        if (p < 0 || p >= x.rank() || seen[static_cast<size_t>(p)]) fail(TILLER_ERR_INVALID_ARGUMENT, "permute: not a permutation of %d axes", x.rank());
        seen[static_cast<size_t>(p)] = true;
        w.out.push_back(x.shape[static_cast<size_t>(p)]);
        w.stride.push_back(in_stride[static_cast<size_t>(p)]);
    }
    w.len = w.out.back();
    w.rows = x.n / w.len;
    Id io = g.emit(w.out, {ix}, [ix, w](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        const int64_t step = w.stride.back();
        parallel(g, w.rows, w.len, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t o = w.offset(r);
                for (int64_t j = 0; j < w.len; ++j) gx[o + j * step] += gy[r * w.len + j];
            }
        });
    });
    const float *xd = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    const int64_t step = w.stride.back();
    parallel(g, w.rows, w.len, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t o = w.offset(r);
            for (int64_t j = 0; j < w.len; ++j) y[r * w.len + j] = xd[o + j * step];
        }
    });
    return io;
}

namespace {
// x viewed as [outer, n_axis, inner].
void split_at(const Tensor &x, int a, int64_t &outer, int64_t &inner) {
    outer = inner = 1;
    for (int i = 0; i < a; ++i) outer *= x.shape[static_cast<size_t>(i)];
    for (int i = a + 1; i < x.rank(); ++i) inner *= x.shape[static_cast<size_t>(i)];
}
}  // namespace

Id slice(Graph &g, Id ix, int axis, int64_t start, int64_t len) {
    const Tensor &x = g.get(ix);
    const int a = axis_of(axis, x.rank(), "slice");
    const int64_t m = x.shape[static_cast<size_t>(a)];
    if (start < 0 || len <= 0 || start > m - len)
        fail(TILLER_ERR_INVALID_ARGUMENT, "slice: [%lld, %lld) is outside axis %d of %s", (long long)start, (long long)(start + len), a,
             shape_str(x.shape).c_str());
    int64_t outer, inner;
    split_at(x, a, outer, inner);
    std::vector<int64_t> shape = x.shape;
    shape[static_cast<size_t>(a)] = len;
    Id io = g.emit(shape, {ix}, [ix, outer, inner, m, start, len](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t i = 0; i < len * inner; ++i) gx[(o * m + start) * inner + i] += gy[o * len * inner + i];
    });
    const float *xd = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    for (int64_t o = 0; o < outer; ++o)
        std::memcpy(y + o * len * inner, xd + (o * m + start) * inner, static_cast<size_t>(len * inner) * sizeof(float));
    return io;
}

Id concat(Graph &g, const std::vector<Id> &xs, int axis) {
    if (xs.empty()) fail(TILLER_ERR_INVALID_ARGUMENT, "concat: no tensors");
    const Tensor &x0 = g.get(xs[0]);
    const int a = axis_of(axis, x0.rank(), "concat");
    std::vector<int64_t> shape = x0.shape, sizes;
    shape[static_cast<size_t>(a)] = 0;
    for (Id id : xs) {
        const Tensor &x = g.get(id);
        std::vector<int64_t> s1 = x.shape, s0 = x0.shape;
        if (x.rank() == x0.rank()) s1[static_cast<size_t>(a)] = s0[static_cast<size_t>(a)] = 0;
        if (s1 != s0) fail(TILLER_ERR_INVALID_ARGUMENT, "concat: %s and %s differ off axis %d", shape_str(x.shape).c_str(), shape_str(x0.shape).c_str(), a);
        sizes.push_back(x.shape[static_cast<size_t>(a)]);
        shape[static_cast<size_t>(a)] += x.shape[static_cast<size_t>(a)];
    }
    int64_t outer, inner;
    split_at(x0, a, outer, inner);
    const int64_t total = shape[static_cast<size_t>(a)];
    Id io = g.emit(shape, xs, [xs, sizes, outer, inner, total](Graph &g, Id io) {
        const float *gy = g.get(io).grad.data();
        int64_t at = 0;
        for (size_t k = 0; k < xs.size(); ++k) {
            if (float *gx = g.grad_of(xs[k]))
                for (int64_t o = 0; o < outer; ++o)
                    for (int64_t i = 0; i < sizes[k] * inner; ++i) gx[o * sizes[k] * inner + i] += gy[(o * total + at) * inner + i];
            at += sizes[k];
        }
    });
    float *y = g.get(io).data.data();
    int64_t at = 0;
    for (size_t k = 0; k < xs.size(); ++k) {
        const float *xd = g.get(xs[k]).data.data();
        for (int64_t o = 0; o < outer; ++o)
            std::memcpy(y + (o * total + at) * inner, xd + o * sizes[k] * inner, static_cast<size_t>(sizes[k] * inner) * sizeof(float));
        at += sizes[k];
    }
    return io;
}

Id gather(Graph &g, Id ix, const int32_t *index, int64_t n) {
    const Tensor &x = g.get(ix);
    const int64_t c = x.dim(-1), rows = x.n / c;
    if (n != rows || !index) fail(TILLER_ERR_INVALID_ARGUMENT, "gather: %lld indices for %lld rows of %s", (long long)n, (long long)rows, shape_str(x.shape).c_str());
    auto idx = std::make_shared<std::vector<int32_t>>(index, index + n);
    for (int64_t i = 0; i < n; ++i)
        if (index[i] < 0 || index[i] >= c) fail(TILLER_ERR_INVALID_ARGUMENT, "gather: index %d at row %lld is outside [0, %lld)", index[i], (long long)i, (long long)c);
    std::vector<int64_t> shape(x.shape.begin(), x.shape.end() - 1);
    if (shape.empty()) shape.push_back(1);
    Id io = g.emit(shape, {ix}, [ix, idx, c](Graph &g, Id io) {
        float *gx = g.grad_of(ix);
        const float *gy = g.get(io).grad.data();
        for (size_t i = 0; i < idx->size(); ++i) gx[static_cast<int64_t>(i) * c + (*idx)[i]] += gy[i];
    });
    const float *xd = g.get(ix).data.data();
    float *y = g.get(io).data.data();
    for (int64_t i = 0; i < n; ++i) y[i] = xd[i * c + index[i]];
    return io;
}

Id embedding(Graph &g, Id it, const int32_t *ids, const std::vector<int64_t> &ids_shape) {
    const Tensor &t = g.get(it);
    if (t.rank() != 2) fail(TILLER_ERR_INVALID_ARGUMENT, "embedding: the table must be [vocab, dim], not %s", shape_str(t.shape).c_str());
    const int64_t n = element_count(ids_shape, "embedding ids"), v = t.dim(0), d = t.dim(1);
    if (!ids) fail(TILLER_ERR_INVALID_ARGUMENT, "embedding: no ids");
    for (int64_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= v) fail(TILLER_ERR_INVALID_ARGUMENT, "embedding: id %d at %lld is outside the vocabulary [0, %lld)", ids[i], (long long)i, (long long)v);
    auto idv = std::make_shared<std::vector<int32_t>>(ids, ids + n);
    std::vector<int64_t> shape = ids_shape;
    shape.push_back(d);
    Id io = g.emit(shape, {it}, [it, idv, d](Graph &g, Id io) {
        float *gt = g.grad_of(it);
        const float *gy = g.get(io).grad.data();
        for (size_t i = 0; i < idv->size(); ++i)
            for (int64_t j = 0; j < d; ++j) gt[(*idv)[i] * d + j] += gy[static_cast<int64_t>(i) * d + j];
    });
    const float *td = g.get(it).data.data();
    float *y = g.get(io).data.data();
    for (int64_t i = 0; i < n; ++i) std::memcpy(y + i * d, td + ids[i] * d, static_cast<size_t>(d) * sizeof(float));
    return io;
}

}  // namespace tiller::train
