#include "model/model.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <string>
#include <thread>

#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "gguf/ggml_type.h"
#include "quant/dequantize.h"

namespace tiller {

namespace {

std::string shape_str(const TensorInfo &t) {
    std::string s = "[";
    for (int d = 0; d < t.n_dims; ++d) s += (d ? ", " : "") + std::to_string(t.ne[d]);
    return s + "]";
}

const TensorInfo &require(const GgufFile &f, const std::string &name) {
    const TensorInfo *t = f.tensor(name);
    if (!t) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' is missing", f.path().c_str(), name.c_str());
    return *t;
}

void check_shape(const GgufFile &f, const TensorInfo &t, int64_t ne0, int64_t ne1) {
    bool ok = t.ne[0] == ne0 && t.ne[1] == ne1 && t.ne[2] == 1 && t.ne[3] == 1;
    if (!ok)
        fail(TILLER_ERR_FORMAT, "%s: tensor '%s' has shape %s but the metadata implies [%lld, %lld]",
             f.path().c_str(), t.name.c_str(), shape_str(t).c_str(), (long long)ne0, (long long)ne1);
}

void check_type(const GgufFile &f, const TensorInfo &t) {
    if (!type_traits(t.type).supported)
        fail(TILLER_ERR_UNSUPPORTED,
             "%s: tensor '%s' has weight type %s, which Tiller does not support (supported: F32, F16, BF16, Q8_0, "
             "Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)",
             f.path().c_str(), t.name.c_str(), type_name(t.type));
}

WeightView matrix(const GgufFile &f, const std::string &name, int64_t ne0, int64_t ne1) {
    const TensorInfo &t = require(f, name);
    check_type(f, t);
    check_shape(f, t, ne0, ne1);
    return WeightView{t.data, t.type, t.ne[0], t.ne[1], t.row_bytes()};
}

// Norm weights are tiny: keep a float32 copy whatever their stored type.
std::vector<float> vec(const GgufFile &f, const std::string &name, int64_t n) {
    const TensorInfo &t = require(f, name);
    check_type(f, t);
    check_shape(f, t, n, 1);
    std::vector<float> out(n);
    dequantize_row(t.type, t.data, out.data(), n);
    for (float v : out)
        if (!std::isfinite(v)) fail(TILLER_ERR_FORMAT, "%s: tensor '%s' holds NaN or infinity", f.path().c_str(), name.c_str());
    return out;
}

// The vocabulary sizes the embedding and output rows (as in llama.cpp, which creates those
// tensors with n_vocab = the token count), and its arrays run in parallel.
std::string vocabulary_problem(const GgufFile &f, int64_t n_vocab) {
    char buf[512];
    const MetaValue *tokens = f.find("tokenizer.ggml.tokens");
    if (!tokens) return "metadata key 'tokenizer.ggml.tokens' (the vocabulary) is missing";
    if (tokens->type != META_ARRAY || tokens->array_type != META_STRING) return "'tokenizer.ggml.tokens' is not an array of strings";
    if (tokens->count != n_vocab) {
        std::snprintf(buf, sizeof buf,
                      "'tokenizer.ggml.tokens' holds %lld tokens but 'token_embd.weight' (and the output matrix) has %lld rows",
                      (long long)tokens->count, (long long)n_vocab);
        return buf;
    }
    for (const char *key : {"tokenizer.ggml.scores", "tokenizer.ggml.token_type"}) {
        const MetaValue *v = f.find(key);
        if (!v) continue;
        if (v->type != META_ARRAY || !v->is_numeric_element()) return std::string("'") + key + "' is not an array of numbers";
        if (v->count != tokens->count) {
            std::snprintf(buf, sizeof buf, "'%s' holds %lld values for the %lld tokens of 'tokenizer.ggml.tokens'", key,
                          (long long)v->count, (long long)tokens->count);
            return buf;
        }
    }
    return "";
}

}  // namespace

Model::Model(const std::string &path, bool strict) : file_(path) {
    const char *p = file_.path().c_str();
    if (auto split = file_.get_int("split.count"); split && *split > 1)
        fail(TILLER_ERR_UNSUPPORTED, "%s: split GGUF (split.count = %lld) is not supported; merge the parts first "
             "(llama-gguf-split --merge)", p, (long long)*split);
    auto arch_name = file_.get_string("general.architecture");
    if (!arch_name) fail(TILLER_ERR_FORMAT, "%s: metadata key 'general.architecture' is missing", p);
    const ArchSpec *arch = find_arch(*arch_name);
    if (!arch)
        fail(TILLER_ERR_UNSUPPORTED, "%s: architecture '%s' is not supported (Tiller runs: %s)", p, arch_name->c_str(),
             supported_arch_names());

    const TensorInfo &embd = require(file_, "token_embd.weight");
    check_type(file_, embd);
    if (embd.n_dims != 2 || embd.ne[1] <= 0)
        fail(TILLER_ERR_FORMAT, "%s: tensor 'token_embd.weight' has shape %s (expected [n_embd, n_vocab])", p,
             shape_str(embd).c_str());
    hp_ = read_hparams(file_, *arch, embd.ne[1]);
    const int64_t E = hp_.n_embd, hd = hp_.head_dim;
    check_shape(file_, embd, E, hp_.n_vocab);
    token_embd_ = WeightView{embd.data, embd.type, embd.ne[0], embd.ne[1], embd.row_bytes()};
    output_ = token_embd_;
    if (arch->output_tensor_allowed && file_.tensor("output.weight")) output_ = matrix(file_, "output.weight", E, hp_.n_vocab);
    output_norm_ = vec(file_, "output_norm.weight", E);
    if (std::string v = vocabulary_problem(file_, hp_.n_vocab); !v.empty()) {
        if (strict) fail(TILLER_ERR_FORMAT, "%s: %s", p, v.c_str());
        problem_ = file_.path() + ": " + v;
    }

    layers_.resize(hp_.n_layer);
    for (int64_t il = 0; il < hp_.n_layer; ++il) {
        const LayerParams &lp = hp_.layers[il];
        const std::string b = "blk." + std::to_string(il) + ".";
        LayerWeights &w = layers_[il];
        w.attn_norm = vec(file_, b + "attn_norm.weight", E);
        w.wq = matrix(file_, b + "attn_q.weight", E, hd * lp.n_head);
        w.wk = matrix(file_, b + "attn_k.weight", E, hd * lp.n_head_kv);
        w.wv = matrix(file_, b + "attn_v.weight", E, hd * lp.n_head_kv);
        w.wo = matrix(file_, b + "attn_output.weight", hd * lp.n_head, E);
        w.ffn_norm = vec(file_, b + "ffn_norm.weight", E);
        w.w_gate = matrix(file_, b + "ffn_gate.weight", E, lp.n_ff);
        w.w_up = matrix(file_, b + "ffn_up.weight", E, lp.n_ff);
        w.w_down = matrix(file_, b + "ffn_down.weight", lp.n_ff, E);
        if (arch->qk_norm) {
            w.attn_q_norm = vec(file_, b + "attn_q_norm.weight", hd);
            w.attn_k_norm = vec(file_, b + "attn_k_norm.weight", hd);
        }
        if (arch->post_norms) {
            w.post_attention_norm = vec(file_, b + "post_attention_norm.weight", E);
            w.post_ffw_norm = vec(file_, b + "post_ffw_norm.weight", E);
        }
    }
    repack();
}

const WeightView *Model::weight_matrix(const std::string &name) const {
    if (name == "output.weight" || name == "token_embd.weight") {
        const bool tied = output_.data == token_embd_.data;
        return (name == "output.weight") != tied ? &output_ : nullptr;
    }
    static const char *const kNames[] = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
    for (int64_t il = 0; il < hp_.n_layer; ++il) {
        const LayerWeights &w = layers_[il];
        const WeightView *views[] = {&w.wq, &w.wk, &w.wv, &w.wo, &w.w_gate, &w.w_up, &w.w_down};
        for (int k = 0; k < 7; ++k)
            if (name == "blk." + std::to_string(il) + "." + kNames[k] + ".weight") return views[k];
    }
    return nullptr;
}

// Matrices whose type has a packed kernel in use are repacked once; the file's pages of a packed
// matrix are then dropped from this process (they fault back in if anything reads them again,
// e.g. token embedding rows), so memory holds one copy of the weights.
void Model::repack() {
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int64_t page = sysconf(_SC_PAGESIZE);
    auto pack = [&](WeightView &v) {
        if (!packed_kernel(v.type)) return;
        std::unique_ptr<PackedWeight> p = pack_weight(v, threads);
        v.packed = p.get();
        packed_.push_back(std::move(p));
        const uintptr_t begin = (reinterpret_cast<uintptr_t>(v.data) + page - 1) / page * page;
        const uintptr_t end = (reinterpret_cast<uintptr_t>(v.data) + v.n_rows * v.row_bytes) / page * page;
        if (end > begin) madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
    };
    for (LayerWeights &w : layers_) {
        for (WeightView *v : {&w.wq, &w.wk, &w.wv, &w.wo, &w.w_gate, &w.w_up, &w.w_down}) pack(*v);
    }
    pack(output_);
}

}  // namespace tiller
