#include "sae/tensor_file.h"

#include <cstring>

#include "core/error.h"
#include "core/json.h"

namespace tiller {

namespace {
uint32_t u32(const uint8_t *p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
uint16_t u16(const uint8_t *p) { uint16_t v; std::memcpy(&v, p, 2); return v; }

bool checked_product(const std::vector<int64_t> &shape, int64_t *n) {
    int64_t p = 1;
    for (int64_t d : shape) {
        if (d < 0 || __builtin_mul_overflow(p, d, &p)) return false;
    }
    *n = p;
    return true;
}
}  // namespace

int64_t F32Tensor::size() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

TensorFile::TensorFile(const std::string &path) : map_(std::make_unique<MappedFile>(path)) {
    if (map_->size() >= 4 && std::memcmp(map_->data(), "PK\x03\x04", 4) == 0) read_npz();
    else read_safetensors();
}

const F32Tensor &TensorFile::get(const std::string &name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' is missing", path().c_str(), name.c_str());
    return it->second;
}

// Zip headers leave npy arrays at any offset, and a safetensors header need not be padded to a
// multiple of 4: misaligned arrays are copied, aligned ones are used in place.
const float *TensorFile::aligned(const uint8_t *values, int64_t count) {
    if (reinterpret_cast<uintptr_t>(values) % alignof(float) == 0) return reinterpret_cast<const float *>(values);
    owned_.emplace_back(static_cast<size_t>(count));
    std::memcpy(owned_.back().data(), values, static_cast<size_t>(count) * sizeof(float));
    return owned_.back().data();
}

// safetensors: u64 header length, JSON header {name: {dtype, shape, data_offsets}}, data.
void TensorFile::read_safetensors() {
    const char *p = path().c_str();
    const uint8_t *base = map_->data();
    const size_t size = map_->size();
    if (size < 8) fail(TILLER_ERR_FORMAT, "%s: not a safetensors or npz file (too short)", p);
    uint64_t n;
    std::memcpy(&n, base, 8);
    if (n > size - 8 || n > (uint64_t(1) << 26)) fail(TILLER_ERR_FORMAT, "%s: safetensors header length %llu is impossible", p, (unsigned long long)n);
    Json header = parse_json(std::string_view(reinterpret_cast<const char *>(base + 8), n), path() + " (safetensors header)");
    if (header.kind != Json::Object) fail(TILLER_ERR_FORMAT, "%s: safetensors header is not an object", p);
    const uint64_t data_start = 8 + n, data_size = size - data_start;
    for (const auto &[name, info] : header.fields) {
        if (name == "__metadata__") continue;
        const Json *dtype = info.get("dtype"), *shape = info.get("shape"), *offs = info.get("data_offsets");
        if (!dtype || !shape || !offs || shape->kind != Json::Array || offs->kind != Json::Array || offs->items.size() != 2)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' lacks dtype, shape or data_offsets", p, name.c_str());
        if (dtype->str != "F32")
            fail(TILLER_ERR_UNSUPPORTED, "%s: tensor '%s' has dtype %s (Tiller reads F32 SAEs)", p, name.c_str(), dtype->str.c_str());
        F32Tensor t;
        for (const Json &d : shape->items) {
            if (d.kind != Json::Number || d.num < 0 || d.num > 1e12) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' has a bad shape", p, name.c_str());
            t.shape.push_back(static_cast<int64_t>(d.num));
        }
        int64_t count;
        const double b = offs->items[0].num, e = offs->items[1].num;
        if (!checked_product(t.shape, &count) || count > (int64_t(1) << 40) || !(b >= 0 && e >= b && e <= double(data_size)) ||
            static_cast<uint64_t>(e - b) != static_cast<uint64_t>(count) * 4 || static_cast<uint64_t>(b) % 4 != 0)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' shape and data_offsets disagree or lie outside the file", p, name.c_str());
        t.data = aligned(base + data_start + static_cast<uint64_t>(b), count);
        tensors_[name] = t;
    }
}

// A zip of .npy members, each stored (np.savez); compressed archives are refused.
void TensorFile::read_npz() {
    const char *p = path().c_str();
    const uint8_t *base = map_->data();
    const size_t size = map_->size();
    size_t at = 0;
    while (at + 30 <= size && u32(base + at) == 0x04034b50u) {
        const uint16_t flags = u16(base + at + 6), method = u16(base + at + 8);
        uint64_t csize = u32(base + at + 18), usize = u32(base + at + 22);
        const uint16_t name_len = u16(base + at + 26), extra_len = u16(base + at + 28);
        if (at + 30 + name_len + extra_len > size) fail(TILLER_ERR_FORMAT, "%s: truncated zip entry", p);
        std::string name(reinterpret_cast<const char *>(base + at + 30), name_len);
        // zip64: sizes in the extra field (numpy writes them for large members).
        const uint8_t *extra = base + at + 30 + name_len;
        for (size_t e = 0; e + 4 <= extra_len;) {
            uint16_t id = u16(extra + e), len = u16(extra + e + 2);
            if (e + 4 + len > extra_len) break;
            if (id == 0x0001 && len >= 16) {
                std::memcpy(&usize, extra + e + 4, 8);
                std::memcpy(&csize, extra + e + 12, 8);
            }
            e += 4 + len;
        }
        if (method != 0)
            fail(TILLER_ERR_UNSUPPORTED, "%s: member '%s' is compressed (np.savez_compressed); save the SAE with np.savez", p,
                 name.c_str());
        if (flags & 0x08) fail(TILLER_ERR_UNSUPPORTED, "%s: zip entries with data descriptors are not supported", p);
        const size_t data = at + 30 + name_len + extra_len;
        if (csize != usize || csize > size - data) fail(TILLER_ERR_FORMAT, "%s: member '%s' runs past the end of the file", p, name.c_str());
        // .npy: magic, version, header length, a Python dict literal, then the array.
        const uint8_t *npy = base + data;
        if (csize < 10 || std::memcmp(npy, "\x93NUMPY", 6) != 0) fail(TILLER_ERR_FORMAT, "%s: member '%s' is not a .npy array", p, name.c_str());
        const int major = npy[6];
        size_t hlen, hstart;
        if (major == 1) hlen = u16(npy + 8), hstart = 10;
        else if (csize >= 12) hlen = u32(npy + 8), hstart = 12;
        else fail(TILLER_ERR_FORMAT, "%s: member '%s' has a bad .npy header", p, name.c_str());
        if (hstart + hlen > csize) fail(TILLER_ERR_FORMAT, "%s: member '%s' has a truncated .npy header", p, name.c_str());
        std::string h(reinterpret_cast<const char *>(npy + hstart), hlen);
        if (h.find("'descr': '<f4'") == std::string::npos)
            fail(TILLER_ERR_UNSUPPORTED, "%s: member '%s' is not little-endian float32 ('<f4')", p, name.c_str());
        if (h.find("'fortran_order': False") == std::string::npos)
            fail(TILLER_ERR_UNSUPPORTED, "%s: member '%s' is in Fortran order", p, name.c_str());
        size_t s0 = h.find("'shape': ("), s1 = s0 == std::string::npos ? s0 : h.find(')', s0);
        if (s1 == std::string::npos) fail(TILLER_ERR_FORMAT, "%s: member '%s' has no shape", p, name.c_str());
        F32Tensor t;
        std::string dims = h.substr(s0 + 10, s1 - s0 - 10);
        for (size_t i = 0; i < dims.size();) {
            while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) ++i;
            if (i >= dims.size()) break;
            char *end;
            long long v = std::strtoll(dims.c_str() + i, &end, 10);
            if (end == dims.c_str() + i || v < 0) fail(TILLER_ERR_FORMAT, "%s: member '%s' has a bad shape", p, name.c_str());
            t.shape.push_back(v);
            i = static_cast<size_t>(end - dims.c_str());
        }
        int64_t count;
        if (!checked_product(t.shape, &count) || static_cast<uint64_t>(count) * 4 != csize - hstart - hlen)
            fail(TILLER_ERR_FORMAT, "%s: member '%s' holds %llu bytes, not what its shape needs", p, name.c_str(),
                 (unsigned long long)(csize - hstart - hlen));
        const uint8_t *values = npy + hstart + hlen;
        t.data = aligned(values, count);
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
        tensors_[name] = t;
        at = data + csize;
    }
    if (tensors_.empty()) fail(TILLER_ERR_FORMAT, "%s: no arrays found in the npz archive", p);
}

}  // namespace tiller
