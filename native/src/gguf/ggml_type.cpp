#include "gguf/ggml_type.h"

namespace tiller {

namespace {
// Indexed by ggml type id (ggml/include/ggml.h). Types Tiller cannot compute with are listed so
// that errors can name them.
constexpr int kMaxType = 40;
const TypeTraits kUnknown{nullptr, 0, 0, false};
TypeTraits g_traits[kMaxType];

struct Init {
    Init() {
        for (auto &t : g_traits) t = kUnknown;
        g_traits[0] = {"F32", 1, 4, true};
        g_traits[1] = {"F16", 1, 2, true};
        g_traits[2] = {"Q4_0", 32, 18, true};
        g_traits[3] = {"Q4_1", 32, 20, true};
        g_traits[6] = {"Q5_0", 32, 22, true};
        g_traits[7] = {"Q5_1", 32, 24, true};
        g_traits[8] = {"Q8_0", 32, 34, true};
        g_traits[9] = {"Q8_1", 32, 36, false};
        g_traits[10] = {"Q2_K", 256, 84, false};
        g_traits[11] = {"Q3_K", 256, 110, false};
        g_traits[12] = {"Q4_K", 256, 144, true};
        g_traits[13] = {"Q5_K", 256, 176, true};
        g_traits[14] = {"Q6_K", 256, 210, true};
        g_traits[15] = {"Q8_K", 256, 292, false};
        g_traits[16] = {"IQ2_XXS", 256, 66, false};
        g_traits[17] = {"IQ2_XS", 256, 74, false};
        g_traits[18] = {"IQ3_XXS", 256, 98, false};
        g_traits[19] = {"IQ1_S", 256, 50, false};
        g_traits[20] = {"IQ4_NL", 32, 18, false};
        g_traits[21] = {"IQ3_S", 256, 110, false};
        g_traits[22] = {"IQ2_S", 256, 82, false};
        g_traits[23] = {"IQ4_XS", 256, 136, false};
        g_traits[24] = {"I8", 1, 1, false};
        g_traits[25] = {"I16", 1, 2, false};
        g_traits[26] = {"I32", 1, 4, false};
        g_traits[27] = {"I64", 1, 8, false};
        g_traits[28] = {"F64", 1, 8, false};
        g_traits[29] = {"IQ1_M", 256, 56, false};
        g_traits[30] = {"BF16", 1, 2, true};
        g_traits[34] = {"TQ1_0", 256, 54, false};
        g_traits[35] = {"TQ2_0", 256, 66, false};
    }
} g_init;
}  // namespace

const TypeTraits &type_traits(int32_t type) {
    if (type < 0 || type >= kMaxType) return kUnknown;
    return g_traits[type];
}

const char *type_name(int32_t type) {
    const char *n = type_traits(type).name;
    return n ? n : "unknown";
}

}  // namespace tiller
