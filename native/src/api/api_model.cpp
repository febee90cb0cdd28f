// C ABI: library info, model loading, hyper-parameters and tensors.
#include <cstdio>
#include <cstring>
#include <string>

#include "api/handles.h"
#include "core/error.h"
#include "gguf/ggml_type.h"
#include "core/build_info.h"
#include "kernels/packed.h"
#include "kernels/qdot.h"

using namespace tiller;

namespace tiller {
void require_cpu_request() {
    if (const char *problem = cpu_request_problem()) fail(TILLER_ERR_UNSUPPORTED, "%s", problem);
}
}  // namespace tiller

namespace {
const Model &model_of(const tiller_model *m) {
    if (!m || !m->model) fail(TILLER_ERR_INVALID_ARGUMENT, "model handle is null");
    return *m->model;
}
}  // namespace

extern "C" {

const char *tiller_last_error(void) { return last_error(); }

int32_t tiller_version(int32_t *major, int32_t *minor, int32_t *patch) {
    return guarded([&] {
        int v[3] = {0, 0, 0};
        std::sscanf(TILLER_BUILD_VERSION, "%d.%d.%d", &v[0], &v[1], &v[2]);
        if (major) *major = v[0];
        if (minor) *minor = v[1];
        if (patch) *patch = v[2];
    });
}

const char *tiller_build_info(void) {
    return TILLER_BUILD_VERSION " (git " TILLER_BUILD_GIT ", " TILLER_BUILD_TYPE ", " TILLER_BUILD_COMPILER ")";
}

const char *tiller_kernel_path(void) { return qdot().name; }

const char *tiller_type_name(int32_t ggml_type) { return type_traits(ggml_type).name ? type_name(ggml_type) : nullptr; }

const char *tiller_cpu_features(void) {
#if defined(__x86_64__)
    static std::string features = [] {
        __builtin_cpu_init();
        std::string s = std::string("kernels=") + qdot().name + (packed_kernel(GGML_Q8_0) ? " repack=on " : " repack=off ");
        if (__builtin_cpu_supports("avx2")) s += "avx2 ";
        if (__builtin_cpu_supports("fma")) s += "fma ";
        if (__builtin_cpu_supports("avx512f")) s += "avx512f ";
        if (__builtin_cpu_supports("avx512vnni")) s += "avx512vnni ";
        if (__builtin_cpu_supports("avx512bf16")) s += "avx512bf16 ";
        if (!s.empty()) s.pop_back();
        return s;
    }();
    return features.c_str();
#else
    return "";
#endif
}

namespace {
int32_t open_model(const char *path, bool strict, tiller_model **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(path && out, "path and out must not be null");
        *out = nullptr;
        require_cpu_request();
        auto m = std::make_unique<tiller_model>();
        m->model = std::make_shared<const Model>(path, strict);
        *out = m.release();
    });
}
}  // namespace

int32_t tiller_model_load(const char *path, tiller_model **out) { return open_model(path, true, out); }

int32_t tiller_model_open_for_inspection(const char *path, tiller_model **out) { return open_model(path, false, out); }

int32_t tiller_model_problem(const tiller_model *model, const char **problem) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(problem, "problem must not be null");
        *problem = model_of(model).problem().c_str();
    });
}

int32_t tiller_model_free(tiller_model *model) {
    return guarded([&] { delete model; });
}

int32_t tiller_model_hparams(const tiller_model *model, int64_t *out, int32_t n) {
    return guarded([&] {
        const HParams &hp = model_of(model).hparams();
        TILLER_REQUIRE_ARG(out && n >= 0, "out must not be null");
        const int64_t v[TILLER_HP_COUNT] = {hp.arch->id, hp.n_vocab, hp.n_embd, hp.n_layer,  hp.layers[0].n_head,
                                            hp.layers[0].n_head_kv, hp.head_dim, hp.layers[0].n_ff, hp.n_ctx_train,
                                            hp.n_swa};
        for (int32_t i = 0; i < n && i < TILLER_HP_COUNT; ++i) out[i] = v[i];
    });
}

int32_t tiller_model_layer(const tiller_model *model, int32_t layer, int64_t *out, int32_t n) {
    return guarded([&] {
        const HParams &hp = model_of(model).hparams();
        TILLER_REQUIRE_ARG(out && n >= 0, "out must not be null");
        TILLER_REQUIRE_ARG(layer >= 0 && layer < hp.n_layer, "layer %d is out of range [0, %lld)", layer, (long long)hp.n_layer);
        const LayerParams &l = hp.layers[layer];
        const int64_t v[TILLER_LAYER_COUNT] = {l.swa ? 1 : 0, l.n_head, l.n_head_kv, l.n_ff};
        for (int32_t i = 0; i < n && i < TILLER_LAYER_COUNT; ++i) out[i] = v[i];
    });
}

int32_t tiller_model_layer_rope(const tiller_model *model, int32_t layer, float *base, float *scale) {
    return guarded([&] {
        const HParams &hp = model_of(model).hparams();
        TILLER_REQUIRE_ARG(layer >= 0 && layer < hp.n_layer, "layer %d is out of range [0, %lld)", layer, (long long)hp.n_layer);
        if (base) *base = hp.layers[layer].rope_base;
        if (scale) *scale = hp.layers[layer].rope_scale;
    });
}

int32_t tiller_model_arch_name(const tiller_model *model, const char **name) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(name, "name must not be null");
        *name = model_of(model).hparams().arch->name;
    });
}

int32_t tiller_model_file_size(const tiller_model *model, int64_t *size) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(size, "size must not be null");
        *size = static_cast<int64_t>(model_of(model).file().file_size());
    });
}

int32_t tiller_model_tensor_count(const tiller_model *model, int64_t *count) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(count, "count must not be null");
        *count = static_cast<int64_t>(model_of(model).file().tensors().size());
    });
}

int32_t tiller_model_tensor_info(const tiller_model *model, int64_t index, const char **name, int32_t *ggml_type,
                                 int32_t *n_dims, int64_t *ne, const void **data, int64_t *n_bytes) {
    return guarded([&] {
        const auto &ts = model_of(model).file().tensors();
        TILLER_REQUIRE_ARG(index >= 0 && index < static_cast<int64_t>(ts.size()), "tensor index %lld is out of range",
                           (long long)index);
        const TensorInfo &t = ts[index];
        if (name) *name = t.name.c_str();
        if (ggml_type) *ggml_type = t.type;
        if (n_dims) *n_dims = t.n_dims;
        if (ne) std::memcpy(ne, t.ne, sizeof t.ne);
        if (data) *data = t.data;
        if (n_bytes) *n_bytes = t.n_bytes;
    });
}

}  // extern "C"
