// Float32 tensors from the files SAEs come in: safetensors (SAELens) and numpy .npz archives of
// .npy members (Gemma Scope). Both are mapped; every offset and shape is checked against the file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gguf/mapped_file.h"

namespace tiller {

struct F32Tensor {
    std::vector<int64_t> shape;
    const float *data = nullptr;  // little-endian float32, row-major
    int64_t size() const;
};

class TensorFile {
public:
    // Opens a .safetensors or .npz file (by content).
    explicit TensorFile(const std::string &path);

    const std::string &path() const { return map_->path(); }
    // Throws naming the file and tensor when absent.
    const F32Tensor &get(const std::string &name) const;
    bool has(const std::string &name) const { return tensors_.count(name) != 0; }

private:
    void read_safetensors();
    void read_npz();
    const float *aligned(const uint8_t *values, int64_t count);

    std::unique_ptr<MappedFile> map_;
    std::map<std::string, F32Tensor> tensors_;
    std::vector<std::vector<float>> owned_;  // aligned copies of misaligned arrays
};

}  // namespace tiller
