// The machine's limits the kernel benchmarks are read against: read bandwidth (streaming a 1 GiB
// buffer with 512-bit or 256-bit loads on N threads) and the int8 multiply-add peak (independent
// vpdpbusd chains on N threads). Usage: machine_limits [threads (2)]. Best of 5 runs each.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

template <class F>
double best_of(int runs, int threads, F body) {
    double best = 1e30;
    for (int r = 0; r < runs; ++r) {
        const double t0 = now();
        std::vector<std::thread> ts;
        for (int i = 0; i < threads; ++i) ts.emplace_back(body, i);
        for (auto &t : ts) t.join();
        best = std::min(best, now() - t0);
    }
    return best;
}

__attribute__((target("avx2"))) long long read_range(const char *p, size_t n) {
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (size_t i = 0; i < n; i += 128) {
        a = _mm256_add_epi32(a, _mm256_load_si256(reinterpret_cast<const __m256i *>(p + i)));
        b = _mm256_add_epi32(b, _mm256_load_si256(reinterpret_cast<const __m256i *>(p + i + 32)));
        c = _mm256_add_epi32(c, _mm256_load_si256(reinterpret_cast<const __m256i *>(p + i + 64)));
        d = _mm256_add_epi32(d, _mm256_load_si256(reinterpret_cast<const __m256i *>(p + i + 96)));
    }
    a = _mm256_add_epi32(_mm256_add_epi32(a, b), _mm256_add_epi32(c, d));
    return _mm256_extract_epi64(a, 0) + _mm256_extract_epi64(a, 1);
}

// 8 independent accumulators so that throughput, not latency, bounds the loop; 64 u8 x s8
// products (128 ops) per instruction.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int vnni_loop(long iters) {
    __m512i acc[8];
    for (auto &v : acc) v = _mm512_setzero_si512();
    const __m512i u = _mm512_set1_epi8(3), s = _mm512_set1_epi8(-2);
    for (long i = 0; i < iters; ++i)
        for (auto &v : acc) v = _mm512_dpbusd_epi32(v, u, s);
    __m512i t = acc[0];
    for (int k = 1; k < 8; ++k) t = _mm512_add_epi32(t, acc[k]);
    int lanes[16];
    _mm512_storeu_si512(lanes, t);
    int sum = 0;
    for (int v : lanes) sum += v;
    return sum;
}

}  // namespace

int main(int argc, char **argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const size_t bytes = size_t(1) << 30;
    char *buf = static_cast<char *>(std::aligned_alloc(64, bytes));
    std::memset(buf, 1, bytes);
    std::vector<long long> sink(threads);
    const double t_read = best_of(5, threads, [&](int i) {
        const size_t lo = bytes / threads * i, hi = bytes / threads * (i + 1);
        sink[i] = read_range(buf + lo, hi - lo);
    });
    std::printf("read bandwidth, %d threads: %.1f GB/s\n", threads, bytes / t_read / 1e9);
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512vnni")) {
        const long iters = 20'000'000;
        std::vector<int> isink(threads);
        const double t_vnni = best_of(5, threads, [&](int i) { isink[i] = vnni_loop(iters); });
        std::printf("int8 multiply-add peak (vpdpbusd zmm), %d threads: %.0f GOP/s%s\n", threads,
                    double(iters) * 8 * 64 * 2 * threads / t_vnni / 1e9, isink[0] == 1 ? " " : "");
    } else {
        std::printf("no AVX-512 VNNI: int8 peak not measured\n");
    }
    long long check = 0;
    for (long long v : sink) check += v;
    std::free(buf);
    return check == -1 ? 1 : 0;  // keeps the reads observable
}
