#include "gguf/gguf_file.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "gguf/ggml_type.h"

namespace tiller {

namespace {

constexpr int64_t kMaxDims = 4;

int64_t scalar_size(int32_t t) {
    switch (t) {
        case META_UINT8: case META_INT8: case META_BOOL: return 1;
        case META_UINT16: case META_INT16: return 2;
        case META_UINT32: case META_INT32: case META_FLOAT32: return 4;
        case META_UINT64: case META_INT64: case META_FLOAT64: return 8;
        default: return 0;
    }
}

// Bounded cursor over the mapped bytes: every read checks the remaining length first.
class Cursor {
public:
    Cursor(const std::string &path, const uint8_t *base, size_t size) : path_(path), base_(base), size_(size) {}

    size_t pos() const { return pos_; }
    size_t remaining() const { return size_ - pos_; }
    const uint8_t *here() const { return base_ + pos_; }

    void need(uint64_t n, const char *what) const {
        if (n > remaining())
            fail(TILLER_ERR_FORMAT, "%s: truncated file: %s needs %llu bytes at offset %zu but only %zu remain",
                 path_.c_str(), what, (unsigned long long)n, pos_, remaining());
    }
    template <typename T>
    T read(const char *what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, base_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    void skip(uint64_t n, const char *what) {
        need(n, what);
        pos_ += n;
    }
    std::string_view string(const char *what) {
        uint64_t len = read<uint64_t>(what);
        need(len, what);
        std::string_view s(reinterpret_cast<const char *>(base_ + pos_), len);
        pos_ += len;
        return s;
    }

private:
    const std::string &path_;
    const uint8_t *base_;
    size_t size_;
    size_t pos_ = 0;
};

bool checked_mul(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }

// A float metadata value read as an integer: NaN, infinities and out-of-range values are errors
// (the cast would be undefined behaviour).
int64_t float_to_int(double v, const std::string &key) {
    if (!(v >= -9.2e18 && v <= 9.2e18))
        fail(TILLER_ERR_FORMAT, "metadata key '%s' holds %g, which is not a usable integer", key.c_str(), v);
    return static_cast<int64_t>(v);
}

}  // namespace

bool MetaValue::is_numeric_element() const { return scalar_size(element_type()) > 0; }

int64_t MetaValue::as_int(int64_t i) const {
    int32_t t = element_type();
    if (!is_numeric_element() || i < 0 || i >= count)
        fail(TILLER_ERR_FORMAT, "metadata key '%s' is not an integer (or index %lld out of range)", key.c_str(),
             (long long)i);
    const uint8_t *p = raw + i * scalar_size(t);
    switch (t) {
        case META_UINT8: return *p;
        case META_INT8: return static_cast<int8_t>(*p);
        case META_BOOL: return *p != 0;
        case META_UINT16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
        case META_INT16: { int16_t v; std::memcpy(&v, p, 2); return v; }
        case META_UINT32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
        case META_INT32: { int32_t v; std::memcpy(&v, p, 4); return v; }
        case META_UINT64: { uint64_t v; std::memcpy(&v, p, 8); return static_cast<int64_t>(v); }
        case META_INT64: { int64_t v; std::memcpy(&v, p, 8); return v; }
        case META_FLOAT32: { float v; std::memcpy(&v, p, 4); return float_to_int(v, key); }
        case META_FLOAT64: { double v; std::memcpy(&v, p, 8); return float_to_int(v, key); }
    }
    fail(TILLER_ERR_FORMAT, "metadata key '%s' has no integer value", key.c_str());
}

double MetaValue::as_float(int64_t i) const {
    int32_t t = element_type();
    if (!is_numeric_element() || i < 0 || i >= count)
        fail(TILLER_ERR_FORMAT, "metadata key '%s' is not a number (or index %lld out of range)", key.c_str(),
             (long long)i);
    const uint8_t *p = raw + i * scalar_size(t);
    if (t == META_FLOAT32) { float v; std::memcpy(&v, p, 4); return v; }
    if (t == META_FLOAT64) { double v; std::memcpy(&v, p, 8); return v; }
    if (t == META_UINT64) { uint64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    return static_cast<double>(as_int(i));
}

int64_t TensorInfo::row_bytes() const {
    const TypeTraits &tt = type_traits(type);
    return ne[0] / tt.block_elems * tt.block_bytes;
}

GgufFile::GgufFile(const std::string &path) : map_(std::make_unique<MappedFile>(path)) {
    const char *p = path.c_str();
    Cursor c(path, map_->data(), map_->size());
    if (map_->size() < 4 || std::memcmp(c.here(), "GGUF", 4) != 0)
        fail(TILLER_ERR_FORMAT, "%s: not a GGUF file (bad magic)", p);
    c.skip(4, "magic");
    version_ = c.read<uint32_t>("version");
    if (version_ == 0x02000000u || version_ == 0x03000000u)
        fail(TILLER_ERR_UNSUPPORTED, "%s: big-endian GGUF files are not supported (convert it to little-endian)", p);
    if (version_ == 1) fail(TILLER_ERR_UNSUPPORTED, "%s: GGUF version 1 is not supported (only 2 and 3)", p);
    if (version_ < 2 || version_ > 3)
        fail(TILLER_ERR_FORMAT, "%s: unknown GGUF version %u (supported: 2, 3)", p, version_);
    int64_t n_tensors = c.read<int64_t>("tensor count");
    int64_t n_kv = c.read<int64_t>("metadata count");
    // Each KV needs >= 8+1+4+1 bytes, each tensor info >= 8+1+4+8+4+8: reject counts the file cannot hold.
    if (n_kv < 0 || static_cast<uint64_t>(n_kv) > c.remaining() / 13)
        fail(TILLER_ERR_FORMAT, "%s: metadata count %lld is impossible for a file of %zu bytes", p, (long long)n_kv,
             map_->size());
    if (n_tensors < 0 || static_cast<uint64_t>(n_tensors) > c.remaining() / 33)
        fail(TILLER_ERR_FORMAT, "%s: tensor count %lld is impossible for a file of %zu bytes", p,
             (long long)n_tensors, map_->size());

    meta_.reserve(static_cast<size_t>(n_kv));
    for (int64_t i = 0; i < n_kv; ++i) {
        MetaValue v;
        v.key = std::string(c.string("metadata key"));
        if (v.key.empty()) fail(TILLER_ERR_FORMAT, "%s: metadata entry %lld has an empty key", p, (long long)i);
        if (meta_index_.count(v.key)) fail(TILLER_ERR_FORMAT, "%s: duplicate metadata key '%s'", p, v.key.c_str());
        v.type = c.read<int32_t>("metadata type");
        int32_t elem = v.type;
        uint64_t count = 1;
        if (v.type == META_ARRAY) {
            v.array_type = c.read<int32_t>("array element type");
            elem = v.array_type;
            count = c.read<uint64_t>("array length");
            if (elem == META_ARRAY)
                fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' is a nested array (not allowed)", p, v.key.c_str());
        }
        if (elem != META_STRING && scalar_size(elem) == 0)
            fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' has unknown value type %d", p, v.key.c_str(), elem);
        if (elem == META_STRING) {
            // Every string needs at least its 8-byte length.
            if (count > c.remaining() / 8)
                fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' claims %llu strings, more than the file holds", p,
                     v.key.c_str(), (unsigned long long)count);
            v.raw = c.here();
            v.strings.reserve(count);
            for (uint64_t k = 0; k < count; ++k) v.strings.push_back(c.string(v.key.c_str()));
        } else {
            uint64_t sz = static_cast<uint64_t>(scalar_size(elem));
            if (count > c.remaining() / sz)
                fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' claims %llu elements, more than the file holds", p,
                     v.key.c_str(), (unsigned long long)count);
            v.raw = c.here();
            c.skip(count * sz, v.key.c_str());
        }
        v.count = static_cast<int64_t>(count);
        meta_index_.emplace(v.key, meta_.size());
        meta_.push_back(std::move(v));
    }

