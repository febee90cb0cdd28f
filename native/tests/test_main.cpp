// Runs the registered tests: all of them, or those named on the command line (ctest runs each
// test as its own entry). Exit status: 1 if any failed or a named test does not exist, 77 (ctest's
// SKIP_RETURN_CODE) if every test that ran was skipped, else 0.
#include <cstdio>
#include <cstring>
#include <exception>
#include <set>
#include <string>

#include "test.h"

namespace tiller_test {
int g_failures = 0;
}

int main(int argc, char **argv) {
    std::set<std::string> wanted(argv + 1, argv + argc);
    const bool all = wanted.empty();
    int passed = 0, failed = 0, skipped = 0;
    for (auto &[name, fn] : tiller_test::Registry::tests()) {
        if (!all && !wanted.erase(name)) continue;
        int before = tiller_test::g_failures;
        std::string skip;
        try {
            fn();
        } catch (const tiller_test::Failure &) {
        } catch (const tiller_test::Skipped &s) {
            skip = s.reason;
        } catch (const std::exception &e) {
            std::fprintf(stderr, "  unexpected exception: %s\n", e.what());
            ++tiller_test::g_failures;
        }
        bool ok = tiller_test::g_failures == before;
        if (ok && !skip.empty()) {
            std::printf("SKIP %s: %s\n", name.c_str(), skip.c_str());
            ++skipped;
            continue;
        }
        std::printf("%s %s\n", ok ? "PASS" : "FAIL", name.c_str());
        (ok ? passed : failed)++;
    }
    for (const std::string &name : wanted) {
        std::printf("FAIL %s: no such test in this binary\n", name.c_str());
        ++failed;
    }
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    if (failed) return 1;
    return passed == 0 && skipped > 0 ? 77 : 0;
}
