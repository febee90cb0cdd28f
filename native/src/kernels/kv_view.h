// A read-only view of the keys or values of one layer: the row of position p lies at
// data + slot(p) * stride, where slot(p) = p % ring for a ring buffer (a sliding-window cache)
// and p - start otherwise (a batch's own rows, the first of them at position start).
#pragma once

#include <cstdint>

namespace tiller {

struct KvView {
    const float *data = nullptr;
    int64_t stride = 0;  // floats between consecutive rows
    int64_t ring = 0;    // 0: not a ring
    int64_t start = 0;   // position of row 0 when not a ring

    const float *row(int64_t pos) const { return data + (ring > 0 ? pos % ring : pos - start) * stride; }
};

}  // namespace tiller
