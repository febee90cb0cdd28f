#include "train/graph.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/error.h"

namespace tiller::train {

Buffer::Buffer(int64_t n) : n_(n) {
    if (n <= 0) {
        n_ = 0;
        return;
    }
    const size_t bytes = (static_cast<size_t>(n) * sizeof(float) + 63) / 64 * 64;
    void *p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    std::memset(p, 0, bytes);
    p_.reset(static_cast<float *>(p));
}

void Buffer::Free::operator()(float *p) const { std::free(p); }

int64_t element_count(const std::vector<int64_t> &shape, const char *what) {
    if (shape.empty() || shape.size() > 8) fail(TILLER_ERR_INVALID_ARGUMENT, "%s: rank %zu is not in 1..8", what, shape.size());
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d <= 0 || d > (int64_t(1) << 40) || n > (int64_t(1) << 40) / d)
            fail(TILLER_ERR_INVALID_ARGUMENT, "%s: shape %s is empty or too large", what, shape_str(shape).c_str());
        n *= d;
    }
    return n;
}

std::string shape_str(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

namespace {
int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
}  // namespace

Graph::Graph(int threads) : pool_(threads), profile_(std::getenv("TILLER_TRAIN_PROFILE") != nullptr) {}

Graph::~Graph() {
    if (!profile_ || times_.empty()) return;
    std::fprintf(stderr, "%-16s %8s %12s %12s\n", "op", "calls", "forward ms", "backward ms");
    for (const auto &[name, t] : times_)
        std::fprintf(stderr, "%-16s %8lld %12.1f %12.1f\n", name.c_str(), static_cast<long long>(t.calls), t.forward_ms, t.backward_ms);
}

Graph::OpTime &Graph::times(const char *name) {
    for (auto &e : times_)
        if (e.first == name) return e.second;
    times_.emplace_back(name, OpTime{});
    return times_.back().second;
}

void Graph::begin_op(const char *name) {
    op_name_ = name;
    if (profile_) op_start_ = now_ns();
}

void Graph::end_op() {
    if (!profile_) return;
    OpTime &t = times(op_name_);
    t.forward_ms += double(now_ns() - op_start_) / 1e6;
    ++t.calls;
}

Id Graph::create(const std::vector<int64_t> &shape, const float *data, bool requires_grad, bool persistent) {
    auto t = std::make_unique<Tensor>();
    t->n = element_count(shape, "tensor");
    t->shape = shape;
    t->data = take(t->n);
    if (data) std::memcpy(t->data.data(), data, static_cast<size_t>(t->n) * sizeof(float));
    t->requires_grad = requires_grad;
    t->persistent = persistent;
    uint32_t index;
    if (!free_slots_.empty()) {
        index = free_slots_.back();
        free_slots_.pop_back();
    } else {
        if (slots_.size() >= 0x7fffffff) fail(TILLER_ERR_OUT_OF_MEMORY, "too many live tensors");
        index = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    slots_[index].tensor = std::move(t);
    return static_cast<Id>(uint64_t(slots_[index].generation) << 32 | index);
}

Tensor &Graph::get(Id id) {
    const uint64_t u = static_cast<uint64_t>(id);
    const uint32_t index = static_cast<uint32_t>(u), gen = static_cast<uint32_t>(u >> 32);
    if (index >= slots_.size() || slots_[index].generation != gen || !slots_[index].tensor)
        fail(TILLER_ERR_STATE, "tensor handle %lld is not live (freed, or cleared with the tape)", static_cast<long long>(id));
    return *slots_[index].tensor;
}

Buffer Graph::take(int64_t n) {
    const int64_t bytes = n * static_cast<int64_t>(sizeof(float));
    if (limit_ > 0 && held_ + bytes > limit_)
        fail(TILLER_ERR_OUT_OF_MEMORY, "a tensor of %lld values would pass the graph's memory limit of %lld bytes (%lld held)", static_cast<long long>(n),
             static_cast<long long>(limit_), static_cast<long long>(held_));
    Buffer b;
    auto it = spare_.find(n);
    if (it != spare_.end() && !it->second.empty()) {
        b = std::move(it->second.back().buffer);
        it->second.pop_back();
        std::memset(b.data(), 0, static_cast<size_t>(n) * sizeof(float));
    } else {
        b = Buffer(n);
    }
    held_ += bytes;
    return b;
}

void Graph::release(Tensor &t) {
    for (Buffer *b : {&t.data, &t.grad}) {
        held_ -= b->size() * static_cast<int64_t>(sizeof(float));
        if (!b->empty()) spare_[b->size()].push_back({std::move(*b), epoch_});
    }
    if (limit_ > 0) spare_.clear();  // under a limit, give memory back rather than keep it
}

void Graph::free(Id id) {
    release(get(id));
    const uint32_t index = static_cast<uint32_t>(static_cast<uint64_t>(id));
    slots_[index].tensor.reset();
    ++slots_[index].generation;
    free_slots_.push_back(index);
}

void Graph::clear() {
    tape_.clear();
    ++epoch_;
    for (auto &[n, list] : spare_) std::erase_if(list, [&](const Spare &sp) { return sp.epoch < epoch_; });
    for (uint32_t i = 0; i < slots_.size(); ++i) {
        Slot &s = slots_[i];
        if (s.tensor && !s.tensor->persistent) {
            release(*s.tensor);
            s.tensor.reset();
            ++s.generation;
            free_slots_.push_back(i);
        }
    }
}

bool Graph::needs_grad(const std::vector<Id> &inputs) {
    if (!grad_enabled_) return false;
    for (Id id : inputs)
        if (get(id).requires_grad) return true;
    return false;
}

Id Graph::emit(const std::vector<int64_t> &shape, const std::vector<Id> &inputs, Backward backward) {
    const bool grad = needs_grad(inputs);
    Id out = create(shape, nullptr, grad, false);
    if (grad) tape_.push_back({out, std::move(backward), op_name_});
    return out;
}

float *Graph::grad_of(Id id) {
    Tensor &t = get(id);
    if (!t.requires_grad) return nullptr;
    if (t.grad.empty()) t.grad = take(t.n);
    return t.grad.data();
}

void Graph::backward(Id loss) {
    Tensor &l = get(loss);
    if (l.n != 1) fail(TILLER_ERR_INVALID_ARGUMENT, "backward needs a loss with one value, not %s", shape_str(l.shape).c_str());
    if (!l.requires_grad) fail(TILLER_ERR_STATE, "the loss does not depend on any tensor that requires grad");
    grad_of(loss)[0] += 1.0f;
    for (auto it = tape_.rbegin(); it != tape_.rend(); ++it) {
        Tensor &out = get(it->out);
        if (out.grad.empty()) continue;
        const int64_t t0 = profile_ ? now_ns() : 0;
        it->backward(*this, it->out);
        if (profile_) times(it->name).backward_ms += double(now_ns() - t0) / 1e6;
    }
}

int64_t Graph::live_tensors() const {
    int64_t n = 0;
    for (const Slot &s : slots_) n += s.tensor != nullptr;
    return n;
}

}  // namespace tiller::train
