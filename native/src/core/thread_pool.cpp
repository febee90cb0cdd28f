#include "core/thread_pool.h"

#include <algorithm>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tiller {

namespace {
// A short busy-wait hint (no system call: sched_yield costs microseconds on a VM).
inline void cpu_relax() {
#if defined(__x86_64__)
    _mm_pause();
#endif
}

void chunk(int64_t n, int parts, int index, int64_t *begin, int64_t *end) {
    int64_t per = n / parts, rem = n % parts;
    *begin = index * per + std::min<int64_t>(index, rem);
    *end = *begin + per + (index < rem ? 1 : 0);
}
}  // namespace

int ThreadPool::default_threads() {
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (auto &t : workers_) t.join();
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> &fn) {
    if (n <= 0) return;
    if (n_threads_ == 1 || n == 1) {
        fn(0, n, 0);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = &fn;
        job_n_ = n;
        pending_.store(n_threads_ - 1);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    int64_t b, e;
    chunk(n, n_threads_, 0, &b, &e);
    if (b < e) fn(b, e, 0);
    // Spin first: the other chunks usually finish within microseconds of ours.
    for (int spin = 0; spin < 200000 && pending_.load(std::memory_order_acquire) != 0; ++spin) cpu_relax();
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return pending_.load() == 0; });
    job_ = nullptr;
}

void ThreadPool::worker(int index) {
    uint64_t seen = 0;
    for (;;) {
        const std::function<void(int64_t, int64_t, int)> *job = nullptr;
        int64_t n = 0;
        {
            // Spin a little before parking so that back-to-back jobs do not pay a futex wake.
            for (int spin = 0; spin < 100000 && generation_.load(std::memory_order_acquire) == seen; ++spin) cpu_relax();
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load() != seen; });
            seen = generation_.load();
            if (stop_) return;
            job = job_;
            n = job_n_;
        }
        if (job) {
            int64_t b, e;
            chunk(n, n_threads_, index, &b, &e);
            if (b < e) (*job)(b, e, index);
        }
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mutex_);
            done_cv_.notify_all();
        }
    }
}

}  // namespace tiller
