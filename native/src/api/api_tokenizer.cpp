// C ABI: the tokenizer.
#include <algorithm>
#include <cstring>

#include "api/handles.h"
#include "core/error.h"

using namespace tiller;

namespace {
const Tokenizer &tok_of(const tiller_tokenizer *t) {
    if (!t || !t->tokenizer) fail(TILLER_ERR_INVALID_ARGUMENT, "tokenizer handle is null");
    return *t->tokenizer;
}
void check_id(const Tokenizer &t, int32_t id) {
    TILLER_REQUIRE_ARG(id >= 0 && id < t.vocab().size(), "token id %d is out of range [0, %d)", id, t.vocab().size());
}
}  // namespace

extern "C" {

int32_t tiller_tokenizer_load(const char *path, tiller_tokenizer **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(path && out, "path and out must not be null");
        *out = nullptr;
        GgufFile file(path);
        auto t = std::make_unique<tiller_tokenizer>();
        t->tokenizer = std::make_unique<Tokenizer>(file);
        *out = t.release();
    });
}

int32_t tiller_tokenizer_from_model(const tiller_model *model, tiller_tokenizer **out) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(model && model->model && out, "model and out must not be null");
        *out = nullptr;
        auto t = std::make_unique<tiller_tokenizer>();
        t->tokenizer = std::make_unique<Tokenizer>(model->model->file());
        *out = t.release();
    });
}

int32_t tiller_tokenizer_free(tiller_tokenizer *tokenizer) {
    return guarded([&] { delete tokenizer; });
}

int32_t tiller_tokenizer_info(const tiller_tokenizer *tokenizer, int64_t *out, int32_t n) {
    return guarded([&] {
        const Vocab &v = tok_of(tokenizer).vocab();
        TILLER_REQUIRE_ARG(out && n >= 0, "out must not be null");
        const int64_t vals[TILLER_TOK_COUNT] = {v.size(), v.bos, v.eos, v.eot, v.unk, v.pad, v.add_bos, v.add_eos};
        for (int32_t i = 0; i < n && i < TILLER_TOK_COUNT; ++i) out[i] = vals[i];
    });
}

int32_t tiller_tokenize(const tiller_tokenizer *tokenizer, const char *text, int64_t len, int32_t add_special,
                        int32_t parse_special, int32_t *out, int64_t capacity, int64_t *n_tokens) {
    return guarded([&] {
        const Tokenizer &t = tok_of(tokenizer);
        TILLER_REQUIRE_ARG(len >= 0 && (len == 0 || text), "text must hold len >= 0 bytes");
        TILLER_REQUIRE_ARG(capacity >= 0 && (capacity == 0 || out) && n_tokens, "out must hold capacity ids");
        std::vector<int32_t> ids = t.encode(std::string_view(text ? text : "", static_cast<size_t>(len)), add_special != 0,
                                            parse_special != 0);
        *n_tokens = static_cast<int64_t>(ids.size());
        if (capacity > 0) std::memcpy(out, ids.data(), std::min<int64_t>(capacity, ids.size()) * sizeof(int32_t));
    });
}

int32_t tiller_token_piece(const tiller_tokenizer *tokenizer, int32_t id, int32_t special, const char **data,
                           int64_t *len) {
    return guarded([&] {
        const Tokenizer &t = tok_of(tokenizer);
        TILLER_REQUIRE_ARG(data && len, "data and len must not be null");
        check_id(t, id);
        std::string_view p = t.piece(id, special != 0);
        *data = p.data();
        *len = static_cast<int64_t>(p.size());
    });
}

int32_t tiller_token_text(const tiller_tokenizer *tokenizer, int32_t id, const char **data, int64_t *len) {
    return guarded([&] {
        const Tokenizer &t = tok_of(tokenizer);
        TILLER_REQUIRE_ARG(data && len, "data and len must not be null");
        check_id(t, id);
        std::string_view p = t.vocab().text(id);
        *data = p.data();
        *len = static_cast<int64_t>(p.size());
    });
}

int32_t tiller_token_type(const tiller_tokenizer *tokenizer, int32_t id, int32_t *type) {
    return guarded([&] {
        const Tokenizer &t = tok_of(tokenizer);
        TILLER_REQUIRE_ARG(type, "type must not be null");
        check_id(t, id);
        *type = t.vocab().type(id);
    });
}

int32_t tiller_token_find(const tiller_tokenizer *tokenizer, const char *text, int64_t len, int32_t *id) {
    return guarded([&] {
        const Tokenizer &t = tok_of(tokenizer);
        TILLER_REQUIRE_ARG(id && len >= 0 && (len == 0 || text), "text must hold len >= 0 bytes");
        *id = t.vocab().find(std::string_view(text ? text : "", static_cast<size_t>(len)));
    });
}

}  // extern "C"
