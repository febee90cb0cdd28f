// A small JSON reader for the metadata Tiller reads (safetensors headers, SAELens cfg.json):
// objects, arrays, strings (with escapes), numbers, booleans, null. Depth and size are bounded.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tiller {

struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Json> items;
    std::map<std::string, Json> fields;

    const Json *get(const std::string &key) const;  // nullptr when absent or not an object
};

// Parses text; throws Error(TILLER_ERR_FORMAT) naming `what` on malformed input.
Json parse_json(std::string_view text, const std::string &what);

}  // namespace tiller
