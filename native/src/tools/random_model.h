// Random-weight GGUFs of real Gemma shapes, for benchmarks (speed does not depend on the values).
#pragma once

#include <cstdint>
#include <string>

namespace tiller {

struct ModelShape {
    std::string arch;  // gemma, gemma2, gemma3
    int64_t n_layer, n_embd, n_head, n_head_kv, head_dim, n_ff, n_vocab;
};

void write_random_model(const std::string &out, const ModelShape &shape, const std::string &target, uint64_t seed,
                        int n_threads);

}  // namespace tiller
