// C ABI: model file tools (quantization, random-weight models for benchmarks).
#include "core/error.h"
#include "tools/quantize_model.h"
#include "tools/random_model.h"

using namespace tiller;

extern "C" {

int32_t tiller_quantize(const char *in_path, const char *out_path, const char *type, int32_t n_threads, int32_t flags,
                        tiller_progress progress, void *user) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(in_path && out_path && type, "paths and type must not be null");
        TILLER_REQUIRE_ARG((flags & ~TILLER_QUANTIZE_ALLOW_REQUANTIZE) == 0, "unknown quantize flags %d", flags);
        std::function<void(int64_t, int64_t)> report;
        if (progress) report = [&](int64_t done, int64_t total) { progress(done, total, user); };
        quantize_model(in_path, out_path, type, n_threads, flags & TILLER_QUANTIZE_ALLOW_REQUANTIZE, report);
    });
}

int32_t tiller_write_random_model(const char *out_path, const char *arch, const int64_t *shape, const char *type,
                                  int64_t seed, int32_t n_threads) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(out_path && arch && shape && type, "arguments must not be null");
        ModelShape s{arch, shape[0], shape[1], shape[2], shape[3], shape[4], shape[5], shape[6]};
        write_random_model(out_path, s, type, static_cast<uint64_t>(seed), n_threads);
    });
}

}  // extern "C"
