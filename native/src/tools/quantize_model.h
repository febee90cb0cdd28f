// `tiller quantize IN OUT TYPE`: re-encodes every weight matrix of a GGUF in the target type (or
// llama.cpp mix), copying all metadata.
#pragma once

#include <string>

namespace tiller {

void quantize_model(const std::string &in, const std::string &out, const std::string &target, int n_threads);

}  // namespace tiller
