#include "steer/control_vector.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "gguf/ggml_type.h"
#include "gguf/gguf_file.h"
#include "quant/dequantize.h"

namespace tiller {

ControlVectorFile::ControlVectorFile(const std::string &path) {
    GgufFile f(path);
    const char *p = f.path().c_str();
    auto arch = f.get_string("general.architecture");
    if (arch && *arch != "controlvector")
        fail(TILLER_ERR_FORMAT, "%s: not a control vector (general.architecture is '%s')", p, arch->c_str());
    for (const TensorInfo &t : f.tensors()) {
        const char *name = t.name.c_str();
        if (std::strncmp(name, "direction.", 10) != 0) continue;  // llama.cpp ignores other tensors
        char *end = nullptr;
        long layer = std::strtol(name + 10, &end, 10);
        if (end == name + 10 || *end != '\0' || layer < 0 || layer > 1 << 20)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' does not name a layer", p, name);
        if (layer == 0) fail(TILLER_ERR_FORMAT, "%s: tensor '%s': layer 0 cannot be steered (llama.cpp refuses it)", p, name);
        if (t.type != GGML_F32 || t.n_dims != 1)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' must be a 1-D F32 tensor (found %s, rank %d)", p, name,
                 type_name(t.type), t.n_dims);
        if (n_embd_ == 0) n_embd_ = t.ne[0];
        if (t.ne[0] != n_embd_ || n_embd_ <= 0)
            fail(TILLER_ERR_FORMAT, "%s: tensor '%s' has %lld elements, others have %lld", p, name, (long long)t.ne[0],
                 (long long)n_embd_);
        std::vector<float> v(n_embd_);
        dequantize_row(t.type, t.data, v.data(), n_embd_);
        for (int64_t i = 0; i < n_embd_; ++i)
            if (!std::isfinite(v[i])) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' holds NaN or infinity", p, name);
        directions_[layer] = std::move(v);
        if (layer > max_layer_) max_layer_ = layer;
    }
    if (directions_.empty()) fail(TILLER_ERR_FORMAT, "%s: no direction.N tensors found (not a control vector)", p);
}

const float *ControlVectorFile::direction(int64_t layer) const {
    auto it = directions_.find(layer);
    return it == directions_.end() ? nullptr : it->second.data();
}

}  // namespace tiller
