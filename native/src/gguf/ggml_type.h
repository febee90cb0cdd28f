// The ggml tensor types a GGUF file can name: ids, block sizes and byte sizes.
#pragma once

#include <cstdint>

namespace tiller {

enum GgmlType : int32_t {
    GGML_F32 = 0,
    GGML_F16 = 1,
    GGML_Q4_0 = 2,
    GGML_Q4_1 = 3,
    GGML_Q5_0 = 6,
    GGML_Q5_1 = 7,
    GGML_Q8_0 = 8,
    GGML_Q8_1 = 9,
    GGML_Q2_K = 10,
    GGML_Q3_K = 11,
    GGML_Q4_K = 12,
    GGML_Q5_K = 13,
    GGML_Q6_K = 14,
    GGML_Q8_K = 15,
    GGML_BF16 = 30,
};

struct TypeTraits {
    const char *name;     // nullptr for ids that do not exist
    int64_t block_elems;  // elements per block
    int64_t block_bytes;  // bytes per block
    bool supported;       // Tiller can compute with it as a weight
};

// Traits of a type id; name == nullptr when the id is unknown.
const TypeTraits &type_traits(int32_t type);
const char *type_name(int32_t type);  // "type 123" style text for unknown ids is not stable: returns "unknown"

}  // namespace tiller
