#include "tools/random_model.h"

#include <cstdio>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/splitmix.h"
#include "core/thread_pool.h"
#include "gguf/ggml_type.h"
#include "gguf/gguf_writer.h"
#include "quant/quantize.h"
#include "tools/type_policy.h"

namespace tiller {

namespace {
struct Spec {
    std::string name;
    std::vector<int64_t> ne;
    int64_t layer;
    float scale;  // uniform in [-scale, scale]; 0 means all ones (norms)
};
}  // namespace

void write_random_model(const std::string &out, const ModelShape &s, const std::string &target_name, uint64_t seed,
                        int n_threads) {
    const QuantTarget target = parse_quant_target(target_name);
    if (s.arch != "gemma" && s.arch != "gemma2" && s.arch != "gemma3")
        fail(TILLER_ERR_INVALID_ARGUMENT, "architecture '%s' is not one of gemma, gemma2, gemma3", s.arch.c_str());
    if (s.n_layer <= 0 || s.n_embd <= 0 || s.n_head <= 0 || s.n_head_kv <= 0 || s.head_dim <= 0 || s.n_ff <= 0 ||
        s.n_vocab <= 3 || s.n_head % s.n_head_kv != 0)
        fail(TILLER_ERR_INVALID_ARGUMENT, "invalid model shape");
    const std::string a = s.arch;
    GgufWriter w;
    w.set_string("general.architecture", a);
    w.set_string("general.name", "random-" + a + "-" + target.name);
    w.set_u32("general.file_type", target.file_type);
    w.set_u32("general.quantization_version", 2);
    w.set_u32(a + ".context_length", 8192);
    w.set_u32(a + ".embedding_length", static_cast<uint32_t>(s.n_embd));
    w.set_u32(a + ".block_count", static_cast<uint32_t>(s.n_layer));
    w.set_u32(a + ".feed_forward_length", static_cast<uint32_t>(s.n_ff));
    w.set_u32(a + ".attention.head_count", static_cast<uint32_t>(s.n_head));
    w.set_u32(a + ".attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
    w.set_u32(a + ".attention.key_length", static_cast<uint32_t>(s.head_dim));
    w.set_u32(a + ".attention.value_length", static_cast<uint32_t>(s.head_dim));
    w.set_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    if (a == "gemma2") {
        w.set_u32(a + ".attention.sliding_window", 4096);
        w.set_f32(a + ".attn_logit_softcapping", 50.0f);
        w.set_f32(a + ".final_logit_softcapping", 30.0f);
        w.set_f32(a + ".rope.freq_base", 10000.0f);
    } else if (a == "gemma3") {
        w.set_u32(a + ".attention.sliding_window", 512);
        w.set_f32(a + ".rope.freq_base", 1000000.0f);
    } else {
        w.set_f32(a + ".rope.freq_base", 10000.0f);
    }
    std::vector<std::string> tokens(static_cast<size_t>(s.n_vocab));
    std::vector<float> scores(tokens.size());
    std::vector<int32_t> types(tokens.size(), 1);
    tokens[0] = "<pad>", tokens[1] = "<eos>", tokens[2] = "<bos>", tokens[3] = "<unk>";
    types[0] = types[1] = types[2] = 3;
    types[3] = 2;
    // Byte tokens <0x00>..<0xFF> follow the specials, as in Gemma's vocabulary: llama.cpp looks
    // up the newline byte when it loads a vocabulary.
    for (size_t i = 4; i < tokens.size(); ++i) {
        if (i < 4 + 256) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "<0x%02X>", static_cast<unsigned>(i - 4));
            tokens[i] = hex;
            types[i] = 6;
        } else {
            tokens[i] = "tok" + std::to_string(i);
        }
        scores[i] = -static_cast<float>(i);
    }
    w.set_string("tokenizer.ggml.model", "llama");
    w.set_strings("tokenizer.ggml.tokens", tokens);
    w.set_f32s("tokenizer.ggml.scores", scores);
    w.set_i32s("tokenizer.ggml.token_type", types);
    w.set_u32("tokenizer.ggml.bos_token_id", 2);
    w.set_u32("tokenizer.ggml.eos_token_id", 1);
    w.set_u32("tokenizer.ggml.unknown_token_id", 3);
    w.set_bool("tokenizer.ggml.add_bos_token", true);
    w.set_bool("tokenizer.ggml.add_space_prefix", false);

