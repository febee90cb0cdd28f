// A minimal test harness for the native tests (run by ctest): TEST registers a function,
// CHECK records a failure and continues, REQUIRE stops the test, SKIP ends it as skipped (a test
// that cannot run here, e.g. a kernel path this CPU lacks, says so instead of passing).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace tiller_test {

struct Registry {
    static std::vector<std::pair<std::string, std::function<void()>>> &tests() {
        static std::vector<std::pair<std::string, std::function<void()>>> t;
        return t;
    }
};

struct Register {
    Register(const char *name, std::function<void()> fn) { Registry::tests().emplace_back(name, std::move(fn)); }
};

struct Failure {};

struct Skipped {
    std::string reason;
};

extern int g_failures;

// The error code fn fails with (tiller::Error), or TILLER_OK when it returns.
template <class Fn>
int32_t error_code(Fn fn) {
    try {
        fn();
    } catch (const tiller::Error &e) {
        return e.code();
    }
    return TILLER_OK;
}

}  // namespace tiller_test

#define TEST(name)                                                                 \
    static void name();                                                            \
    static tiller_test::Register reg_##name(#name, name);                         \
    static void name()

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            std::fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            ++tiller_test::g_failures;                                             \
        }                                                                          \
    } while (0)

#define REQUIRE(cond)                                                              \
    do {                                                                           \
        if (!(cond)) {                                                             \
            std::fprintf(stderr, "  %s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
            ++tiller_test::g_failures;                                             \
            throw tiller_test::Failure{};                                          \
        }                                                                          \
    } while (0)

#define SKIP(reason) throw tiller_test::Skipped{reason}
