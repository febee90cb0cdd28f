// The training GEMM against a plain double-precision product, in every transpose case, on shapes
// that hit each of its paths: the narrow dot-product path (n <= 4), the packed kernel with partial
// register tiles and panels, several K blocks, one and several threads, padded leading dimensions
// and accumulation into C.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "test.h"
#include "train/sgemm.h"

namespace {

// Max |C - ref| / (1 + |ref|) of one product; C starts from c0 when accumulate.
double relative_error(tiller::ThreadPool &pool, bool ta, bool tb, int64_t m, int64_t n, int64_t k, bool accumulate, std::mt19937 &rng) {
    std::uniform_real_distribution<float> u(-1, 1);
    const int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2;  // padded rows
    std::vector<float> a((ta ? k : m) * lda), b((tb ? n : k) * ldb), c(m * ldc);
    for (float &v : a) v = u(rng);
    for (float &v : b) v = u(rng);
    for (float &v : c) v = u(rng);
    const std::vector<float> c0 = c;
    tiller::train::sgemm(pool, ta, tb, m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, accumulate);
    double worst = 0;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double ref = accumulate ? c0[i * ldc + j] : 0.0;
            for (int64_t p = 0; p < k; ++p) ref += double(ta ? a[p * lda + i] : a[i * lda + p]) * double(tb ? b[j * ldb + p] : b[p * ldb + j]);
            worst = std::max(worst, std::fabs(c[i * ldc + j] - ref) / (1 + std::fabs(ref)));
        }
        for (int64_t j = n; j < ldc; ++j)  // the padding of C is never written
            if (c[i * ldc + j] != c0[i * ldc + j]) worst = 1e9;
    }
    return worst;
}

}  // namespace

TEST(sgemm_matches_a_plain_product_on_every_path) {
    struct Case {
        int64_t m, n, k;
    };
    const Case cases[] = {{1, 1, 1},   {7, 1, 5},    {13, 2, 390},  {390, 2, 64}, {5, 3, 1100}, {64, 4, 2},  {64, 5, 2},
                          {6, 32, 7},  {7, 33, 300}, {64, 390, 392}, {13, 70, 520}, {392, 390, 64}, {2, 100, 1030}};
    std::mt19937 rng(7);
    for (int threads : {1, 2, 3}) {
        tiller::ThreadPool pool(threads);
        for (const Case &s : cases)
            for (int ta = 0; ta < 2; ++ta)
                for (int tb = 0; tb < 2; ++tb)
                    for (int acc = 0; acc < 2; ++acc) {
                        // float rounding grows like sqrt(k); a dropped or doubled term costs ~0.1
                        const double err = relative_error(pool, ta, tb, s.m, s.n, s.k, acc, rng), tol = 5e-6 * std::sqrt(double(s.k));
                        if (err > tol)
                            std::fprintf(stderr, "  threads %d, %lldx%lldx%lld ta %d tb %d accumulate %d: error %.3g\n", threads, (long long)s.m,
                                         (long long)s.n, (long long)s.k, ta, tb, acc, err);
                        CHECK(err <= tol);
                    }
    }
}
