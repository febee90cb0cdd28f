// Steering cost benchmark (not a test): steering_bench MODEL.gguf SAE STEPS.
// Decode steps alternate unsteered / dense / SAS in one session, so that machine drift hits every
// mode alike; prints the median ms per token of each mode, and steering's own share of a decode
// step, timed inside the runtime (tiller_session_steering_time), which run-to-run noise does not
// blur.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "tiller.h"

namespace {
int fail(const char *what) {
    std::printf("%s: %s\n", what, tiller_last_error());
    return 1;
}
}  // namespace

int main(int argc, char **argv) {
    if (argc != 4) {
        std::printf("usage: steering_bench MODEL.gguf SAE STEPS\n");
        return 2;
    }
    tiller_model *m;
    tiller_sae *sae;
    tiller_session *s;
    if (tiller_model_load(argv[1], &m)) return fail(argv[1]);
    if (tiller_sae_load(argv[2], &sae)) return fail(argv[2]);
    int64_t d, n_features;
    int32_t arch;
    tiller_sae_info(sae, &d, &n_features, &arch);
    const int steps = std::atoi(argv[3]);
    if (tiller_session_new(m, 16 + 3 * steps + 8, 2, &s)) return fail("session");
    std::vector<int32_t> prompt(16);
    for (int i = 0; i < 16; ++i) prompt[i] = 100 + i;
    tiller_session_evaluate(s, prompt.data(), 16, 0);
    std::mt19937 rng(1);
    std::vector<float> v(static_cast<size_t>(d));
    for (float &x : v) x = std::normal_distribution<float>()(rng);
    std::vector<int32_t> idx(64);
    std::vector<float> vals(64, 1.0f);
    for (int k = 0; k < 64; ++k) idx[k] = k * static_cast<int32_t>(n_features / 64);
    std::vector<double> t[3];
    double steer_ms[3] = {0, 0, 0};
    int32_t tok = 5;
    for (int i = 0; i < 3 * steps; ++i) {
        const int mode = i % 3;
        tiller_session_clear_steering(s);
        if (mode == 1) tiller_session_steer_dense(s, 12, v.data(), d, 1.0f, 0);
        if (mode == 2) tiller_session_steer_sas(s, sae, 12, idx.data(), vals.data(), 64, 1.0f, 0, 0);
        double before, after;
        tiller_session_steering_time(s, &before);
        const auto a = std::chrono::steady_clock::now();
        tiller_session_evaluate(s, &tok, 1, 0);
        t[mode].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
        tiller_session_steering_time(s, &after);
        steer_ms[mode] += after - before;
    }
    const char *names[3] = {"unsteered", "dense (layer 12)", "SAS K=64 (layer 12)"};
    double base = 0;
    for (int mode = 0; mode < 3; ++mode) {
        std::sort(t[mode].begin(), t[mode].end());
        const double med = t[mode][t[mode].size() / 2];
        if (mode == 0) base = med;
        std::printf("%-22s median %.2f ms/token (%.1f tok/s), %+.2f%% vs unsteered; steering itself %.4f ms/token = %.4f%% of a step\n",
                    names[mode], med, 1000 / med, 100 * (med - base) / base, steer_ms[mode] / steps, 100 * steer_ms[mode] / steps / med);
    }
    std::printf("(%lld-wide SAE, %d steps per mode)\n", static_cast<long long>(n_features), steps);
    return 0;
}
