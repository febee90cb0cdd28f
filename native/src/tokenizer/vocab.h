// A SentencePiece vocabulary as GGUF carries it (tokenizer.ggml.*): token texts, scores, types,
// special ids. Texts are copied out of the file so the vocabulary outlives the map.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gguf/gguf_file.h"

namespace tiller {

enum TokenType : int32_t {
    TOKEN_UNDEFINED = 0, TOKEN_NORMAL = 1, TOKEN_UNKNOWN = 2, TOKEN_CONTROL = 3, TOKEN_USER_DEFINED = 4,
    TOKEN_UNUSED = 5, TOKEN_BYTE = 6,
};

class Vocab {
public:
    explicit Vocab(const GgufFile &file);

    int32_t size() const { return static_cast<int32_t>(types_.size()); }
    std::string_view text(int32_t id) const { return {blob_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]}; }
    float score(int32_t id) const { return scores_[id]; }
    int32_t type(int32_t id) const { return types_[id]; }
    // -1 when no token has exactly this text.
    int32_t find(std::string_view text) const;
    int32_t byte_token(uint8_t b) const { return byte_tokens_[b]; }

    int32_t bos = -1, eos = -1, eot = -1, unk = -1, pad = -1;
    bool add_bos = true, add_eos = false;

private:
    std::string blob_;
    std::vector<size_t> offsets_;
    std::vector<float> scores_;
    std::vector<int32_t> types_;
    std::unordered_map<std::string_view, int32_t> index_;
    int32_t byte_tokens_[256];
};

}  // namespace tiller
