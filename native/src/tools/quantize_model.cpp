#include "tools/quantize_model.h"

#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "gguf/ggml_type.h"
#include "gguf/gguf_writer.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"
#include "tools/type_policy.h"

namespace tiller {

namespace {
// Layer index of "blk.N.*", or -1.
int64_t layer_of(const std::string &name) {
    if (name.rfind("blk.", 0) != 0) return -1;
    return std::strtoll(name.c_str() + 4, nullptr, 10);
}
}  // namespace

void quantize_model(const std::string &in, const std::string &out, const std::string &target_name, int n_threads,
                    bool allow_requantize, const std::function<void(int64_t, int64_t)> &progress) {
    const QuantTarget target = parse_quant_target(target_name);
    GgufFile src(in);
    auto arch = src.get_string("general.architecture").value_or("");
    const int64_t n_layer = arch.empty() ? 0 : src.get_int(arch + ".block_count").value_or(0);

    GgufWriter w;
    for (const MetaValue &v : src.meta()) w.copy_meta(v);
    w.set_u32("general.file_type", target.file_type);
    w.set_u32("general.quantization_version", 2);
    std::vector<int32_t> types;
    int64_t total = 0, done = 0;
    for (const TensorInfo &t : src.tensors()) {
        if (!type_traits(t.type).supported)
            fail(TILLER_ERR_UNSUPPORTED, "%s: tensor '%s' has type %s, which Tiller cannot read", in.c_str(), t.name.c_str(),
                 type_name(t.type));
        int32_t type = tensor_type_for(target, t.name, t.n_dims, t.ne[0], layer_of(t.name), n_layer);
        if (type != t.type && type_traits(t.type).block_elems > 1 && type_traits(type).block_elems > 1 && !allow_requantize)
            fail(TILLER_ERR_INVALID_ARGUMENT,
                 "%s: tensor '%s' is already quantized (%s); re-quantizing it to %s loses precision: quantize the F32, F16 "
                 "or BF16 file instead, or allow it explicitly (--allow-requantize)",
                 in.c_str(), t.name.c_str(), type_name(t.type), type_name(type));
        types.push_back(type);
        total += t.n_elements();
        w.add_tensor(t.name, type, std::vector<int64_t>(t.ne, t.ne + t.n_dims));
    }
    ThreadPool pool(n_threads <= 0 ? ThreadPool::default_threads() : n_threads);
    w.write(out, [&](size_t i, uint8_t *dst) {
        const TensorInfo &t = src.tensors()[i];
        const int64_t rows = t.n_elements() / t.ne[0];
        const TypeTraits &to = type_traits(types[i]);
        const int64_t out_row = t.ne[0] / to.block_elems * to.block_bytes;
        if (types[i] == t.type) {
            std::memcpy(dst, t.data, static_cast<size_t>(rows * out_row));  // already in its target type: kept as is
        } else {
            pool.parallel_for(rows, [&](int64_t r0, int64_t r1, int) {
                std::vector<float> row(static_cast<size_t>(t.ne[0]));
                for (int64_t r = r0; r < r1; ++r) {
                    dequantize_row(t.type, t.data + r * t.row_bytes(), row.data(), t.ne[0]);
                    quantize_row(types[i], row.data(), dst + r * out_row, t.ne[0]);
                }
            });
        }
        done += t.n_elements();
        if (progress) progress(done, total);
    });
}

}  // namespace tiller
