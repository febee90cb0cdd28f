// The GGUF reader and model loader on valid, truncated and randomly corrupted input: every
// failure must be a tiller::Error, never a crash (this suite also runs under ASan + UBSan).
#include <cstdio>
#include <cstring>
#include <random>

#include "core/error.h"
#include "gguf/gguf_file.h"
#include "gguf_writer.h"
#include "model/model.h"
#include "runtime/session.h"
#include "test.h"

using namespace tiller;
using namespace tiller_test;

namespace {
// Loads bytes as a model; returns the error code (0 when it loaded and evaluated).
int32_t try_load(const std::vector<uint8_t> &bytes, const std::string &name) {
    std::string path = write_temp(bytes, name);
    const int32_t code = error_code([&] {
        auto m = std::make_shared<const Model>(path);
        Session s(m, 16, 1);
        int32_t toks[3] = {1, 2, 3};
        s.evaluate(toks, 3, true);
    });
    std::remove(path.c_str());
    return code;
}
}  // namespace

TEST(valid_file_parses_keys_and_tensors) {
    std::string path = write_temp(tiny_gemma2(), "valid.gguf");
    GgufFile f(path);
    CHECK(f.version() == 3);
    CHECK(f.get_string("general.architecture").value() == "gemma2");
    CHECK(f.get_int("gemma2.block_count").value() == 2);
    CHECK(f.find("tokenizer.ggml.tokens")->count == 64);
    CHECK(f.find("tokenizer.ggml.tokens")->strings[5] == "t5");
    const TensorInfo *t = f.tensor("blk.1.ffn_down.weight");
    REQUIRE(t != nullptr);
    CHECK(t->ne[0] == 64 && t->ne[1] == 32 && t->n_bytes == 64 * 32 * 4);
    CHECK(try_load(tiny_gemma2(), "valid2.gguf") == 0);
    std::remove(path.c_str());
}

TEST(every_truncation_is_a_format_error) {
    std::vector<uint8_t> full = tiny_gemma2();
    for (size_t n = 0; n < full.size(); n += (n < 4096 ? 1 : 97)) {
        std::vector<uint8_t> cut(full.begin(), full.begin() + n);
        int32_t code = try_load(cut, "cut.gguf");
        if (code != TILLER_ERR_FORMAT) std::fprintf(stderr, "  truncation at %zu gave code %d\n", n, code);
        CHECK(code == TILLER_ERR_FORMAT);
    }
}

TEST(random_corruption_never_crashes) {
    std::vector<uint8_t> full = tiny_gemma2();
    std::mt19937 rng(1234);
    int errors = 0;
    for (int iter = 0; iter < 600; ++iter) {
        std::vector<uint8_t> b = full;
        int flips = 1 + iter % 8;
        // Corrupt mostly the header region, where the structure lives.
        size_t header_end = std::min<size_t>(b.size(), 2600);
        for (int k = 0; k < flips; ++k) b[rng() % header_end] = static_cast<uint8_t>(rng());
        int32_t code = try_load(b, "corrupt.gguf");
        CHECK(code == 0 || code == TILLER_ERR_FORMAT || code == TILLER_ERR_UNSUPPORTED || code == TILLER_ERR_OUT_OF_MEMORY ||
              code == TILLER_ERR_INVALID_ARGUMENT);
        errors += code != 0;
    }
    CHECK(errors > 100);  // the corruption did hit the structure
}

TEST(huge_counts_are_rejected_before_allocating) {
    std::vector<uint8_t> b = tiny_gemma2();
    int64_t huge = int64_t(1) << 60;
    std::memcpy(&b[8], &huge, 8);
    CHECK(try_load(b, "huge-tensors.gguf") == TILLER_ERR_FORMAT);
    b = tiny_gemma2();
    std::memcpy(&b[16], &huge, 8);
    CHECK(try_load(b, "huge-kv.gguf") == TILLER_ERR_FORMAT);
}
