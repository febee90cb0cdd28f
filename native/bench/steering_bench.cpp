// Steering cost benchmark (not a test): usage steering_bench MODEL.gguf SAE STEPS.
// Interleaved decode timing: the same session alternates unsteered / dense / SAS steps, so that
// machine drift hits every mode alike. Prints median ms per token per mode.
#include "tiller.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
int main(int argc, char **argv) {
    tiller_model *m; if (tiller_model_load(argv[1], &m)) { printf("%s\n", tiller_last_error()); return 1; }
    tiller_sae *sae; if (tiller_sae_load(argv[2], &sae)) { printf("%s\n", tiller_last_error()); return 1; }
    int64_t d, M; int32_t arch; tiller_sae_info(sae, &d, &M, &arch);
    const int steps = atoi(argv[3]);
    tiller_session *s; tiller_session_new(m, 16 + 3 * steps + 8, 2, &s);
    std::vector<int32_t> prompt(16); for (int i = 0; i < 16; ++i) prompt[i] = 100 + i;
    tiller_session_evaluate(s, prompt.data(), 16, 0);
    std::mt19937 rng(1); std::vector<float> v(d); for (auto &x : v) x = std::normal_distribution<float>()(rng);
    std::vector<int32_t> idx(64); std::vector<float> vals(64);
    for (int k = 0; k < 64; ++k) { idx[k] = k * (int)(M / 64); vals[k] = 1.0f; }
    std::vector<double> t[3];
    int32_t tok = 5;
    for (int i = 0; i < 3 * steps; ++i) {
        int mode = i % 3;
        tiller_session_clear_steering(s);
        if (mode == 1) tiller_session_steer_dense(s, 12, v.data(), d, 1.0f, 0);
        if (mode == 2) tiller_session_steer_sas(s, sae, 12, idx.data(), vals.data(), 64, 1.0f, 0, 0);
        auto a = std::chrono::steady_clock::now();
        tiller_session_evaluate(s, &tok, 1, 0);
        t[mode].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    }
    const char *names[3] = {"unsteered", "dense (layer 12)", "SAS K=64, 16k SAE (layer 12)"};
    double base = 0;
    for (int mode = 0; mode < 3; ++mode) {
        std::sort(t[mode].begin(), t[mode].end());
        double med = t[mode][t[mode].size() / 2];
        if (mode == 0) base = med;
        printf("%-32s median %.2f ms/token (%.1f tok/s), %+.2f%% vs unsteered\n", names[mode], med, 1000 / med, 100 * (med - base) / base);
    }
}
