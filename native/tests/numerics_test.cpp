// The llama.cpp fixtures through the native runtime alone (no JVM), so that they can also run
// under an emulated older CPU (qemu -cpu Nehalem / Haswell) to check every kernel path. Reads
// TILLER_FIXTURES_DIR/numerics, else the subset committed with the Java tests.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "kernels/qdot.h"
#include "model/model.h"
#include "runtime/session.h"
#include "test.h"

using namespace tiller;

namespace {
struct Case {
    std::string model, weights, logits;
    std::vector<int32_t> tokens;
};

std::string dir() {
    const char *env = std::getenv("TILLER_FIXTURES_DIR");
    return env && *env ? std::string(env) + "/numerics" : "../java/core/src/test/resources/fixtures/numerics";
}

std::string field(const std::string &obj, const std::string &key) {
    size_t k = obj.find("\"" + key + "\"");
    if (k == std::string::npos) return "";
    size_t q1 = obj.find('"', obj.find(':', k) + 1), q2 = obj.find('"', q1 + 1);
    return obj.substr(q1 + 1, q2 - q1 - 1);
}

// Just enough JSON for manifest.json: each case starts at "model" and lists its tokens.
std::vector<Case> cases() {
    std::ifstream in(dir() + "/manifest.json");
    std::string s((std::istreambuf_iterator<char>(in)), {});
    std::vector<Case> out;
    for (size_t at = s.find("\"model\""); at != std::string::npos;) {
        size_t next = s.find("\"model\"", at + 1);
        std::string obj = s.substr(at, next == std::string::npos ? std::string::npos : next - at);
        Case c{field(obj, "model"), field(obj, "weights"), field(obj, "logits"), {}};
        size_t t = obj.find("\"tokens\""), open = obj.find('[', t), close = obj.find(']', open);
        std::string list = obj.substr(open + 1, close - open - 1);
        for (char *p = list.data(); *p;) {
            char *end;
            long v = std::strtol(p, &end, 10);
            if (end == p) { ++p; continue; }
            c.tokens.push_back(static_cast<int32_t>(v));
            p = end;
        }
        out.push_back(c);
        at = next;
    }
    return out;
}
}  // namespace

TEST(fixture_logits_within_tolerance_on_this_cpu_path) {
    auto all = cases();
    REQUIRE(!all.empty());
    if (const char *problem = cpu_request_problem()) std::fprintf(stderr, "  %s\n", problem);
    REQUIRE(cpu_request_problem() == nullptr);
    std::printf("  kernel path: %s, %zu cases\n", qdot().name, all.size());
    for (const Case &c : all) {
        auto m = std::make_shared<const Model>(dir() + "/" + c.model);
        const int64_t V = m->hparams().n_vocab, T = static_cast<int64_t>(c.tokens.size());
        Session s(m, T, 2);
        s.evaluate(c.tokens.data(), T, true);
        std::ifstream f(dir() + "/" + c.logits, std::ios::binary);
        std::vector<float> ref(T * V);
        f.read(reinterpret_cast<char *>(ref.data()), static_cast<std::streamsize>(ref.size() * 4));
        REQUIRE(f.good());
        double max_abs = 0, kl = 0;
        int agree = 0;
        for (int64_t t = 0; t < T; ++t) {
            const float *a = &ref[t * V], *b = &s.logits()[t * V];
            double ma = -1e30, mb = -1e30;
            int64_t ia = 0, ib = 0;
            for (int64_t i = 0; i < V; ++i) {
                max_abs = std::max(max_abs, double(std::fabs(a[i] - b[i])));
                if (a[i] > ma) ma = a[i], ia = i;
                if (b[i] > mb) mb = b[i], ib = i;
            }
            double sa = 0, sb = 0;
            for (int64_t i = 0; i < V; ++i) sa += std::exp(a[i] - ma), sb += std::exp(b[i] - mb);
            for (int64_t i = 0; i < V; ++i) {
                double la = a[i] - ma - std::log(sa), lb = b[i] - mb - std::log(sb);
                kl += std::exp(la) * (la - lb);
            }
            agree += ia == ib;
        }
        kl /= T;
        const double top1 = double(agree) / T;
        double tol_abs = 1.5, tol_kl = 1e-3, tol_top1 = 0.95;
        if (c.weights == "F32") tol_abs = 0.05, tol_kl = 1e-6, tol_top1 = 1.0;
        if (c.weights == "F16") tol_abs = 0.1, tol_kl = 1e-6, tol_top1 = 1.0;
        if (c.weights == "BF16") tol_abs = 0.5, tol_kl = 1e-5, tol_top1 = 0.98;
        const bool ok = max_abs <= tol_abs && kl <= tol_kl && top1 >= tol_top1;
        std::printf("  %-28s max|diff| %.4f  KL %.2g  top-1 %.0f%%  %s\n", c.model.c_str(), max_abs, kl, top1 * 100,
                    ok ? "ok" : "OUT OF TOLERANCE");
        CHECK(ok);
    }
}
