#include "core/thread_pool.h"

#include <algorithm>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tiller {

namespace {
// A short busy-wait hint; every kYieldEvery spins the thread also yields, so that a waiter does not
// hold a core that a descheduled thread of the same job (or another process) needs.
constexpr unsigned kYieldEvery = 256;

inline void cpu_relax(unsigned spin) {
#if defined(__x86_64__)
    _mm_pause();
#endif
    if (spin % kYieldEvery == kYieldEvery - 1) std::this_thread::yield();
}
}  // namespace

int ThreadPool::default_threads() {
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)), claimed_(static_cast<size_t>(n_threads_)) {
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

// Own share first, in order (each thread streams one contiguous range, as with a static split),
// then whatever the others have not claimed.
void ThreadPool::run_chunks(Job &job, int index) {
    const int64_t threads = n_threads_;
    for (int64_t k = 0; k < threads; ++k) {
        const int64_t share = (index + k) % threads;
        const int64_t lo = job.n * share / threads, len = job.n * (share + 1) / threads - lo;
        for (int64_t c; (c = claimed_[share].fetch_add(1, std::memory_order_relaxed)) < kChunks;) {
            const int64_t b = lo + len * c / kChunks, e = lo + len * (c + 1) / kChunks;
            if (b < e) (*job.fn)(b, e, index);
            job.done.fetch_add(1, std::memory_order_release);
        }
    }
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> &fn) {
    if (n <= 0) return;
    if (n_threads_ == 1 || n == 1) {
        fn(0, n, 0);
        return;
    }
    Job job;
    job.fn = &fn;
    job.n = n;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto &c : claimed_) c.store(0, std::memory_order_relaxed);
        job_ = &job;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    run_chunks(job, 0);
    // Every chunk is claimed; wait for the ones still running elsewhere.
    const int64_t total = n_threads_ * kChunks;
    for (unsigned spin = 0; job.done.load(std::memory_order_acquire) < total; ++spin) cpu_relax(spin);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = nullptr;  // no worker joins from now on
    }
    // A worker that joined may still be about to find no chunk left: the job lives until it leaves.
    for (unsigned spin = 0; active_.load(std::memory_order_acquire) != 0; ++spin) cpu_relax(spin);
}

void ThreadPool::worker(int index) {
    uint64_t seen = 0;
    for (;;) {
        Job *job = nullptr;
        {
            // Spin a little before parking so that back-to-back jobs do not pay a futex wake.
            for (unsigned spin = 0; spin < 100000 && generation_.load(std::memory_order_acquire) == seen; ++spin) cpu_relax(spin);
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load() != seen; });
            seen = generation_.load();
            if (stop_) return;
            job = job_;
            if (job) active_.fetch_add(1, std::memory_order_acq_rel);
        }
        if (job) {
            run_chunks(*job, index);
            active_.fetch_sub(1, std::memory_order_acq_rel);
        }
    }
}

}  // namespace tiller
