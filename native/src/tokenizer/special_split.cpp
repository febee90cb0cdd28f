#include "tokenizer/special_split.h"

#include <algorithm>

namespace tiller {

namespace {
bool is_special_type(int32_t t) { return t == TOKEN_CONTROL || t == TOKEN_USER_DEFINED || t == TOKEN_UNKNOWN; }
}  // namespace

SpecialSplitter::SpecialSplitter(const Vocab &vocab) : vocab_(vocab), trie_(1), rank_(vocab.size(), -1) {
    std::vector<int32_t> ids;
    for (int32_t id = 0; id < vocab.size(); ++id)
        if (is_special_type(vocab.type(id)) && !vocab.text(id).empty()) ids.push_back(id);
    // llama.cpp sorts by text length, longest first (ties by id here, to be deterministic).
    std::stable_sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) { return vocab.text(a).size() > vocab.text(b).size(); });
    for (size_t r = 0; r < ids.size(); ++r) rank_[ids[r]] = static_cast<int32_t>(r);
    for (int32_t id : ids) {
        int32_t node = 0;
        for (unsigned char c : vocab.text(id)) {
            int32_t next = child(node, c);
            if (next < 0) {
                next = static_cast<int32_t>(trie_.size());
                trie_.emplace_back();
                auto &nx = trie_[node].next;
                nx.insert(std::lower_bound(nx.begin(), nx.end(), std::make_pair(c, int32_t(-1))), {c, next});
            }
            node = next;
        }
        if (trie_[node].token < 0) trie_[node].token = id;
    }
}

int32_t SpecialSplitter::child(int32_t node, uint8_t b) const {
    const auto &nx = trie_[node].next;
    auto it = std::lower_bound(nx.begin(), nx.end(), std::make_pair(b, int32_t(-1)));
    return it != nx.end() && it->first == b ? it->second : -1;
}

std::vector<Fragment> SpecialSplitter::split(std::string_view text, bool parse_special) const {
    // Every occurrence of every allowed special token, as (rank, position, id).
    struct Hit {
        int32_t rank;
        size_t pos;
        int32_t id;
        bool operator<(const Hit &o) const { return rank != o.rank ? rank < o.rank : pos < o.pos; }
    };
    std::vector<Hit> found;
    for (size_t i = 0; i < text.size(); ++i) {
        int32_t node = 0;
        for (size_t j = i; j < text.size(); ++j) {
            node = child(node, static_cast<uint8_t>(text[j]));
            if (node < 0) break;
            int32_t id = trie_[node].token;
            if (id < 0) continue;
            int32_t t = vocab_.type(id);
            if (!parse_special && (t == TOKEN_CONTROL || t == TOKEN_UNKNOWN)) continue;
            found.push_back({rank_[id], i, id});
        }
    }
    std::vector<Fragment> out;
    if (found.empty()) {
        if (!text.empty()) out.push_back({-1, text});
        return out;
    }
    // Claim occurrences in llama.cpp's order: longest token first, each left to right, skipping
    // any occurrence that touches text already claimed.
    std::sort(found.begin(), found.end());
    std::vector<int32_t> claimed(text.size(), -1);  // token id at the first byte of a claim, -2 inside
    for (const Hit &h : found) {
        const size_t len = vocab_.text(h.id).size();
        bool free = true;
        for (size_t k = h.pos; k < h.pos + len && free; ++k) free = claimed[k] == -1;
        if (!free) continue;
        claimed[h.pos] = h.id;
        for (size_t k = h.pos + 1; k < h.pos + len; ++k) claimed[k] = -2;
    }
    size_t raw_start = 0;
    for (size_t i = 0; i < text.size();) {
        if (claimed[i] >= 0) {
            if (i > raw_start) out.push_back({-1, text.substr(raw_start, i - raw_start)});
            out.push_back({claimed[i], {}});
            i += vocab_.text(claimed[i]).size();
            raw_start = i;
        } else {
            ++i;
        }
    }
    if (raw_start < text.size()) out.push_back({-1, text.substr(raw_start)});
    return out;
}

}  // namespace tiller
