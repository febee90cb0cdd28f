// Text <-> token ids for Gemma's SentencePiece vocabulary, with llama.cpp's semantics.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/gguf_file.h"
#include "tokenizer/special_split.h"
#include "tokenizer/vocab.h"

namespace tiller {

class Tokenizer {
public:
    explicit Tokenizer(const GgufFile &file);

    const Vocab &vocab() const { return vocab_; }

    // add_special: BOS/EOS as the vocabulary's add_bos/add_eos say. parse_special: special-token
    // text becomes control tokens (for template markup); otherwise it stays text (user content).
    std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const;

    // The bytes a token stands for: NORMAL and USER_DEFINED texts with U+2581 turned back into
    // spaces, BYTE tokens as their byte; CONTROL/UNKNOWN give their text only when special is set.
    std::string_view piece(int32_t id, bool special) const;

private:
    Vocab vocab_;
    SpecialSplitter splitter_;
    std::string pieces_;
    std::vector<size_t> piece_offsets_;
};

}  // namespace tiller
