#include "gguf_writer.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <unistd.h>

namespace tiller_test {

namespace {
void put(std::vector<uint8_t> &o, const void *p, size_t n) {
    if (n == 0) return;
    size_t at = o.size();
    o.resize(at + n);
    std::memcpy(o.data() + at, p, n);
}
template <typename T>
void put(std::vector<uint8_t> &o, T v) { put(o, &v, sizeof v); }
void put_str(std::vector<uint8_t> &o, const std::string &s) {
    put<uint64_t>(o, s.size());
    put(o, s.data(), s.size());
}
}  // namespace

void GgufWriter::u32(const std::string &key, uint32_t v) {
    std::vector<uint8_t> o;
    put_str(o, key);
    put<int32_t>(o, 4);
    put(o, v);
    kvs_.push_back(o);
}

void GgufWriter::f32(const std::string &key, float v) {
    std::vector<uint8_t> o;
    put_str(o, key);
    put<int32_t>(o, 6);
    put(o, v);
    kvs_.push_back(o);
}

void GgufWriter::str(const std::string &key, const std::string &v) {
    std::vector<uint8_t> o;
    put_str(o, key);
    put<int32_t>(o, 8);
    put_str(o, v);
    kvs_.push_back(o);
}

void GgufWriter::strings(const std::string &key, const std::vector<std::string> &v) {
    std::vector<uint8_t> o;
    put_str(o, key);
    put<int32_t>(o, 9);
    put<int32_t>(o, 8);
    put<uint64_t>(o, v.size());
    for (auto &s : v) put_str(o, s);
    kvs_.push_back(o);
}

void GgufWriter::tensor_f32(const std::string &name, std::vector<int64_t> ne, const std::vector<float> &values) {
    Tensor t{name, std::move(ne), {}};
    put(t.data, values.data(), values.size() * 4);
    tensors_.push_back(std::move(t));
}

std::vector<uint8_t> GgufWriter::build() const {
    std::vector<uint8_t> o;
    put(o, "GGUF", 4);
    put<uint32_t>(o, 3);
    put<int64_t>(o, static_cast<int64_t>(tensors_.size()));
    put<int64_t>(o, static_cast<int64_t>(kvs_.size()));
    for (auto &kv : kvs_) put(o, kv.data(), kv.size());
    uint64_t off = 0;
    for (auto &t : tensors_) {
        put_str(o, t.name);
        put<uint32_t>(o, static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) put(o, d);
        put<int32_t>(o, 0);
        put(o, off);
        off += (t.data.size() + 31) / 32 * 32;
    }
    while (o.size() % 32) o.push_back(0);
    for (auto &t : tensors_) {
        put(o, t.data.data(), t.data.size());
        while (o.size() % 32) o.push_back(0);
    }
    return o;
}

namespace {
// A folder of this test run's own (TMPDIR or /tmp, mkdtemp), removed with its files at exit.
struct TempDir {
    std::string path;
    std::vector<std::string> files;
    TempDir() {
        const char *base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/tiller-test-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        if (mkdtemp(buf.data())) path = buf.data();
    }
    ~TempDir() {
        for (const auto &f : files) std::remove(f.c_str());
        if (!path.empty()) rmdir(path.c_str());
    }
};
TempDir temp_dir;
}  // namespace

std::string write_temp(const std::vector<uint8_t> &bytes, const std::string &name) {
    std::string path = temp_dir.path + "/" + name;
    temp_dir.files.push_back(path);
    FILE *f = std::fopen(path.c_str(), "wb");
    if (f) {
        if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }
    return path;
}

std::vector<uint8_t> tiny_gemma2() {
    const int64_t E = 32, L = 2, H = 2, KV = 1, HD = 16, FF = 64, V = 64;
    std::mt19937 rng(7);
    std::normal_distribution<float> nd(0.0f, 0.2f);
    auto rnd = [&](int64_t n) { std::vector<float> v(n); for (auto &x : v) x = nd(rng); return v; };
    auto ones = [&](int64_t n) { return std::vector<float>(n, 1.0f); };
    GgufWriter w;
    w.str("general.architecture", "gemma2");
    w.u32("gemma2.context_length", 64);
    w.u32("gemma2.embedding_length", E);
    w.u32("gemma2.block_count", L);
    w.u32("gemma2.feed_forward_length", FF);
    w.u32("gemma2.attention.head_count", H);
    w.u32("gemma2.attention.head_count_kv", KV);
    w.u32("gemma2.attention.key_length", HD);
    w.u32("gemma2.attention.value_length", HD);
    w.u32("gemma2.attention.sliding_window", 4);
    w.f32("gemma2.attention.layer_norm_rms_epsilon", 1e-6f);
    std::vector<std::string> toks;
    for (int i = 0; i < V; ++i) {
        std::string t = "t";
        t += std::to_string(i);
        toks.push_back(t);
    }
    w.strings("tokenizer.ggml.tokens", toks);
    w.tensor_f32("token_embd.weight", {E, V}, rnd(E * V));
    w.tensor_f32("output_norm.weight", {E}, ones(E));
    for (int il = 0; il < L; ++il) {
        std::string p = "blk.";
        p += std::to_string(il);
        p += '.';
        w.tensor_f32(p + "attn_norm.weight", {E}, ones(E));
        w.tensor_f32(p + "attn_q.weight", {E, HD * H}, rnd(E * HD * H));
        w.tensor_f32(p + "attn_k.weight", {E, HD * KV}, rnd(E * HD * KV));
        w.tensor_f32(p + "attn_v.weight", {E, HD * KV}, rnd(E * HD * KV));
        w.tensor_f32(p + "attn_output.weight", {HD * H, E}, rnd(E * HD * H));
        w.tensor_f32(p + "post_attention_norm.weight", {E}, ones(E));
        w.tensor_f32(p + "ffn_norm.weight", {E}, ones(E));
        w.tensor_f32(p + "ffn_gate.weight", {E, FF}, rnd(E * FF));
        w.tensor_f32(p + "ffn_up.weight", {E, FF}, rnd(E * FF));
        w.tensor_f32(p + "ffn_down.weight", {FF, E}, rnd(E * FF));
        w.tensor_f32(p + "post_ffw_norm.weight", {E}, ones(E));
    }
    return w.build();
}

}  // namespace tiller_test
