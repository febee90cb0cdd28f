#include "tokenizer/tokenizer.h"

#include "tokenizer/spm.h"

namespace tiller {

namespace {
// The byte of a "<0xXX>" token text, or -1.
int hex_byte(std::string_view t) {
    if (t.size() != 6 || t.substr(0, 3) != "<0x" || t[5] != '>') return -1;
    int v = 0;
    for (char c : t.substr(3, 2)) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}
}  // namespace

Tokenizer::Tokenizer(const GgufFile &file) : vocab_(file), splitter_(vocab_) {
    piece_offsets_.reserve(vocab_.size() + 1);
    for (int32_t id = 0; id < vocab_.size(); ++id) {
        piece_offsets_.push_back(pieces_.size());
        std::string_view t = vocab_.text(id);
        switch (vocab_.type(id)) {
            case TOKEN_NORMAL:
            case TOKEN_USER_DEFINED:
                for (size_t i = 0; i < t.size(); ++i) {
                    if (t.compare(i, 3, "\xE2\x96\x81") == 0) {
                        pieces_ += ' ';
                        i += 2;
                    } else {
                        pieces_ += t[i];
                    }
                }
                break;
            case TOKEN_BYTE: {
                int byte = hex_byte(t);
                if (byte >= 0) pieces_ += static_cast<char>(byte);
                else pieces_ += t;  // not of the form <0xXX>: its text
                break;
            }
            default:
                break;  // CONTROL, UNKNOWN (text only with special), UNUSED, UNDEFINED: nothing
        }
    }
    piece_offsets_.push_back(pieces_.size());
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 4);
    if (add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);
    for (const Fragment &f : splitter_.split(text, parse_special)) {
        if (f.token >= 0) out.push_back(f.token);
        else spm_encode(vocab_, f.text, out);
    }
    if (add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
    return out;
}

std::string_view Tokenizer::piece(int32_t id, bool special) const {
    int32_t t = vocab_.type(id);
    if (t == TOKEN_CONTROL || t == TOKEN_UNKNOWN) return special ? vocab_.text(id) : std::string_view();
    return {pieces_.data() + piece_offsets_[id], piece_offsets_[id + 1] - piece_offsets_[id]};
}

}  // namespace tiller
