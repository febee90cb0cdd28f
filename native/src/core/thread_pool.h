// A small fork-join worker pool. parallel_for gives each thread (the caller is thread 0) a
// contiguous share of [0, n), cut into a few chunks that it claims in order; a thread done with
// its share takes unclaimed chunks of the others, so that a thread the OS has descheduled delays
// only the chunk it is in. Idle workers spin briefly, yielding now and then, then park.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tiller {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    int size() const { return n_threads_; }

    // fn(begin, end, thread_index) over [0, n), split across the pool. Blocks until done.
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> &fn);

    static int default_threads();

private:
    struct Job {
        const std::function<void(int64_t, int64_t, int)> *fn;
        int64_t n;
        std::atomic<int64_t> done{0};  // chunks finished, of n_threads_ * kChunks
    };
    static constexpr int64_t kChunks = 4;  // per thread's share

    void worker(int index);
    void run_chunks(Job &job, int index);

    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    Job *job_ = nullptr;            // the job workers may join, under mutex_
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> active_{0};    // workers inside a job; the caller waits for 0 before returning
    std::vector<std::atomic<int64_t>> claimed_;  // per share: chunks claimed so far (reset per job)
    bool stop_ = false;
};

}  // namespace tiller