    if (const MetaValue *a = find("general.alignment")) {
        if (a->type != META_UINT32 && a->type != META_INT32 && a->type != META_UINT64)
            fail(TILLER_ERR_FORMAT, "%s: general.alignment must be an unsigned integer", p);
        int64_t al = a->as_int();
        if (al <= 0 || al > (1 << 30) || (al & (al - 1)) != 0)
            fail(TILLER_ERR_FORMAT, "%s: general.alignment %lld is not a power of two", p, (long long)al);
        alignment_ = static_cast<uint32_t>(al);
    }

    tensors_.reserve(static_cast<size_t>(n_tensors));
    for (int64_t i = 0; i < n_tensors; ++i) {
        TensorInfo t;
        t.name = std::string(c.string("tensor name"));
        const char *tn = t.name.c_str();
        if (tensor_index_.count(t.name)) fail(TILLER_ERR_FORMAT, "%s: duplicate tensor '%s'", p, tn);
        uint32_t n_dims = c.read<uint32_t>("tensor rank");
        if (n_dims == 0 || n_dims > kMaxDims)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' has rank %u (must be 1..4)", p, tn, n_dims);
        t.n_dims = static_cast<int32_t>(n_dims);
        for (uint32_t d = 0; d < n_dims; ++d) {
            t.ne[d] = c.read<int64_t>("tensor dimension");
            if (t.ne[d] < 0) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' has negative dimension %u", p, tn, d);
        }
        t.type = c.read<int32_t>("tensor type");
        t.offset = c.read<uint64_t>("tensor offset");
        const TypeTraits &tt = type_traits(t.type);
        if (!tt.name) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' has unknown type id %d", p, tn, t.type);
        int64_t n_el = 1;
        for (int d = 0; d < 4; ++d)
            if (!checked_mul(n_el, t.ne[d], &n_el))
                fail(TILLER_ERR_FORMAT, "%s: tensor '%s' element count overflows", p, tn);
        if (t.ne[0] % tt.block_elems != 0)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' row length %lld is not a multiple of the %s block size %lld", p,
                 tn, (long long)t.ne[0], tt.name, (long long)tt.block_elems);
        if (!checked_mul(n_el / tt.block_elems, tt.block_bytes, &t.n_bytes))
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' byte size overflows", p, tn);
        if (t.offset % alignment_ != 0)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' offset %llu is not aligned to %u", p, tn,
                 (unsigned long long)t.offset, alignment_);
        tensor_index_.emplace(t.name, tensors_.size());
        tensors_.push_back(std::move(t));
    }

    uint64_t data_off = (static_cast<uint64_t>(c.pos()) + alignment_ - 1) / alignment_ * alignment_;
    if (n_tensors > 0 && data_off > map_->size())
        fail(TILLER_ERR_FORMAT, "%s: truncated file: tensor data would start at %llu past the end (%zu bytes)", p,
             (unsigned long long)data_off, map_->size());
    uint64_t data_size = n_tensors > 0 ? map_->size() - data_off : 0;
    for (TensorInfo &t : tensors_) {
        if (t.offset > data_size || static_cast<uint64_t>(t.n_bytes) > data_size - t.offset)
            fail(TILLER_ERR_FORMAT,
                 "%s: truncated file or bad offset: tensor '%s' (%lld bytes at data offset %llu) ends past the end "
                 "of the file",
                 p, t.name.c_str(), (long long)t.n_bytes, (unsigned long long)t.offset);
        t.data = map_->data() + data_off + t.offset;
    }
    // Tensors may come in any order but must not overlap.
    std::vector<const TensorInfo *> by_off;
    for (const auto &t : tensors_) by_off.push_back(&t);
    std::sort(by_off.begin(), by_off.end(), [](auto a, auto b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_off.size(); ++i) {
        const TensorInfo *a = by_off[i - 1], *b = by_off[i];
        if (a->offset + static_cast<uint64_t>(a->n_bytes) > b->offset && a->n_bytes > 0 && b->n_bytes > 0)
            fail(TILLER_ERR_FORMAT, "%s: tensors '%s' and '%s' overlap", p, a->name.c_str(), b->name.c_str());
    }
}

