// The training engine's tape: float32 tensors addressed by checked handles, and reverse-mode
// autograd over the ops recorded since the last clear().
//
// A handle is (generation << 32 | slot). Freeing a tensor or clearing the tape bumps the slot's
// generation, so a stale handle from Java is an error, never a dangling pointer. Ops are recorded
// in creation order, which is already a topological order: backward() walks the record in reverse.
// Persistent tensors (parameters, optimizer state) survive clear(); intermediates do not.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/thread_pool.h"

namespace tiller::train {

// A zero-initialised, 64-byte aligned float array.
class Buffer {
public:
    Buffer() = default;
    explicit Buffer(int64_t n);
    Buffer(Buffer &&o) noexcept : p_(std::move(o.p_)), n_(o.n_) { o.n_ = 0; }
    Buffer &operator=(Buffer &&o) noexcept {
        p_ = std::move(o.p_);
        n_ = o.n_;
        o.n_ = 0;
        return *this;
    }
    float *data() { return p_.get(); }
    const float *data() const { return p_.get(); }
    int64_t size() const { return n_; }
    bool empty() const { return n_ == 0; }

private:
    struct Free {
        void operator()(float *p) const;
    };
    std::unique_ptr<float[], Free> p_;
    int64_t n_ = 0;
};

struct Tensor {
    std::vector<int64_t> shape;
    int64_t n = 0;
    Buffer data;
    Buffer grad;     // allocated on first accumulation
    Buffer state[2]; // optimizer state (momentum / Adam moments), allocated by the optimizer
    bool requires_grad = false;
    bool persistent = false;

    int64_t dim(int i) const { return shape[static_cast<size_t>(i < 0 ? i + static_cast<int>(shape.size()) : i)]; }
    int rank() const { return static_cast<int>(shape.size()); }
};

using Id = int64_t;

class Graph {
public:
    explicit Graph(int threads);

    // A new tensor; data (n floats) copied in when given, zeros otherwise.
    Id create(const std::vector<int64_t> &shape, const float *data, bool requires_grad, bool persistent);
    Tensor &get(Id id);  // throws TILLER_ERR_STATE for a freed or cleared handle
    void free(Id id);
    // Frees every non-persistent tensor and the recorded ops.
    void clear();

    // The output of an op: requires grad (and records backward) when any input does and grad
    // mode is on. backward(g, out) reads get(out).grad and accumulates into the inputs' grads.
    using Backward = std::function<void(Graph &, Id out)>;
    Id emit(const std::vector<int64_t> &shape, const std::vector<Id> &inputs, Backward backward);
    bool needs_grad(const std::vector<Id> &inputs);

    // The gradient buffer of a tensor that requires grad (allocated zeroed), or nullptr.
    float *grad_of(Id id);
    void backward(Id loss);  // loss must hold one value

    // Bytes of tensor data and gradients the graph may hold at once (0: no limit); beyond it an
    // op fails with TILLER_ERR_OUT_OF_MEMORY instead of asking the system for the memory.
    void set_memory_limit(int64_t bytes) { limit_ = bytes; }

    void set_grad_enabled(bool on) { grad_enabled_ = on; }
    bool grad_enabled() const { return grad_enabled_; }
    ThreadPool &pool() { return pool_; }
    int64_t live_tensors() const;

    // Time per op, forward and backward, printed to stderr when the graph is destroyed; on when
    // the environment sets TILLER_TRAIN_PROFILE. The caller names the op it is about to run.
    void begin_op(const char *name);
    void end_op();
    ~Graph();

private:
    // Buffers of freed tensors are kept by size and reused: a training step allocates the same
    // shapes every time, and fresh pages cost a fault each (the caching-allocator idea). A spare
    // buffer not taken again before the next clear() is given back, so that shapes that change
    // between steps do not pile up.
    Buffer take(int64_t n);
    void release(Tensor &t);
    struct Spare {
        Buffer buffer;
        uint64_t epoch;  // the clear() that released it
    };
    std::unordered_map<int64_t, std::vector<Spare>> spare_;
    uint64_t epoch_ = 0;
    int64_t held_ = 0, limit_ = 0;  // bytes in live tensors' data and gradients

    struct Slot {
        uint32_t generation = 1;
        std::unique_ptr<Tensor> tensor;
    };
    struct Node {
        Id out;
        Backward backward;
        const char *name;
    };
    struct OpTime {
        double forward_ms = 0, backward_ms = 0;
        int64_t calls = 0;
    };
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;
    std::vector<Node> tape_;
    ThreadPool pool_;
    bool grad_enabled_ = true;
    bool profile_ = false;
    const char *op_name_ = "op";
    int64_t op_start_ = 0;
    std::vector<std::pair<std::string, OpTime>> times_;
    OpTime &times(const char *name);
};

int64_t element_count(const std::vector<int64_t> &shape, const char *what);
std::string shape_str(const std::vector<int64_t> &shape);

}  // namespace tiller::train
