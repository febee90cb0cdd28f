// Picks the kernel table once: the best the CPU supports, or the one TILLER_CPU names
// (scalar, avx2, avx512) for testing every path; a request that cannot be honoured is reported by
// cpu_request_problem and refused where models and graphs are created.
#include <cstdlib>
#include <cstring>
#include <string>

#include "gguf/ggml_type.h"
#include "kernels/qdot.h"

namespace tiller {

namespace {
// F16C is not checked separately: every CPU with AVX2 and FMA has it (and older clangs cannot
// name it in __builtin_cpu_supports).
bool cpu_has_avx2() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
    return false;
#endif
}

#if !defined(TILLER_X86_KERNELS)
}  // namespace
const QDotTable *qdot_avx2() { return nullptr; }
const QDotTable *qdot_avx512() { return nullptr; }
namespace {
#endif

const QDotTable &choose() {
    const char *want = std::getenv("TILLER_CPU");
    const bool any = !want || !*want;
    if ((any || std::strcmp(want, "avx512") == 0) && cpu_has_avx512() && qdot_avx512()) return *qdot_avx512();
    if ((any || std::strcmp(want, "avx512") == 0 || std::strcmp(want, "avx2") == 0) && cpu_has_avx2() && qdot_avx2())
        return *qdot_avx2();
    return qdot_scalar();
}
}  // namespace

const QDotTable &qdot() {
    static const QDotTable &table = choose();
    return table;
}

const char *cpu_request_problem() {
    static const std::string problem = [] {
        const char *want = std::getenv("TILLER_CPU");
        if (!want || !*want) return std::string();
        const std::string w = want;
        if (w != "scalar" && w != "avx2" && w != "avx512")
            return "TILLER_CPU=" + w + " is not a kernel path (scalar, avx2 or avx512)";
        if (w == "scalar") return std::string();
        const QDotTable *built = w == "avx2" ? qdot_avx2() : qdot_avx512();
        if (!built) return "TILLER_CPU=" + w + " cannot be honoured: this build of the library has no x86 kernels";
        const bool runs = w == "avx2" ? cpu_has_avx2() : cpu_has_avx512();
        if (!runs)
            return "TILLER_CPU=" + w + " cannot be honoured: this CPU lacks " +
                   (w == "avx2" ? "AVX2 + FMA" : "AVX-512 VNNI (with BW and VL)") + "; the best path it runs is " +
                   (cpu_has_avx512() ? "avx512" : cpu_has_avx2() ? "avx2" : "scalar");
        return std::string();
    }();
    return problem.empty() ? nullptr : problem.c_str();
}

QDotFn qdot_for(int32_t type) { return qdot_pick(qdot(), type); }

QDotFn qdot_pick(const QDotTable &t, int32_t type) {
    switch (type) {
        case GGML_Q8_0: return t.q8_0;
        case GGML_Q4_0: return t.q4_0;
        case GGML_Q4_1: return t.q4_1;
        case GGML_Q5_0: return t.q5_0;
        case GGML_Q5_1: return t.q5_1;
        case GGML_Q4_K: return t.q4_k;
        case GGML_Q5_K: return t.q5_k;
        case GGML_Q6_K: return t.q6_k;
        default: return nullptr;
    }
}

}  // namespace tiller
