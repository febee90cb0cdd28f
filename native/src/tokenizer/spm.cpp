#include "tokenizer/spm.h"

#include <queue>
#include <string>

namespace tiller {

namespace {

struct Symbol {
    int32_t prev, next;
    const char *text;
    size_t n;
};

struct Bigram {
    int32_t left, right;
    float score;
    size_t size;
};

// Max-heap on score; on equal scores the leftmost pair first.
struct BigramOrder {
    bool operator()(const Bigram &l, const Bigram &r) const {
        return l.score < r.score || (l.score == r.score && l.left > r.left);
    }
};

size_t utf8_len(uint8_t c) {
    static const size_t lookup[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return lookup[c >> 4];
}

}  // namespace

void spm_encode(const Vocab &vocab, std::string_view raw, std::vector<int32_t> &out) {
    std::string text;
    text.reserve(raw.size() + raw.size() / 2);
    for (char c : raw) {
        if (c == ' ') text += "\xE2\x96\x81";
        else text += c;
    }
    std::vector<Symbol> symbols;
    symbols.reserve(text.size());
    for (size_t offs = 0; offs < text.size();) {
        size_t len = std::min(utf8_len(static_cast<uint8_t>(text[offs])), text.size() - offs);
        int32_t index = static_cast<int32_t>(symbols.size());
        symbols.push_back({index - 1, offs + len == text.size() ? -1 : index + 1, text.data() + offs, len});
        offs += len;
    }
    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    auto try_add = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        std::string_view merged(symbols[left].text, symbols[left].n + symbols[right].n);
        int32_t id = vocab.find(merged);
        if (id < 0) return;
        queue.push({left, right, vocab.score(id), merged.size()});
    };
    for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) try_add(i - 1, i);
    while (!queue.empty()) {
        Bigram b = queue.top();
        queue.pop();
        Symbol &l = symbols[b.left], &r = symbols[b.right];
        if (l.n == 0 || r.n == 0 || l.n + r.n != b.size) continue;  // stale: one side already merged
        l.n += r.n;
        r.n = 0;
        l.next = r.next;
        if (r.next >= 0) symbols[r.next].prev = b.left;
        try_add(l.prev, b.left);
        try_add(b.left, l.next);
    }
    // Every merged symbol is a token by construction; single characters may not be.
    for (int32_t i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
        const Symbol &s = symbols[i];
        int32_t id = vocab.find(std::string_view(s.text, s.n));
        if (id >= 0) {
            out.push_back(id);
        } else {
            for (size_t j = 0; j < s.n; ++j) out.push_back(vocab.byte_token(static_cast<uint8_t>(s.text[j])));
        }
    }
}

}  // namespace tiller
