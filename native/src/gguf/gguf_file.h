// GGUF v2/v3 reader over a memory map. Every count, length and offset is validated against the
// file before use; values and tensor data are views into the map (no copies).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gguf/mapped_file.h"

namespace tiller {

enum MetaType : int32_t {
    META_UINT8 = 0, META_INT8 = 1, META_UINT16 = 2, META_INT16 = 3, META_UINT32 = 4, META_INT32 = 5,
    META_FLOAT32 = 6, META_BOOL = 7, META_STRING = 8, META_ARRAY = 9, META_UINT64 = 10, META_INT64 = 11,
    META_FLOAT64 = 12,
};

struct MetaValue {
    std::string key;
    int32_t type = 0;        // MetaType
    int32_t array_type = -1; // element type when type == META_ARRAY
    int64_t count = 1;       // number of elements (1 for scalars)
    const uint8_t *raw = nullptr;            // first element (numeric) or first string record
    std::vector<std::string_view> strings;   // string scalar / string array elements

    bool is_numeric_element() const;
    int32_t element_type() const { return type == META_ARRAY ? array_type : type; }
    // Numeric element i as integer / floating value; throws on strings or out-of-range index.
    int64_t as_int(int64_t i = 0) const;
    double as_float(int64_t i = 0) const;
};

struct TensorInfo {
    std::string name;
    int32_t type = 0;
    int32_t n_dims = 0;
    int64_t ne[4] = {1, 1, 1, 1};
    uint64_t offset = 0;   // relative to the data section
    int64_t n_bytes = 0;
    const uint8_t *data = nullptr;

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t row_bytes() const;  // bytes of one row of ne[0] elements
};

class GgufFile {
public:
    // Parses and validates; throws Error with the file name and what is wrong.
    explicit GgufFile(const std::string &path);

    const std::string &path() const { return map_->path(); }
    uint32_t version() const { return version_; }
    size_t file_size() const { return map_->size(); }
    uint32_t alignment() const { return alignment_; }

    const std::vector<MetaValue> &meta() const { return meta_; }
    const MetaValue *find(std::string_view key) const;
    std::optional<int64_t> get_int(std::string_view key) const;
    std::optional<double> get_float(std::string_view key) const;
    std::optional<std::string> get_string(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;

    const std::vector<TensorInfo> &tensors() const { return tensors_; }
    const TensorInfo *tensor(std::string_view name) const;

private:
    std::unique_ptr<MappedFile> map_;
    uint32_t version_ = 0;
    uint32_t alignment_ = 32;
    std::vector<MetaValue> meta_;
    std::unordered_map<std::string, size_t> meta_index_;
    std::vector<TensorInfo> tensors_;
    std::unordered_map<std::string, size_t> tensor_index_;
};

}  // namespace tiller
