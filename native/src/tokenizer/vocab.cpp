#include "tokenizer/vocab.h"

#include <cstdio>

#include "core/error.h"

namespace tiller {

Vocab::Vocab(const GgufFile &f) {
    const char *p = f.path().c_str();
    auto model = f.get_string("tokenizer.ggml.model");
    if (!model) fail(TILLER_ERR_FORMAT, "%s: no tokenizer in this file (tokenizer.ggml.model is missing)", p);
    if (*model != "llama")
        fail(TILLER_ERR_UNSUPPORTED, "%s: tokenizer model '%s' is not supported (Gemma uses 'llama', SentencePiece)", p,
             model->c_str());
    const MetaValue *tokens = f.find("tokenizer.ggml.tokens");
    if (!tokens || tokens->type != META_ARRAY || tokens->array_type != META_STRING || tokens->count == 0)
        fail(TILLER_ERR_FORMAT, "%s: tokenizer.ggml.tokens must be a non-empty string array", p);
    const int64_t n = tokens->count;
    if (n > (int64_t(1) << 24)) fail(TILLER_ERR_FORMAT, "%s: %lld tokens is more than Tiller accepts", p, (long long)n);
    const MetaValue *scores = f.find("tokenizer.ggml.scores");
    const MetaValue *types = f.find("tokenizer.ggml.token_type");
    if (scores && (scores->type != META_ARRAY || scores->count != n || !scores->is_numeric_element()))
        fail(TILLER_ERR_FORMAT, "%s: tokenizer.ggml.scores must hold one number per token (%lld)", p, (long long)n);
    if (types && (types->type != META_ARRAY || types->count != n || !types->is_numeric_element()))
        fail(TILLER_ERR_FORMAT, "%s: tokenizer.ggml.token_type must hold one number per token (%lld)", p, (long long)n);

    size_t total = 0;
    for (auto s : tokens->strings) total += s.size();
    blob_.reserve(total);
    offsets_.reserve(n + 1);
    scores_.resize(n);
    types_.resize(n);
    for (int64_t i = 0; i < n; ++i) {
        offsets_.push_back(blob_.size());
        blob_.append(tokens->strings[i]);
        scores_[i] = scores ? static_cast<float>(scores->as_float(i)) : 0.0f;
        int64_t t = types ? types->as_int(i) : static_cast<int64_t>(TOKEN_NORMAL);
        types_[i] = (t >= TOKEN_UNDEFINED && t <= TOKEN_BYTE) ? static_cast<int32_t>(t) : TOKEN_UNDEFINED;
    }
    offsets_.push_back(blob_.size());
    index_.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) index_.emplace(text(i), i);  // first id wins on duplicate texts

    auto id_key = [&](const char *key, int32_t fallback) {
        int64_t v = f.get_int(key).value_or(fallback);
        if (v < -1 || v >= n) fail(TILLER_ERR_FORMAT, "%s: %s = %lld is not a token id (vocabulary of %lld)", p, key,
                                   (long long)v, (long long)n);
        return static_cast<int32_t>(v);
    };
    // SentencePiece defaults as llama.cpp: bos 1, eos 2, unk 0, overridden by the file.
    bos = id_key("tokenizer.ggml.bos_token_id", n > 1 ? 1 : -1);
    eos = id_key("tokenizer.ggml.eos_token_id", n > 2 ? 2 : -1);
    unk = id_key("tokenizer.ggml.unknown_token_id", 0);
    pad = id_key("tokenizer.ggml.padding_token_id", -1);
    // End of turn is found by text, as llama.cpp does, when the file does not name it.
    eot = id_key("tokenizer.ggml.eot_token_id", find("<end_of_turn>"));
    add_bos = f.get_bool("tokenizer.ggml.add_bos_token").value_or(true);
    add_eos = f.get_bool("tokenizer.ggml.add_eos_token").value_or(false);

    for (int b = 0; b < 256; ++b) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "<0x%02X>", b);
        int32_t id = find(hex);
        const char c = static_cast<char>(b);
        if (id < 0) id = find(std::string_view(&c, 1));
        byte_tokens_[b] = id >= 0 ? id : unk;
    }
}

int32_t Vocab::find(std::string_view s) const {
    auto it = index_.find(s);
    return it == index_.end() ? -1 : it->second;
}

}  // namespace tiller
