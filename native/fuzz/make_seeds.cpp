// Writes the committed seed corpus: tiny valid files of each kind (run: build/make_seeds fuzz/corpus).
#include <cstdio>
#include <string>

#include "gguf_writer.h"

using tiller_test::GgufWriter;

namespace {
void save(const std::string &path, const std::vector<uint8_t> &b) {
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) return;
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
}

std::vector<uint8_t> tiny(const std::string &arch) {
    const int64_t E = 8, HD = 4, V = 6, FF = 8;
    GgufWriter w;
    w.str("general.architecture", arch);
    w.u32(arch + ".embedding_length", E);
    w.u32(arch + ".block_count", 1);
    w.u32(arch + ".feed_forward_length", FF);
    w.u32(arch + ".attention.head_count", 2);
    w.u32(arch + ".attention.head_count_kv", 1);
    w.u32(arch + ".attention.key_length", HD);
    w.u32(arch + ".attention.value_length", HD);
    if (arch != "gemma") w.u32(arch + ".attention.sliding_window", 2);
    w.str("tokenizer.ggml.model", "llama");
    w.strings("tokenizer.ggml.tokens", {"<pad>", "<eos>", "<bos>", "\xE2\x96\x81" "a", "b", "<0x41>"});
    std::vector<float> ones(E, 1.0f), m(E * 16, 0.1f);
    w.tensor_f32("token_embd.weight", {E, V}, std::vector<float>(E * V, 0.2f));
    w.tensor_f32("output_norm.weight", {E}, ones);
    w.tensor_f32("blk.0.attn_norm.weight", {E}, ones);
    w.tensor_f32("blk.0.attn_q.weight", {E, 2 * HD}, std::vector<float>(E * 2 * HD, 0.1f));
    w.tensor_f32("blk.0.attn_k.weight", {E, HD}, std::vector<float>(E * HD, 0.1f));
    w.tensor_f32("blk.0.attn_v.weight", {E, HD}, std::vector<float>(E * HD, 0.1f));
    w.tensor_f32("blk.0.attn_output.weight", {2 * HD, E}, std::vector<float>(E * 2 * HD, 0.1f));
    w.tensor_f32("blk.0.ffn_norm.weight", {E}, ones);
    w.tensor_f32("blk.0.ffn_gate.weight", {E, FF}, std::vector<float>(E * FF, 0.1f));
    w.tensor_f32("blk.0.ffn_up.weight", {E, FF}, std::vector<float>(E * FF, 0.1f));
    w.tensor_f32("blk.0.ffn_down.weight", {FF, E}, std::vector<float>(E * FF, 0.1f));
    if (arch != "gemma") {
        w.tensor_f32("blk.0.post_attention_norm.weight", {E}, ones);
        w.tensor_f32("blk.0.post_ffw_norm.weight", {E}, ones);
    }
    if (arch == "gemma3") {
        w.tensor_f32("blk.0.attn_q_norm.weight", {HD}, std::vector<float>(HD, 1.0f));
        w.tensor_f32("blk.0.attn_k_norm.weight", {HD}, std::vector<float>(HD, 1.0f));
    }
    return w.build();
}
}  // namespace

int main(int argc, char **argv) {
    std::string dir = argc > 1 ? argv[1] : "fuzz/corpus";
    for (std::string arch : {"gemma", "gemma2", "gemma3"}) save(dir + "/gguf/tiny-" + arch + ".gguf", tiny(arch));
    GgufWriter cv;
    cv.str("general.architecture", "controlvector");
    cv.tensor_f32("direction.1", {4}, {0.5f, -1.0f, 2.0f, 0.0f});
    cv.tensor_f32("direction.2", {4}, {1.0f, 1.0f, 1.0f, 1.0f});
    save(dir + "/cvec/two-layers.gguf", cv.build());
    const char *texts[] = {"Hello world", "<start_of_turn>user\nhi<end_of_turn>\n", "  spaces\t\ttabs\n\n\n", "\xF0\x9F\xA6\x99 \xE4\xB8\xAD",
                           "<unused3><b>x</b>", "\xFF\xFE invalid \xC3"};
    int i = 0;
    for (const char *t : texts) {
        std::string s(t);
        save(dir + "/tokenizer/text" + std::to_string(i++) + ".txt", std::vector<uint8_t>(s.begin(), s.end()));
    }
    std::printf("seeds written under %s\n", dir.c_str());
    return 0;
}
