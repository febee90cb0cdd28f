// Splits text at special-token texts exactly as llama.cpp's tokenizer_st_partition does: tokens
// are taken longest first, each at its leftmost non-overlapping occurrences in the text not yet
// claimed. CONTROL and UNKNOWN tokens only count when parse_special is set; USER_DEFINED always.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace tiller {

struct Fragment {
    int32_t token;          // >= 0: a special token; -1: raw text
    std::string_view text;  // the raw text (token == -1)
};

class SpecialSplitter {
public:
    explicit SpecialSplitter(const Vocab &vocab);
    std::vector<Fragment> split(std::string_view text, bool parse_special) const;

private:
    struct Node {
        int32_t token = -1;
        std::vector<std::pair<uint8_t, int32_t>> next;  // sorted by byte
    };
    int32_t child(int32_t node, uint8_t b) const;

    const Vocab &vocab_;
    std::vector<Node> trie_;
    std::vector<int32_t> rank_;  // processing order of each token id (0 = first), -1 if not special
};

}  // namespace tiller
