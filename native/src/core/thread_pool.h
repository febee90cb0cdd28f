// A small fork-join worker pool: parallel_for splits [0, n) into contiguous chunks, one per
// thread, and the calling thread works on the first chunk. Workers spin briefly, then park.
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
    void worker(int index);

    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_cv_;
    const std::function<void(int64_t, int64_t, int)> *job_ = nullptr;
    int64_t job_n_ = 0;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};
    bool stop_ = false;
};

}  // namespace tiller
