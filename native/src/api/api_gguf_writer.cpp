// C ABI: GGUF files from float32 tensors and metadata (the exporter of trained models).
#include <string>
#include <vector>

#include "core/error.h"
#include "gguf/ggml_type.h"
#include "gguf/gguf_writer.h"
#include "quant/quantize.h"

using namespace tiller;

struct tiller_gguf_writer {
    GgufWriter writer;
    std::vector<std::vector<float>> data;
    std::vector<int32_t> types;
    std::vector<int64_t> row_len, rows;
};

namespace {
GgufWriter &writer_of(tiller_gguf_writer *w, const char *key) {
    if (!w) fail(TILLER_ERR_INVALID_ARGUMENT, "GGUF writer handle is null");
    if (!key || !*key) fail(TILLER_ERR_INVALID_ARGUMENT, "a GGUF key must be a non-empty string");
    return w->writer;
}
}  // namespace

extern "C" {

int32_t tiller_gguf_writer_new(tiller_gguf_writer **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(out, "out must not be null");
        *out = new tiller_gguf_writer();
    });
}

int32_t tiller_gguf_writer_free(tiller_gguf_writer *writer) {
    return guarded([&] { delete writer; });
}

int32_t tiller_gguf_set_u32(tiller_gguf_writer *w, const char *key, int64_t value) {
    return guarded([&] {
        GgufWriter &g = writer_of(w, key);
        TILLER_REQUIRE_ARG(value >= 0 && value <= 0xffffffffLL, "%s: %lld is not a uint32", key, static_cast<long long>(value));
        g.set_u32(key, static_cast<uint32_t>(value));
    });
}

int32_t tiller_gguf_set_f32(tiller_gguf_writer *w, const char *key, float value) {
    return guarded([&] { writer_of(w, key).set_f32(key, value); });
}

int32_t tiller_gguf_set_bool(tiller_gguf_writer *w, const char *key, int32_t value) {
    return guarded([&] { writer_of(w, key).set_bool(key, value != 0); });
}

int32_t tiller_gguf_set_string(tiller_gguf_writer *w, const char *key, const char *value, int64_t len) {
    return guarded([&] {
        GgufWriter &g = writer_of(w, key);
        TILLER_REQUIRE_ARG(len >= 0 && (len == 0 || value), "%s: no string", key);
        g.set_string(key, std::string(value ? value : "", static_cast<size_t>(len)));
    });
}

int32_t tiller_gguf_set_strings(tiller_gguf_writer *w, const char *key, const char *bytes, const int64_t *lengths, int64_t n) {
    return guarded([&] {
        GgufWriter &g = writer_of(w, key);
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || lengths), "%s: no lengths", key);
        std::vector<std::string> v;
        v.reserve(static_cast<size_t>(n));
        int64_t at = 0;
        for (int64_t i = 0; i < n; ++i) {
            TILLER_REQUIRE_ARG(lengths[i] >= 0 && (lengths[i] == 0 || bytes), "%s: bad length of string %lld", key, static_cast<long long>(i));
            v.emplace_back(bytes + at, static_cast<size_t>(lengths[i]));
            at += lengths[i];
        }
        g.set_strings(key, v);
    });
}

int32_t tiller_gguf_set_f32s(tiller_gguf_writer *w, const char *key, const float *values, int64_t n) {
    return guarded([&] {
        GgufWriter &g = writer_of(w, key);
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || values), "%s: no values", key);
        g.set_f32s(key, std::vector<float>(values, values + n));
    });
}

int32_t tiller_gguf_set_i32s(tiller_gguf_writer *w, const char *key, const int32_t *values, int64_t n) {
    return guarded([&] {
        GgufWriter &g = writer_of(w, key);
        TILLER_REQUIRE_ARG(n >= 0 && (n == 0 || values), "%s: no values", key);
        g.set_i32s(key, std::vector<int32_t>(values, values + n));
    });
}

int32_t tiller_gguf_add_tensor(tiller_gguf_writer *w, const char *name, const float *data, const int64_t *ne, int32_t n_dims, int32_t ggml_type) {
    return guarded([&] {
        GgufWriter &g = writer_of(w, name);
        TILLER_REQUIRE_ARG(data && ne && n_dims >= 1 && n_dims <= 4, "%s: needs data and 1..4 dimensions", name);
        const TypeTraits &tt = type_traits(ggml_type);
        TILLER_REQUIRE_ARG(tt.name && tt.supported, "%s: type %d cannot be written", name, ggml_type);
        int64_t n = 1;
        for (int i = 0; i < n_dims; ++i) {
            TILLER_REQUIRE_ARG(ne[i] >= 1 && ne[i] <= (int64_t(1) << 32) && n <= (int64_t(1) << 36) / ne[i], "%s: bad dimension %d", name, i);
            n *= ne[i];
        }
        TILLER_REQUIRE_ARG(ne[0] % tt.block_elems == 0, "%s: a row of %lld values is not a whole number of %s blocks (%lld)", name,
                           static_cast<long long>(ne[0]), tt.name, static_cast<long long>(tt.block_elems));
        g.add_tensor(name, ggml_type, std::vector<int64_t>(ne, ne + n_dims));
        w->data.emplace_back(data, data + n);
        w->types.push_back(ggml_type);
        w->row_len.push_back(ne[0]);
        w->rows.push_back(n / ne[0]);
    });
}

int32_t tiller_gguf_write(tiller_gguf_writer *w, const char *path) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(w && path, "writer and path must not be null");
        w->writer.write(path, [&](size_t i, uint8_t *dst) {
            const TypeTraits &tt = type_traits(w->types[i]);
            const int64_t row_bytes = w->row_len[i] / tt.block_elems * tt.block_bytes;
            for (int64_t r = 0; r < w->rows[i]; ++r)
                quantize_row(w->types[i], w->data[i].data() + r * w->row_len[i], dst + r * row_bytes, w->row_len[i]);
        });
    });
}

}  // extern "C"
