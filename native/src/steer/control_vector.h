// llama.cpp control-vector files: GGUF with general.architecture = controlvector and F32 1-D
// tensors direction.N (N >= 1), each added to resid_post(N).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tiller {

class ControlVectorFile {
public:
    explicit ControlVectorFile(const std::string &path);

    int64_t n_embd() const { return n_embd_; }
    int64_t max_layer() const { return max_layer_; }
    // nullptr when the file has no direction for the layer.
    const float *direction(int64_t layer) const;

private:
    int64_t n_embd_ = 0;
    int64_t max_layer_ = 0;
    std::map<int64_t, std::vector<float>> directions_;
};

}  // namespace tiller
