// Writes GGUF v3 files: metadata (copied from another file or new), tensor infos, then each
// tensor's data produced by a callback, streamed to a temporary file renamed into place at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"

namespace tiller {

class GgufWriter {
public:
    void copy_meta(const MetaValue &v);  // any type, arrays included
    void set_u32(const std::string &key, uint32_t v);
    void set_f32(const std::string &key, float v);
    void set_bool(const std::string &key, bool v);
    void set_string(const std::string &key, const std::string &v);
    void set_strings(const std::string &key, const std::vector<std::string> &v);
    void set_f32s(const std::string &key, const std::vector<float> &v);
    void set_i32s(const std::string &key, const std::vector<int32_t> &v);
    void remove(const std::string &key);

    void add_tensor(const std::string &name, int32_t type, std::vector<int64_t> ne);

    // fill(i, dst) writes tensor i's bytes (row-major, its type's layout) into dst.
    void write(const std::string &path, const std::function<void(size_t, uint8_t *)> &fill) const;

private:
    struct Kv {
        std::string key;
        std::vector<uint8_t> bytes;  // type and value, serialized
    };
    struct Tensor {
        std::string name;
        int32_t type;
        std::vector<int64_t> ne;
        int64_t bytes;
    };
    void put(const std::string &key, std::vector<uint8_t> bytes);

    std::vector<Kv> kvs_;
    std::vector<Tensor> tensors_;
};

}  // namespace tiller
