// Every kernel path against the scalar reference: the integer dot products of each dispatch
// table (scalar, AVX2, AVX-512 where this CPU has them) and the repacked AVX-512 kernels match a
// float computation on the dequantized weights and activations; fast_tanh matches std::tanh.
#include <cmath>
#include <random>
#include <vector>

#include "gguf/ggml_type.h"
#include "kernels/act_quant.h"
#include "kernels/elementwise.h"
#include "kernels/fast_math.h"
#include "kernels/matmul.h"
#include "kernels/packed.h"
#include "kernels/qdot.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"
#include "test.h"

using namespace tiller;

namespace {
bool cpu_runs(const char *name) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (std::string(name) == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (std::string(name) == "avx512")
        return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#endif
    return std::string(name) == "scalar";
}

// The integer dot products of one dispatch table, every weight type and 1..4 tokens, against a
// float computation on the dequantized weights and the activations' own 8-bit values.
void check_table(const QDotTable &table) {
    const int64_t n = 512;
    std::mt19937 rng(5);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    const QDotTable *tables[] = {&table};
    const int32_t types[] = {GGML_Q8_0, GGML_Q4_0, GGML_Q4_1, GGML_Q5_0, GGML_Q5_1, GGML_Q4_K, GGML_Q5_K, GGML_Q6_K};
    for (int32_t type : types) {
        const TypeTraits &tt = type_traits(type);
        std::vector<float> wf(n), x(4 * n);
        for (auto &v : wf) v = nd(rng);
        for (auto &v : x) v = nd(rng);
        std::vector<uint8_t> w(n / tt.block_elems * tt.block_bytes);
        quantize_row(type, wf.data(), w.data(), n);
        std::vector<float> wd(n);
        dequantize_row(type, w.data(), wd.data(), n);
        std::vector<ActBlock> xq(4 * n / 32);
        for (int t = 0; t < 4; ++t) quantize_activations(x.data() + t * n, xq.data() + t * n / 32, n);
        const ActBlock *rows[4] = {&xq[0], &xq[n / 32], &xq[2 * n / 32], &xq[3 * n / 32]};
        for (const QDotTable *table : tables) {
            for (int nt = 1; nt <= 4; ++nt) {
                float out[4];
                qdot_pick(*table, type)(w.data(), rows, nt, n, out);
                for (int t = 0; t < nt; ++t) {
                    double ref = 0, mag = 0;
                    for (int64_t i = 0; i < n; ++i) {
                        const ActBlock &b = rows[t][i / 32];
                        const double xi = b.d * b.q[i % 32];
                        ref += wd[i] * xi;
                        mag += std::fabs(wd[i] * xi);
                    }
                    const double err = std::fabs(out[t] - ref) / mag;
                    if (!(err < 1e-5))
                        std::fprintf(stderr, "  %s %s nt=%d t=%d: %f vs %f (rel %.2g)\n", table->name, tt.name, nt, t, out[t],
                                     ref, err);
                    CHECK(err < 1e-5);
                }
            }
        }
    }
}
}  // namespace

TEST(scalar_table_matches_the_float_reference) { check_table(qdot_scalar()); }

TEST(avx2_table_matches_the_float_reference) {
    if (!qdot_avx2()) SKIP("the library was built without the x86 kernels");
    if (!cpu_runs("avx2")) SKIP("this CPU has no AVX2 + FMA");
    check_table(*qdot_avx2());
}

TEST(avx512_table_matches_the_float_reference) {
    if (!qdot_avx512()) SKIP("the library was built without the x86 kernels");
    if (!cpu_runs("avx512")) SKIP("this CPU has no AVX-512 VNNI (BW, VL)");
    check_table(*qdot_avx512());
}

