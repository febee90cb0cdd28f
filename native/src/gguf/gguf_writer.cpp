#include "gguf/gguf_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "gguf/ggml_type.h"

namespace tiller {

namespace {
constexpr uint64_t kAlign = 32;

template <typename T>
void append(std::vector<uint8_t> &o, T v) {
    size_t at = o.size();
    o.resize(at + sizeof v);
    std::memcpy(o.data() + at, &v, sizeof v);
}

void append_str(std::vector<uint8_t> &o, std::string_view s) {
    append<uint64_t>(o, s.size());
    size_t at = o.size();
    o.resize(at + s.size());
    if (!s.empty()) std::memcpy(o.data() + at, s.data(), s.size());
}

int64_t scalar_bytes(int32_t t) {
    switch (t) {
        case META_UINT8: case META_INT8: case META_BOOL: return 1;
        case META_UINT16: case META_INT16: return 2;
        case META_UINT32: case META_INT32: case META_FLOAT32: return 4;
        default: return 8;
    }
}
}  // namespace

void GgufWriter::put(const std::string &key, std::vector<uint8_t> bytes) {
    for (Kv &kv : kvs_) {
        if (kv.key == key) {
            kv.bytes = std::move(bytes);
            return;
        }
    }
    kvs_.push_back({key, std::move(bytes)});
}

void GgufWriter::remove(const std::string &key) {
    std::erase_if(kvs_, [&](const Kv &kv) { return kv.key == key; });
}

void GgufWriter::copy_meta(const MetaValue &v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, v.type);
    const int32_t et = v.element_type();
    if (v.type == META_ARRAY) {
        append<int32_t>(o, v.array_type);
        append<uint64_t>(o, static_cast<uint64_t>(v.count));
    }
    if (et == META_STRING) {
        for (auto s : v.strings) append_str(o, s);
    } else {
        const uint64_t n = static_cast<uint64_t>(v.count) * static_cast<uint64_t>(scalar_bytes(et));
        if (v.count < 0 || n > (uint64_t(1) << 40)) fail(TILLER_ERR_INVALID_ARGUMENT, "metadata '%s' is too large", v.key.c_str());
        o.reserve(o.size() + static_cast<size_t>(n));
        for (uint64_t k = 0; k < n; ++k) o.push_back(v.raw[k]);
    }
    put(v.key, std::move(o));
}

void GgufWriter::set_u32(const std::string &key, uint32_t v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_UINT32);
    append(o, v);
    put(key, std::move(o));
}

void GgufWriter::set_f32(const std::string &key, float v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_FLOAT32);
    append(o, v);
    put(key, std::move(o));
}

void GgufWriter::set_bool(const std::string &key, bool v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_BOOL);
    append<uint8_t>(o, v ? 1 : 0);
    put(key, std::move(o));
}

void GgufWriter::set_string(const std::string &key, const std::string &v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_STRING);
    append_str(o, v);
    put(key, std::move(o));
}

void GgufWriter::set_strings(const std::string &key, const std::vector<std::string> &v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_ARRAY);
    append<int32_t>(o, META_STRING);
    append<uint64_t>(o, v.size());
    for (auto &s : v) append_str(o, s);
    put(key, std::move(o));
}

void GgufWriter::set_f32s(const std::string &key, const std::vector<float> &v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_ARRAY);
    append<int32_t>(o, META_FLOAT32);
    append<uint64_t>(o, v.size());
    for (float f : v) append(o, f);
    put(key, std::move(o));
}

void GgufWriter::set_i32s(const std::string &key, const std::vector<int32_t> &v) {
    std::vector<uint8_t> o;
    append<int32_t>(o, META_ARRAY);
    append<int32_t>(o, META_INT32);
    append<uint64_t>(o, v.size());
    for (int32_t i : v) append(o, i);
    put(key, std::move(o));
}

void GgufWriter::add_tensor(const std::string &name, int32_t type, std::vector<int64_t> ne) {
    const TypeTraits &t = type_traits(type);
    if (!t.name) fail(TILLER_ERR_INVALID_ARGUMENT, "tensor '%s': unknown type %d", name.c_str(), type);
    if (ne.empty() || ne.size() > 4 || ne[0] % t.block_elems != 0)
        fail(TILLER_ERR_INVALID_ARGUMENT, "tensor '%s': shape does not fit type %s", name.c_str(), t.name);
    int64_t n = 1;
    for (int64_t d : ne) n *= d;
    tensors_.push_back({name, type, std::move(ne), n / t.block_elems * t.block_bytes});
}

void GgufWriter::write(const std::string &path, const std::function<void(size_t, uint8_t *)> &fill) const {
    std::vector<uint8_t> head;
    append<uint32_t>(head, 0x46554747u);  // "GGUF"
    append<uint32_t>(head, 3);
    append<int64_t>(head, static_cast<int64_t>(tensors_.size()));
    append<int64_t>(head, static_cast<int64_t>(kvs_.size()));
    for (const Kv &kv : kvs_) {
        append_str(head, kv.key);
        head.insert(head.end(), kv.bytes.begin(), kv.bytes.end());
    }
    uint64_t offset = 0;
    for (const Tensor &t : tensors_) {
        append_str(head, t.name);
        append<uint32_t>(head, static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) append(head, d);
        append<int32_t>(head, t.type);
        append<uint64_t>(head, offset);
        offset += (static_cast<uint64_t>(t.bytes) + kAlign - 1) / kAlign * kAlign;
    }
    while (head.size() % kAlign) head.push_back(0);

    // Written beside the target and renamed into place: a failure leaves no half file behind.
    const std::string tmp = path + ".tmp";
    struct RemoveUnlessKept {
        const std::string &file;
        bool keep = false;
        ~RemoveUnlessKept() {
            if (!keep) std::remove(file.c_str());
        }
    } cleanup{tmp};
    std::unique_ptr<FILE, int (*)(FILE *)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
    if (!f) fail(TILLER_ERR_IO, "cannot write %s: %s", path.c_str(), std::strerror(errno));
    auto write_all = [&](const void *p, size_t n) {
        if (n && std::fwrite(p, 1, n, f.get()) != n) fail(TILLER_ERR_IO, "%s: write failed: %s", tmp.c_str(), std::strerror(errno));
    };
    write_all(head.data(), head.size());
    std::vector<uint8_t> buf;
    const uint8_t zeros[kAlign] = {};
    for (size_t i = 0; i < tensors_.size(); ++i) {
        buf.assign(static_cast<size_t>(tensors_[i].bytes), 0);
        fill(i, buf.data());
        write_all(buf.data(), buf.size());
        write_all(zeros, (kAlign - buf.size() % kAlign) % kAlign);
    }
    if (std::fclose(f.release()) != 0) fail(TILLER_ERR_IO, "%s: close failed: %s", tmp.c_str(), std::strerror(errno));
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        fail(TILLER_ERR_IO, "%s: cannot rename into place: %s", path.c_str(), std::strerror(errno));
    cleanup.keep = true;
}

}  // namespace tiller
