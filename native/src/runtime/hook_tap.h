// The caller's residual hook (tiller_residual_hook): called at every resid_post(L) with the
// batch's rows, writable, on the thread that called evaluate.
#pragma once

#include <cstdint>

#include "runtime/tap.h"

namespace tiller {

class HookTap : public Tap {
public:
    using Fn = void (*)(int32_t layer, int32_t first_position, float *x, int32_t n_tokens, int32_t n_embd, void *user);

    void set(Fn fn, void *user) {
        fn_ = fn;
        user_ = user;
    }
    bool wants(Point point, int64_t) const override { return point == Point::resid_post && fn_ != nullptr; }
    void run(const Site &s) override {
        fn_(static_cast<int32_t>(s.layer), static_cast<int32_t>(s.pos0), s.rows, static_cast<int32_t>(s.n_tokens),
            static_cast<int32_t>(s.width), user_);
    }

private:
    Fn fn_ = nullptr;
    void *user_ = nullptr;
};

}  // namespace tiller
