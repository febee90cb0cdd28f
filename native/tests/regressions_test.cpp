// Inputs that once made a fuzz target fail (tests/regressions/*) load as errors or correctly, never crash.
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "model/model.h"
#include "runtime/session.h"
#include "sae/tensor_file.h"
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

// fuzz_sae: a safetensors header whose length is not a multiple of 4 left every array misaligned
// (UBSan: misaligned float load). The file is valid; its values must read back exactly.
TEST(safetensors_with_unpadded_header_reads_its_values) {
    TensorFile tf("tests/regressions/misaligned_header.safetensors");
    const F32Tensor &w = tf.get("W_enc");
    CHECK(w.shape == (std::vector<int64_t>{4, 3}));
    CHECK(reinterpret_cast<uintptr_t>(w.data) % alignof(float) == 0);
    // The file's W_enc is numpy's standard_normal(seed 1): its first value is 0.345584...
    CHECK(w.data[0] > 0.3455f && w.data[0] < 0.3457f);
}
