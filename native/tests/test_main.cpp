#include <cstdio>
#include <exception>

#include "test.h"

namespace tiller_test {
int g_failures = 0;
}

int main() {
    int passed = 0, failed = 0;
    for (auto &[name, fn] : tiller_test::Registry::tests()) {
        int before = tiller_test::g_failures;
        try {
            fn();
        } catch (const tiller_test::Failure &) {
        } catch (const std::exception &e) {
            std::fprintf(stderr, "  unexpected exception: %s\n", e.what());
            ++tiller_test::g_failures;
        }
        bool ok = tiller_test::g_failures == before;
        std::printf("%s %s\n", ok ? "PASS" : "FAIL", name.c_str());
        (ok ? passed : failed)++;
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
