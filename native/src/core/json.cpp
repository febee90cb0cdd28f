#include "core/json.h"

#include <cstdlib>

#include "core/error.h"

namespace tiller {

namespace {
class Parser {
public:
    Parser(std::string_view t, const std::string &what) : t_(t), what_(what) {}

    Json document() {
        Json v = value(0);
        ws();
        if (i_ != t_.size()) error("trailing characters");
        return v;
    }

private:
    [[noreturn]] void error(const char *msg) {
        fail(TILLER_ERR_FORMAT, "%s: invalid JSON at byte %zu: %s", what_.c_str(), i_, msg);
    }
    void ws() {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t')) ++i_;
    }
    bool take(char c) {
        ws();
        if (i_ < t_.size() && t_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!take(c)) error("unexpected character");
    }
    bool word(std::string_view w) {
        if (t_.substr(i_, w.size()) == w) {
            i_ += w.size();
            return true;
        }
        return false;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (true) {
            if (i_ >= t_.size()) error("unterminated string");
            char c = t_[i_++];
            if (c == '"') return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= t_.size()) error("unterminated escape");
            char e = t_[i_++];
            switch (e) {
                case '"': case '\\': case '/': out += e; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    if (i_ + 4 > t_.size()) error("short \\u escape");
                    unsigned cp = static_cast<unsigned>(std::strtoul(std::string(t_.substr(i_, 4)).c_str(), nullptr, 16));
                    i_ += 4;
                    // Basic Multilingual Plane only (enough for metadata); surrogates become U+FFFD.
                    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
                    if (cp < 0x80) out += static_cast<char>(cp);
                    else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 63));
                    else out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 63)),
                         out += static_cast<char>(0x80 | (cp & 63));
                    break;
                }
                default: error("bad escape");
            }
        }
    }
    Json value(int depth) {
        if (depth > 64) error("nested too deeply");
        ws();
        if (i_ >= t_.size()) error("unexpected end");
        Json v;
        char c = t_[i_];
        if (c == '{') {
            ++i_;
            v.kind = Json::Object;
            if (take('}')) return v;
            do {
                ws();
                std::string k = string();
                expect(':');
                v.fields[k] = value(depth + 1);
            } while (take(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.kind = Json::Array;
            if (take(']')) return v;
            do v.items.push_back(value(depth + 1));
            while (take(','));
            expect(']');
        } else if (c == '"') {
            v.kind = Json::String;
            v.str = string();
        } else if (word("true")) {
            v.kind = Json::Bool, v.b = true;
        } else if (word("false")) {
            v.kind = Json::Bool;
        } else if (word("null")) {
            v.kind = Json::Null;
        } else {
            char *end = nullptr;
            std::string num(t_.substr(i_, std::min<size_t>(64, t_.size() - i_)));
            v.num = std::strtod(num.c_str(), &end);
            if (end == num.c_str()) error("expected a value");
            i_ += static_cast<size_t>(end - num.c_str());
            v.kind = Json::Number;
        }
        return v;
    }

    std::string_view t_;
    const std::string &what_;
    size_t i_ = 0;
};
}  // namespace

const Json *Json::get(const std::string &key) const {
    if (kind != Object) return nullptr;
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
}

Json parse_json(std::string_view text, const std::string &what) { return Parser(text, what).document(); }

}  // namespace tiller