    const int64_t E = s.n_embd, q_dim = s.head_dim * s.n_head, kv_dim = s.head_dim * s.n_head_kv;
    std::vector<Spec> specs;
    specs.push_back({"token_embd.weight", {E, s.n_vocab}, -1, 1.0f});
    specs.push_back({"output_norm.weight", {E}, -1, 0});
    for (int64_t il = 0; il < s.n_layer; ++il) {
        const std::string b = "blk." + std::to_string(il) + ".";
        const float sE = 1.0f / std::sqrt(static_cast<float>(E)), sF = 1.0f / std::sqrt(static_cast<float>(s.n_ff));
        specs.push_back({b + "attn_norm.weight", {E}, il, 0});
        specs.push_back({b + "attn_q.weight", {E, q_dim}, il, sE});
        specs.push_back({b + "attn_k.weight", {E, kv_dim}, il, sE});
        specs.push_back({b + "attn_v.weight", {E, kv_dim}, il, sE});
        specs.push_back({b + "attn_output.weight", {q_dim, E}, il, 1.0f / std::sqrt(static_cast<float>(q_dim))});
        specs.push_back({b + "ffn_norm.weight", {E}, il, 0});
        specs.push_back({b + "ffn_gate.weight", {E, s.n_ff}, il, sE});
        specs.push_back({b + "ffn_up.weight", {E, s.n_ff}, il, sE});
        specs.push_back({b + "ffn_down.weight", {s.n_ff, E}, il, sF});
        if (a != "gemma") {
            specs.push_back({b + "post_attention_norm.weight", {E}, il, 0});
            specs.push_back({b + "post_ffw_norm.weight", {E}, il, 0});
        }
        if (a == "gemma3") {
            specs.push_back({b + "attn_q_norm.weight", {s.head_dim}, il, 0});
            specs.push_back({b + "attn_k_norm.weight", {s.head_dim}, il, 0});
        }
    }
    std::vector<int32_t> tensor_types;
    for (const Spec &sp : specs) {
        int32_t t = tensor_type_for(target, sp.name, static_cast<int32_t>(sp.ne.size()), sp.ne[0], sp.layer, s.n_layer);
        tensor_types.push_back(t);
        w.add_tensor(sp.name, t, sp.ne);
    }
    ThreadPool pool(n_threads <= 0 ? ThreadPool::default_threads() : n_threads);
    w.write(out, [&](size_t i, uint8_t *dst) {
        const Spec &sp = specs[i];
        const int64_t cols = sp.ne[0], rows = sp.ne.size() > 1 ? sp.ne[1] : 1;
        const TypeTraits &tt = type_traits(tensor_types[i]);
        const int64_t row_bytes = cols / tt.block_elems * tt.block_bytes;
        pool.parallel_for(rows, [&](int64_t r0, int64_t r1, int) {
            std::vector<float> row(static_cast<size_t>(cols));
            for (int64_t r = r0; r < r1; ++r) {
                uint64_t state = splitmix64(seed ^ splitmix64(i * 0x100000001b3ull + static_cast<uint64_t>(r)));
                for (int64_t c = 0; c < cols; ++c) {
                    if (sp.scale == 0) {
                        row[c] = 1.0f;
                        continue;
                    }
                    state = splitmix64(state);
                    row[c] = sp.scale * (static_cast<float>(state >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f);
                }
                quantize_row(tensor_types[i], row.data(), dst + r * row_bytes, cols);
            }
        });
    });
}

}  // namespace tiller