TEST(activation_blocks_round_trip) {
    std::vector<float> x(64);
    for (int i = 0; i < 64; ++i) x[i] = std::sin(0.3f * i) * 3.0f;
    ActBlock b[2];
    quantize_activations(x.data(), b, 64);
    for (int i = 0; i < 64; ++i) CHECK(std::fabs(b[i / 32].d * b[i / 32].q[i % 32] - x[i]) <= b[i / 32].d * 0.5f + 1e-6f);
    int lo = 0;
    for (int i = 0; i < 16; ++i) lo += b[0].q[i];
    CHECK(lo == b[0].sum_lo);
}

TEST(fast_tanh_is_accurate) {
    double worst = 0;
    for (float y = -12.0f; y <= 12.0f; y += 0.001f) worst = std::max(worst, std::fabs(double(fast_tanh(y)) - std::tanh(double(y))));
    CHECK(worst < 1e-6);
}

// Repacked 16-row tiles: a row count that leaves a partial group, 1..9 tokens (every token-tile
// remainder), each weight type with a packed layout; against dequantized weights times the
// activations' own 8-bit values, summed in double.
TEST(packed_kernels_match_the_float_reference) {
    const PackedKernels *k = packed_avx512();
    if (!k) SKIP("the library was built without the x86 kernels");
    if (!cpu_runs("avx512")) SKIP("this CPU has no AVX-512 VNNI: the packed kernels exist only for it");
    const int64_t n_cols = 512, n_rows = 37, max_t = 9;
    std::mt19937 rng(11);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> x(max_t * n_cols);
    for (auto &v : x) v = nd(rng);
    x[5] = 0.0f;  // an all-zero block
    for (int i = 0; i < 32; ++i) x[n_cols + i] = 0.0f;
    std::vector<PackedActBlock> xq(max_t * n_cols / 32);
    for (int t = 0; t < max_t; ++t) quantize_activations_packed(x.data() + t * n_cols, xq.data() + t * n_cols / 32, n_cols);
    const std::pair<int32_t, PackedKernelFn> types[] = {
        {GGML_Q8_0, k->q8_0}, {GGML_Q4_0, k->q4_0}, {GGML_Q4_K, k->q4_k}, {GGML_Q6_K, k->q6_k}};
    for (auto [type, fn] : types) {
        const TypeTraits &tt = type_traits(type);
        const int64_t row_bytes = n_cols / tt.block_elems * tt.block_bytes;
        std::vector<uint8_t> w(n_rows * row_bytes);
        std::vector<float> wd(n_rows * n_cols), row(n_cols);
        for (int64_t r = 0; r < n_rows; ++r) {
            for (auto &v : row) v = nd(rng) * (1.0f + r % 3);
            quantize_row(type, row.data(), w.data() + r * row_bytes, n_cols);
            dequantize_row(type, w.data() + r * row_bytes, wd.data() + r * n_cols, n_cols);
        }
        const auto packed = pack_weight(WeightView{w.data(), type, n_cols, n_rows, row_bytes}, 2);
        CHECK(packed != nullptr);
        for (int64_t t = 1; t <= max_t; ++t) {
            std::vector<float> y(t * n_rows, -1.0f);
            fn(*packed, xq.data(), t, 0, packed->n_groups, y.data());
            for (int64_t i = 0; i < t; ++i) {
                for (int64_t r = 0; r < n_rows; ++r) {
                    double ref = 0, mag = 0;
                    for (int64_t c = 0; c < n_cols; ++c) {
                        const PackedActBlock &b = xq[i * n_cols / 32 + c / 32];
                        const double p = double(wd[r * n_cols + c]) * b.d * b.q[c % 32];
                        ref += p;
                        mag += std::fabs(p);
                    }
                    const double err = std::fabs(y[i * n_rows + r] - ref) / std::max(mag, 1e-30);
                    if (!(err < 1e-5))
                        std::fprintf(stderr, "  packed %s t=%lld token %lld row %lld: %f vs %f (rel %.2g)\n", tt.name,
                                     (long long)t, (long long)i, (long long)r, y[i * n_rows + r], ref, err);
                    CHECK(err < 1e-5);
                }
            }
        }
    }
}
