// Taps: what runs at a named point of the forward pass. The forward pass names its points
// (as llama.cpp names tensors with cb(cur, "l_out", il)) and hands each one to the session's
// taps in a fixed, documented order; a tap reads or edits the rows it is given. At
// resid_post(L), the residual stream after block L (llama.cpp's l_out), the order is:
//   1. the control vector (steer/control_tap.h), as llama.cpp adds it;
//   2. the steering programs, in the order they were added (steer/steering_programs.h);
//   3. the caller's residual hook (runtime/hook_tap.h), which sees the steered rows;
//   4. capture (runtime/capture_tap.h), which records what the next block reads;
//   then any tap added with TapList::add, in the order added.
// A new point is an enum value and one call in the forward pass; a new kind of tap is one
// class deriving from Tap. Taps may also observe attention (kernels/attention.h) per layer.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/attention.h"

namespace tiller {

enum class Point {
    resid_post,  // rows [n_tokens][n_embd], writable
    attn_q,      // queries after q-norm, RoPE and the query scaling: [n_tokens][n_head * head_dim]
    attn_k,      // keys as the KV cache holds them (after k-norm and RoPE): [n_tokens][n_head_kv * head_dim]
};

struct Site {
    Point point;
    int64_t layer;
    int64_t pos0;      // position of the first row
    int64_t n_tokens;  // rows
    int64_t width;     // floats per row
    float *rows;
    int64_t row0;      // index of the first row within the current evaluate call
};

class Tap {
public:
    virtual ~Tap() = default;
    // Whether the tap does anything at this point and layer (the forward pass skips the rest).
    virtual bool wants(Point point, int64_t layer) const = 0;
    virtual void run(const Site &site) = 0;
    // An observer of layer's attention heads, or nullptr (the default: the scores are not kept).
    virtual AttentionObserver *attention_observer(int64_t layer) { return nullptr; }
};

class TapList {
public:
    void add(Tap *tap) { taps_.push_back(tap); }
    void remove(Tap *tap) { std::erase(taps_, tap); }

    void run(const Site &site) const {
        for (Tap *tap : taps_)
            if (tap->wants(site.point, site.layer)) tap->run(site);
    }
    // The attention observer of a layer: the first tap's that has one (one observing tap at a
    // time; a second would need a fan-out observer).
    AttentionObserver *attention_observer(int64_t layer) const {
        for (Tap *tap : taps_)
            if (AttentionObserver *o = tap->attention_observer(layer)) return o;
        return nullptr;
    }

private:
    std::vector<Tap *> taps_;
};

}  // namespace tiller
