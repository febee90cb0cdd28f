#include <algorithm>

#include "core/error.h"
#include "train/ops.h"
#include "train/sgemm.h"

namespace tiller::train {

namespace {
struct Mm {
    int64_t batch, m, n, k;
    bool ta, tb, shared_b;
    int64_t lda() const { return ta ? m : k; }
    int64_t ldb() const { return tb ? k : n; }
    int64_t sa() const { return m * k; }
    int64_t sb() const { return shared_b ? 0 : k * n; }
    int64_t sc() const { return m * n; }
    // A 2-D B and an untransposed A: the batch folds into M, one GEMM.
    bool folds() const { return shared_b && !ta; }
};

Mm matmul_shape(const Tensor &a, const Tensor &b, bool ta, bool tb) {
    if (a.rank() < 2 || b.rank() < 2)
        fail(TILLER_ERR_INVALID_ARGUMENT, "matmul: operands must have rank >= 2, not %s and %s", shape_str(a.shape).c_str(),
             shape_str(b.shape).c_str());
    Mm s{};
    s.ta = ta;
    s.tb = tb;
    s.m = ta ? a.dim(-1) : a.dim(-2);
    s.k = ta ? a.dim(-2) : a.dim(-1);
    const int64_t kb = tb ? b.dim(-1) : b.dim(-2);
    s.n = tb ? b.dim(-2) : b.dim(-1);
    s.batch = a.n / (a.dim(-1) * a.dim(-2));
    s.shared_b = b.rank() == 2;
    const bool batch_ok = s.shared_b || (b.rank() == a.rank() && std::equal(a.shape.begin(), a.shape.end() - 2, b.shape.begin()));
    if (kb != s.k || !batch_ok)
        fail(TILLER_ERR_INVALID_ARGUMENT, "matmul: shapes %s%s and %s%s do not multiply", shape_str(a.shape).c_str(), ta ? "^T" : "",
             shape_str(b.shape).c_str(), tb ? "^T" : "");
    return s;
}
}  // namespace

Id matmul(Graph &g, Id ia, Id ib, bool ta, bool tb) {
    const Mm s = matmul_shape(g.get(ia), g.get(ib), ta, tb);
    std::vector<int64_t> shape(g.get(ia).shape.begin(), g.get(ia).shape.end() - 2);
    shape.push_back(s.m);
    shape.push_back(s.n);
    Id io = g.emit(shape, {ia, ib}, [ia, ib, s](Graph &g, Id io) {
        const float *a = g.get(ia).data.data(), *b = g.get(ib).data.data(), *gc = g.get(io).grad.data();
        float *ga = g.grad_of(ia), *gb = g.grad_of(ib);
        ThreadPool &p = g.pool();
        // dA = dC op(B)^T (stored [K, M] when ta: op(B) dC^T); dB = op(A)^T dC (stored [N, K] when tb: dC^T op(A)).
        if (ga) {
            if (s.folds())
                sgemm(p, false, !s.tb, s.batch * s.m, s.k, s.n, gc, s.n, b, s.ldb(), ga, s.k, true);
            else
                for (int64_t i = 0; i < s.batch; ++i) {
                    if (!s.ta)
                        sgemm(p, false, !s.tb, s.m, s.k, s.n, gc + i * s.sc(), s.n, b + i * s.sb(), s.ldb(), ga + i * s.sa(), s.k, true);
                    else
                        sgemm(p, s.tb, true, s.k, s.m, s.n, b + i * s.sb(), s.ldb(), gc + i * s.sc(), s.n, ga + i * s.sa(), s.m, true);
                }
        }
        if (gb) {
            if (s.folds()) {
                if (!s.tb)
                    sgemm(p, true, false, s.k, s.n, s.batch * s.m, a, s.k, gc, s.n, gb, s.n, true);
                else
                    sgemm(p, true, false, s.n, s.k, s.batch * s.m, gc, s.n, a, s.k, gb, s.k, true);
            } else
                for (int64_t i = 0; i < s.batch; ++i) {
                    if (!s.tb)
                        sgemm(p, !s.ta, false, s.k, s.n, s.m, a + i * s.sa(), s.lda(), gc + i * s.sc(), s.n, gb + i * s.sb(), s.n, true);
                    else
                        sgemm(p, true, s.ta, s.n, s.k, s.m, gc + i * s.sc(), s.n, a + i * s.sa(), s.lda(), gb + i * s.sb(), s.k, true);
                }
        }
    });
    const float *a = g.get(ia).data.data(), *b = g.get(ib).data.data();
    float *c = g.get(io).data.data();
    if (s.folds())
        sgemm(g.pool(), false, s.tb, s.batch * s.m, s.n, s.k, a, s.k, b, s.ldb(), c, s.n, false);
    else
        for (int64_t i = 0; i < s.batch; ++i)
            sgemm(g.pool(), s.ta, s.tb, s.m, s.n, s.k, a + i * s.sa(), s.lda(), b + i * s.sb(), s.ldb(), c + i * s.sc(), s.n, false);
    return io;
}

}  // namespace tiller::train
