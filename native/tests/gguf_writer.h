// Builds GGUF bytes in memory for the native tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tiller_test {

class GgufWriter {
public:
    void u32(const std::string &key, uint32_t v);
    void f32(const std::string &key, float v);
    void str(const std::string &key, const std::string &v);
    void strings(const std::string &key, const std::vector<std::string> &v);
    void tensor_f32(const std::string &name, std::vector<int64_t> ne, const std::vector<float> &values);

    std::vector<uint8_t> build() const;

private:
    struct Tensor {
        std::string name;
        std::vector<int64_t> ne;
        std::vector<uint8_t> data;
    };
    std::vector<std::vector<uint8_t>> kvs_;
    std::vector<Tensor> tensors_;
};

// Writes bytes to a fresh temporary file and returns its path.
std::string write_temp(const std::vector<uint8_t> &bytes, const std::string &name);

// A tiny valid Gemma 2 model (random weights).
std::vector<uint8_t> tiny_gemma2();

}  // namespace tiller_test
