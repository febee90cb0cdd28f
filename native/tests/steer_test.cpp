// The steering programs on their own (steer/steering_programs.h), against values worked out by
// hand on a 2-dimensional, 2-feature JumpReLU SAE: dense vectors, SAS with ReLU and JumpReLU
// sigma, the start position, the layer, and the order programs are applied in.
#include <cmath>
#include <string>
#include <vector>

#include "gguf_writer.h"
#include "steer/control_tap.h"
#include "steer/steering_programs.h"
#include "test.h"

using namespace tiller;
using tiller_test::error_code;

namespace {
// W_enc = I, b_enc = b_dec = 0, W_dec rows (1, 0) and (0, 2), thresholds 0.5: f = x where
// x > 0.5, else 0.
std::shared_ptr<const Sae> hand_sae() {
    struct T { const char *name; std::vector<int64_t> shape; std::vector<float> v; };
    const T ts[] = {{"W_enc", {2, 2}, {1, 0, 0, 1}}, {"W_dec", {2, 2}, {1, 0, 0, 2}}, {"b_enc", {2}, {0, 0}},
                    {"b_dec", {2}, {0, 0}}, {"threshold", {2}, {0.5f, 0.5f}}};
    std::string header = "{";
    size_t off = 0;
    for (const T &t : ts) {
        if (header.size() > 1) header += ",";
        header += '"';
        header += t.name;
        header += "\":{\"dtype\":\"F32\",\"shape\":[";
        for (size_t i = 0; i < t.shape.size(); ++i) {
            if (i) header += ',';
            header += std::to_string(t.shape[i]);
        }
        header += "],\"data_offsets\":[";
        header += std::to_string(off);
        header += ',';
        header += std::to_string(off + t.v.size() * 4);
        header += "]}";
        off += t.v.size() * 4;
    }
    header += "}";
    while (header.size() % 8) header += ' ';
    const uint64_t n = header.size();
    std::string file(reinterpret_cast<const char *>(&n), 8);
    file += header;
    for (const T &t : ts) file.append(reinterpret_cast<const char *>(t.v.data()), t.v.size() * 4);
    const std::vector<uint8_t> bytes(file.begin(), file.end());
    // A SAELens folder: the test run's own temporary folder.
    static const std::string weights = tiller_test::write_temp(bytes, "sae_weights.safetensors");
    const std::string cfg = R"({"architecture": "jumprelu", "d_in": 2, "d_sae": 2})";
    static const std::string cfg_path = tiller_test::write_temp(std::vector<uint8_t>(cfg.begin(), cfg.end()), "cfg.json");
    return std::make_shared<const Sae>(weights);
}

// Two rows at positions 4 and 5 of layer 1, both x = (0.3, 1.0).
struct Rows {
    std::vector<float> x{0.3f, 1.0f, 0.3f, 1.0f};
    Site site(int64_t layer = 1) { return Site{Point::resid_post, layer, 4, 2, 2, x.data(), 0}; }
};

bool near(float a, float b) { return std::fabs(a - b) < 1e-6f; }

const int32_t kIdx[] = {0, 1};
const float kVals[] = {1.0f, -1.0f};
}  // namespace

TEST(sas_with_jumprelu_sigma_matches_the_hand_computation) {
    // f = (0, 1). Feature 0: z = 0 + 0.4 = 0.4, not above its threshold 0.5, so sigma(z) = 0 and
    // nothing changes; feature 1: z = 1 - 0.4 = 0.6 -> delta -0.4 along (0, 2). x' = (0.3, 0.2).
    SteeringPrograms p(3, 2);
    p.add_sas(hand_sae(), 1, kIdx, kVals, 2, 0.4f, true, 0);
    Rows r;
    REQUIRE(p.wants(Point::resid_post, 1));
    p.run(r.site());
    CHECK(near(r.x[0], 0.3f) && near(r.x[1], 0.2f));
    CHECK(near(r.x[2], 0.3f) && near(r.x[3], 0.2f));
}

TEST(sas_with_relu_sigma_matches_the_hand_computation) {
    // ReLU sigma keeps feature 0's z = 0.4: delta +0.4 along (1, 0). x' = (0.7, 0.2).
    SteeringPrograms p(3, 2);
    p.add_sas(hand_sae(), 1, kIdx, kVals, 2, 0.4f, false, 0);
    Rows r;
    p.run(r.site());
    CHECK(near(r.x[0], 0.7f) && near(r.x[1], 0.2f));
}

TEST(programs_apply_from_their_start_position_at_their_layer_only) {
    SteeringPrograms p(3, 2);
    const float v[] = {1.0f, -2.0f};
    p.add_dense(1, v, 2, 0.5f, 5);
    CHECK(p.wants(Point::resid_post, 1));
    CHECK(!p.wants(Point::resid_post, 0));
    CHECK(!p.wants(Point::resid_post, 2));
    Rows r;
    p.run(r.site());
    CHECK(near(r.x[0], 0.3f) && near(r.x[1], 1.0f));  // position 4 < 5: untouched
    CHECK(near(r.x[2], 0.8f) && near(r.x[3], 0.0f));  // position 5: + 0.5 * (1, -2)
    p.clear();
    CHECK(!p.wants(Point::resid_post, 1));
}

TEST(programs_apply_in_the_order_added) {
    // Dense (0.3, 0) first makes x = (0.6, 1.0): feature 0 is now active (f = 0.6, z = 1.0, delta
    // +0.4) and x' = (1.0, 0.2). SAS first would give (0.3, 0.2) + (0.3, 0) = (0.6, 0.2).
    SteeringPrograms p(3, 2);
    const float v[] = {0.3f, 0.0f};
    p.add_dense(1, v, 2, 1.0f, 0);
    p.add_sas(hand_sae(), 1, kIdx, kVals, 2, 0.4f, true, 0);
    Rows r;
    p.run(r.site());
    CHECK(near(r.x[0], 1.0f) && near(r.x[1], 0.2f));
}

TEST(bad_programs_are_refused) {
    SteeringPrograms p(3, 2);
    const float v[] = {1.0f, NAN};
    CHECK(error_code([&] { p.add_dense(3, v, 2, 1.0f, 0); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(error_code([&] { p.add_dense(1, v, 2, 1.0f, 0); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(error_code([&] { p.add_dense(1, v, 1, 1.0f, 0); }) == TILLER_ERR_INVALID_ARGUMENT);
    const int32_t out_of_range[] = {2};
    CHECK(error_code([&] { p.add_sas(hand_sae(), 1, out_of_range, v, 1, 1.0f, true, 0); }) == TILLER_ERR_INVALID_ARGUMENT);
    CHECK(!p.wants(Point::resid_post, 1));
}

TEST(control_vector_starts_at_layer_one_within_its_range) {
    // As llama.cpp: data[0..E) is layer 1's direction; layer 0 is never steered.
    ControlTap c(3, 2);
    const float data[] = {1.0f, 2.0f, 3.0f, 4.0f};
    c.set(data, 4, 2, 2, 2);
    CHECK(!c.wants(Point::resid_post, 0));
    CHECK(!c.wants(Point::resid_post, 1));  // outside [2, 2]
    REQUIRE(c.wants(Point::resid_post, 2));
    Rows r;
    c.run(r.site(2));
    CHECK(near(r.x[0], 3.3f) && near(r.x[1], 5.0f));
    c.set(nullptr, 0, 2, 0, 0);
    CHECK(!c.wants(Point::resid_post, 2));
}
