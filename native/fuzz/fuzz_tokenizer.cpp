// Gemma 3's tokenizer on arbitrary bytes, with and without special-token parsing, and decoding
// of every produced id.
#include <cstdlib>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"

namespace {
const tiller::Tokenizer &tokenizer() {
    static std::unique_ptr<tiller::Tokenizer> tok = [] {
        const char *path = std::getenv("TILLER_FUZZ_VOCAB");
        tiller::GgufFile f(path ? path : "java/core/src/test/resources/fixtures/tokenizer/vocab-gemma3.gguf");
        return std::make_unique<tiller::Tokenizer>(f);
    }();
    return *tok;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const tiller::Tokenizer &tok = tokenizer();
    std::string_view text(reinterpret_cast<const char *>(data), size);
    for (bool special : {false, true}) {
        auto ids = tok.encode(text, true, special);
        if (ids.size() > 3 * size + 2) __builtin_trap();  // the bound documented in tiller.h
        for (int32_t id : ids) {
            if (id < 0 || id >= tok.vocab().size()) __builtin_trap();
            (void)tok.piece(id, special);
        }
    }
    return 0;
}
