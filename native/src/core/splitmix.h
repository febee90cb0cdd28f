// splitmix64: a fast, seedable hash-generator. Values are functions of (seed, index), so any
// split of the work across threads produces the same numbers.
#pragma once

#include <cstdint>

namespace tiller {

inline uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace tiller
