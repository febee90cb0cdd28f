// `tiller quantize IN OUT TYPE`: re-encodes every weight matrix of a GGUF in the target type (or
// llama.cpp mix), copying all metadata.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace tiller {

// progress(done, total) after each tensor, in elements; allow_requantize as llama.cpp's flag.
void quantize_model(const std::string &in, const std::string &out, const std::string &target, int n_threads,
                    bool allow_requantize, const std::function<void(int64_t, int64_t)> &progress);

}  // namespace tiller
