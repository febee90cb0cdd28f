// Inputs that once made a fuzz target fail (tests/regressions/*.gguf) load as errors, never crash.
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "model/model.h"
#include "runtime/session.h"
#include "steer/control_vector.h"
#include "test.h"

using namespace tiller;

TEST(every_recorded_gguf_is_rejected_or_runs) {
    int n = 0;
    for (const auto &e : std::filesystem::directory_iterator("tests/regressions")) {
        if (e.path().extension() != ".gguf") continue;
        ++n;
        try {
            auto m = std::make_shared<const Model>(e.path().string());
            Session s(m, 8, 1);
            int32_t t[2] = {0, 0};
            s.evaluate(t, 2, true);
        } catch (const Error &) {
        }
        try {
            ControlVectorFile cv(e.path().string());
        } catch (const Error &) {
        }
    }
    CHECK(n >= 1);
}
