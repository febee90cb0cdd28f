// A read-only view of the keys or values of one layer: the row of KV head h at position p lies at
// data + h * head_bytes + slot(p) * row_bytes, where slot(p) = p % ring for a ring buffer (a
// sliding-window cache) and p - start otherwise (a batch's own rows, the first of them at
// position start). A batch keeps a position's heads together; the cache keeps each head's rows
// together, so that a head's attention streams through memory. Rows hold float32 or, in a cache
// of a narrower type (--cache-type-k/v), that ggml type's blocks.
#pragma once

#include <cstdint>

#include "gguf/ggml_type.h"
#include "quant/dequantize.h"

namespace tiller {

struct KvView {
    const uint8_t *data = nullptr;
    int64_t row_bytes = 0;   // between consecutive positions of one head
    int64_t head_bytes = 0;  // between the rows of consecutive heads at one position
    int64_t head_dim = 0;
    int64_t ring = 0;   // 0: not a ring
    int64_t start = 0;  // position of row 0 when not a ring
    int32_t type = GGML_F32;

    // Float32 rows position by position, each holding n_head heads of head_dim (a batch's).
    static KvView positions(const float *rows, int64_t n_head, int64_t head_dim, int64_t ring, int64_t start) {
        return {reinterpret_cast<const uint8_t *>(rows), n_head * head_dim * 4, head_dim * 4, head_dim, ring, start, GGML_F32};
    }

    const uint8_t *row(int64_t pos, int64_t head) const {
        return data + head * head_bytes + (ring > 0 ? pos % ring : pos - start) * row_bytes;
    }

    // The row of a head at pos as float32: the row itself for a float32 view, otherwise converted
    // into buf (head_dim floats).
    const float *floats(int64_t pos, int64_t head, float *buf) const {
        if (type == GGML_F32) return reinterpret_cast<const float *>(row(pos, head));
        dequantize_row(type, row(pos, head), buf, head_dim);
        return buf;
    }
};

}  // namespace tiller
