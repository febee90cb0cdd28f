// SentencePiece encoding of one raw fragment as llama.cpp's llm_tokenizer_spm_session: spaces
// become U+2581, UTF-8 characters are merged pairwise by the score of the merged token (highest
// first, leftmost on ties), and what no token covers falls back to byte tokens.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace tiller {

void spm_encode(const Vocab &vocab, std::string_view raw, std::vector<int32_t> &out);

}  // namespace tiller
