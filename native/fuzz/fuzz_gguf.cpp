// GGUF reader, model loader, tokenizer construction and a short evaluation on arbitrary bytes:
// every failure must be a tiller::Error.
#include <memory>

#include "core/error.h"
#include "fuzz_input.h"
#include "gguf/gguf_file.h"
#include "model/model.h"
#include "runtime/session.h"
#include "tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzFile f(data, size);
    if (!f.ok()) return 0;
    try {
        tiller::GgufFile file(f.path());
        if (file.find("tokenizer.ggml.model")) {
            try {
                tiller::Tokenizer tok(file);
                tok.encode("Hello <bos> world\n\n  x", true, true);
            } catch (const tiller::Error &) {
            }
        }
        auto model = std::make_shared<const tiller::Model>(f.path());
        tiller::Session s(model, 8, 1);
        int32_t toks[3] = {0, static_cast<int32_t>(model->hparams().n_vocab - 1), 0};
        s.evaluate(toks, 3, true);
    } catch (const tiller::Error &) {
    }
    return 0;
}
