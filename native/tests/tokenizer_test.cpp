// Tokenizer regressions found by fuzzing (inputs under tests/regressions), on Gemma 3's vocabulary.
#include <fstream>
#include <iterator>
#include <string>

#include "gguf/gguf_file.h"
#include "test.h"
#include "tokenizer/tokenizer.h"

using namespace tiller;

namespace {
const Tokenizer &gemma3() {
    static GgufFile f("../java/core/src/test/resources/fixtures/tokenizer/vocab-gemma3.gguf");
    static Tokenizer t(f);
    return t;
}

std::string read(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST(invalid_lead_byte_before_spaces_stays_within_bound) {
    // 0xFF claims 4 bytes, splitting the U+2581 of the next space into byte tokens.
    std::string s = read("tests/regressions/tokenizer-invalid-lead-byte.bin");
    REQUIRE(s.size() == 4);
    auto ids = gemma3().encode(s, true, false);
    CHECK(ids.size() > s.size() + 2);   // why the bound is 3 * len + 2, not len + 2
    CHECK(ids.size() <= 3 * s.size() + 2);
    for (int32_t id : ids) CHECK(id >= 0 && id < gemma3().vocab().size());
}

TEST(worst_case_bound_holds_for_repeated_patterns) {
    std::string s;
    for (int i = 0; i < 200; ++i) s += "\xFF  ";
    for (bool special : {false, true}) CHECK(gemma3().encode(s, true, special).size() <= 3 * s.size() + 2);
}
