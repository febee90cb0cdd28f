// C ABI: every metadata key of a loaded model, as views into the mapped file.
#include <string>

#include "api/handles.h"
#include "core/error.h"

using namespace tiller;

namespace {
const MetaValue &meta_at(const tiller_model *m, int64_t index) {
    if (!m || !m->model) fail(TILLER_ERR_INVALID_ARGUMENT, "model handle is null");
    const auto &meta = m->model->file().meta();
    TILLER_REQUIRE_ARG(index >= 0 && index < static_cast<int64_t>(meta.size()), "metadata index %lld is out of range",
                       (long long)index);
    return meta[index];
}
}  // namespace

extern "C" {

int32_t tiller_meta_count(const tiller_model *model, int64_t *count) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(model && model->model && count, "model and count must not be null");
        *count = static_cast<int64_t>(model->model->file().meta().size());
    });
}

int32_t tiller_meta_info(const tiller_model *model, int64_t index, const char **key, int32_t *type,
                         int32_t *array_type, int64_t *array_count) {
    return guarded([&] {
        const MetaValue &v = meta_at(model, index);
        if (key) *key = v.key.c_str();
        if (type) *type = v.type;
        if (array_type) *array_type = v.array_type;
        if (array_count) *array_count = v.count;
    });
}

int32_t tiller_meta_find(const tiller_model *model, const char *key, int64_t *index) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(model && model->model && key && index, "arguments must not be null");
        const auto &meta = model->model->file().meta();
        const MetaValue *v = model->model->file().find(key);
        *index = v ? static_cast<int64_t>(v - meta.data()) : -1;
    });
}

int32_t tiller_meta_int(const tiller_model *model, int64_t index, int64_t element, int64_t *value) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(value, "value must not be null");
        *value = meta_at(model, index).as_int(element);
    });
}

int32_t tiller_meta_float(const tiller_model *model, int64_t index, int64_t element, double *value) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(value, "value must not be null");
        *value = meta_at(model, index).as_float(element);
    });
}

int32_t tiller_meta_string(const tiller_model *model, int64_t index, int64_t element, const char **data,
                           int64_t *length) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(data && length, "data and length must not be null");
        const MetaValue &v = meta_at(model, index);
        if (v.element_type() != META_STRING)
            fail(TILLER_ERR_INVALID_ARGUMENT, "metadata key '%s' is not a string", v.key.c_str());
        TILLER_REQUIRE_ARG(element >= 0 && element < static_cast<int64_t>(v.strings.size()),
                           "element %lld of '%s' is out of range", (long long)element, v.key.c_str());
        *data = v.strings[element].data();
        *length = static_cast<int64_t>(v.strings[element].size());
    });
}

}  // extern "C"