const MetaValue *GgufFile::find(std::string_view key) const {
    auto it = meta_index_.find(std::string(key));
    return it == meta_index_.end() ? nullptr : &meta_[it->second];
}

std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
    const MetaValue *v = find(key);
    if (!v) return std::nullopt;
    if (v->type == META_ARRAY || v->type == META_STRING)
        fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' must be a number", path().c_str(), v->key.c_str());
    return v->as_int();
}

std::optional<double> GgufFile::get_float(std::string_view key) const {
    const MetaValue *v = find(key);
    if (!v) return std::nullopt;
    if (v->type == META_ARRAY || v->type == META_STRING)
        fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' must be a number", path().c_str(), v->key.c_str());
    return v->as_float();
}

std::optional<std::string> GgufFile::get_string(std::string_view key) const {
    const MetaValue *v = find(key);
    if (!v) return std::nullopt;
    if (v->type != META_STRING)
        fail(TILLER_ERR_FORMAT, "%s: metadata key '%s' must be a string", path().c_str(), v->key.c_str());
    return std::string(v->strings[0]);
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    auto v = get_int(key);
    if (!v) return std::nullopt;
    return *v != 0;
}

const TensorInfo *GgufFile::tensor(std::string_view name) const {
    auto it = tensor_index_.find(std::string(name));
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace tiller
