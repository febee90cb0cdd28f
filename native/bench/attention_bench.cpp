// Decode attention on its own: one query row over a long KV cache (float32 and F16), the Gemma 2 2B and
// Gemma 3 270M head layouts, dense and query-adaptive at forced sparsities; GB/s of keys and
// values read against the machine's read bandwidth (bench/machine_limits).
// Usage: attention_bench [threads] [context] [decode]   (decode: skip the prefill line)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/attention.h"
#include "kernels/qada.h"
#include "quant/quantize.h"

using namespace tiller;

namespace {
double seconds_per_call(const std::function<void()> &fn) {
    fn();
    std::vector<double> t;
    for (int r = 0; r < 7; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}
}  // namespace

int main(int argc, char **argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const int64_t ctx = argc > 2 ? std::atoll(argv[2]) : 8192;
    const bool prefill = !(argc > 3 && std::string(argv[3]) == "decode");
    ThreadPool pool(threads);
    struct Layout {
        const char *name;
        int64_t n_head, n_kv, hd;
        float cap;
    };
    for (const Layout &l : {Layout{"gemma2-2b", 8, 4, 256, 50.0f}, Layout{"gemma3-270m", 4, 1, 256, 0.0f}}) {
        const int64_t kv = l.n_kv * l.hd;
        std::vector<float> k(static_cast<size_t>(ctx * kv)), v(k.size()), q(static_cast<size_t>(l.n_head * l.hd)), out(q.size());
        std::mt19937 rng(1);
        std::normal_distribution<float> nd(0, 1);
        for (size_t i = 0; i < k.size(); ++i) k[i] = float((i * 2654435761u) % 1000) / 500.0f - 1.0f, v[i] = float((i * 40503u) % 1000) / 500.0f - 1.0f;
        for (float &x : q) x = 0.06f * nd(rng);
        // Head-major rows as the KV cache keeps them; the batch's rows are read through the same view.
        auto view = [&](const void *rows, int32_t type, int64_t elem_bytes) {
            return KvView{static_cast<const uint8_t *>(rows), l.hd * elem_bytes, ctx * l.hd * elem_bytes, l.hd, 0, 0, type};
        };
        const KvView kf = view(k.data(), GGML_F32, 4), vf = view(v.data(), GGML_F32, 4);
        AttentionArgs a{1, 1, ctx - 1, l.n_head, l.n_kv, l.hd, 0, l.cap, q.data(), kf, vf, kf, vf, out.data(), nullptr};
        const double bytes = 2.0 * double(ctx) * kv * 4;
        const double dense = seconds_per_call([&] { attention(pool, a); });
        std::printf("%-12s ctx %lld  dense     %8.3f ms  %6.1f GB/s\n", l.name, (long long)ctx, dense * 1e3, bytes / dense / 1e9);
        {  // the same keys and values in an F16 cache (--cache-type-k/v f16): half the bytes
            std::vector<uint8_t> k16(static_cast<size_t>(ctx * kv * 2)), v16(k16.size());
            quantize_row(GGML_F16, k.data(), k16.data(), ctx * kv);
            quantize_row(GGML_F16, v.data(), v16.data(), ctx * kv);
            AttentionArgs h = a;
            h.past_k = view(k16.data(), GGML_F16, 2);
            h.past_v = view(v16.data(), GGML_F16, 2);
            const double s = seconds_per_call([&] { attention(pool, h); });
            std::printf("%-12s ctx %lld  dense f16 %8.3f ms  %6.1f GB/s  %5.2fx f32\n", l.name, (long long)ctx, s * 1e3,
                        bytes / 2 / s / 1e9, dense / s);
        }
        if (prefill) {  // the last 512 rows of the context as one batch
            const int64_t T = std::min<int64_t>(512, ctx), p0 = ctx - T;
            std::vector<float> qs(static_cast<size_t>(T * l.n_head * l.hd)), os(qs.size());
            for (float &x : qs) x = 0.06f * nd(rng);
            AttentionArgs b{1, T, p0, l.n_head, l.n_kv, l.hd, 0, l.cap, qs.data(), kf, vf, kf, vf, os.data(), nullptr};
            const double s = seconds_per_call([&] { attention(pool, b); });
            const double flops = 4.0 * double(T) * double(p0 + T / 2) * l.n_head * l.hd;
            std::printf("%-12s ctx %lld  prefill %lld rows %8.1f ms  %6.1f GFLOP/s\n", l.name, (long long)ctx, (long long)T, s * 1e3,
                        flops / s / 1e9);
        }
        for (double local : {0.5, 0.8, 0.9}) {
            QadaConfig c;
            c.decision = QadaDecision::forced;
            c.tau = local;
            QadaArgs qa{&c};
            const double s = seconds_per_call([&] { qada_attention(pool, a, qa); });
            std::printf("%-12s ctx %lld  %.0f%% local %8.3f ms  %5.2fx dense\n", l.name, (long long)ctx, local * 100, s * 1e3, dense / s);
        }
    }
}
