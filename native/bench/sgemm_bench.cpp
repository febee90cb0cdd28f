// The training GEMM on the shapes of small-batch training steps (XRM's 392-390-390-2 twins at
// batch 64, MNIST's 784-512-512-10 at batch 128, a small LM): forward, input gradient and weight
// gradient. Prints the median time and GFLOPS of each shape, checked against a plain product.
// Arguments: [threads (2)] [repeats (200)].
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "train/sgemm.h"

namespace {

struct Shape {
    const char *name;
    bool ta, tb;
    int64_t m, n, k;
};

float max_error(const Shape &s, const std::vector<float> &a, const std::vector<float> &b, const std::vector<float> &c) {
    float worst = 0;
    for (int64_t i = 0; i < s.m; ++i)
        for (int64_t j = 0; j < s.n; ++j) {
            double acc = 0;
            for (int64_t p = 0; p < s.k; ++p)
                acc += double(s.ta ? a[p * s.m + i] : a[i * s.k + p]) * double(s.tb ? b[j * s.k + p] : b[p * s.n + j]);
            worst = std::max(worst, float(std::fabs(acc - c[i * s.n + j])));
        }
    return worst;
}

}  // namespace

int main(int argc, char **argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2, repeats = argc > 2 ? std::atoi(argv[2]) : 200;
    // Linear keeps its weight [out, in], as PyTorch does: forward X W^T, input gradient dY W,
    // weight gradient dY^T X.
    const Shape shapes[] = {
        {"xrm fwd 64x390x392 (B^T)", false, true, 64, 390, 392}, {"xrm fwd 64x390x390 (B^T)", false, true, 64, 390, 390},
        {"xrm fwd 64x2x390 (B^T)", false, true, 64, 2, 390},     {"xrm dX 64x390x390", false, false, 64, 390, 390},
        {"xrm dX 64x390x2", false, false, 64, 390, 2},           {"xrm dW 390x392x64 (A^T)", true, false, 390, 392, 64},
        {"xrm dW 390x390x64 (A^T)", true, false, 390, 390, 64},  {"xrm dW 2x390x64 (A^T)", true, false, 2, 390, 64},
        {"mnist fwd 128x512x784 (B^T)", false, true, 128, 512, 784}, {"mnist dX 128x512x512", false, false, 128, 512, 512},
        {"mnist dW 512x784x128 (A^T)", true, false, 512, 784, 128},
        // the 4-layer LM of scripts/bench-train: d 256, GeGLU 1024, vocab 4096, 8 x 128 tokens
        {"lm ffn 1024x1024x256 (B^T)", false, true, 1024, 1024, 256}, {"lm down 1024x256x1024 (B^T)", false, true, 1024, 256, 1024},
        {"lm head 1024x4096x256 (B^T)", false, true, 1024, 4096, 256}, {"lm head dX 1024x256x4096", false, false, 1024, 256, 4096},
        {"lm head dW 4096x256x1024 (A^T)", true, false, 4096, 256, 1024},
    };
    tiller::ThreadPool pool(threads);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1, 1);
    for (const Shape &s : shapes) {
        std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
        for (float &v : a) v = u(rng);
        for (float &v : b) v = u(rng);
        const int64_t lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
        std::vector<double> secs;
        for (int r = 0; r < repeats; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            tiller::train::sgemm(pool, s.ta, s.tb, s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(), s.n, false);
            secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(secs.begin(), secs.end());
        const double med = secs[secs.size() / 2];
        std::printf("%-28s %8.1f us %7.1f GFLOPS  max error %.2e\n", s.name, med * 1e6, 2.0 * s.m * s.n * s.k / med / 1e9,
                    max_error(s, a, b, c));
    }
}
