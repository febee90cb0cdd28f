// The worker pool covers every index exactly once, for any size, many times in a row.
#include <atomic>
#include <vector>

#include "core/thread_pool.h"
#include "test.h"

using namespace tiller;

TEST(parallel_for_covers_each_index_once) {
    ThreadPool pool(3);
    for (int64_t n : {1, 2, 3, 7, 100, 1001}) {
        std::vector<std::atomic<int>> hits(n);
        for (int rep = 0; rep < 50; ++rep) {
            pool.parallel_for(n, [&](int64_t b, int64_t e, int) {
                for (int64_t i = b; i < e; ++i) hits[i]++;
            });
        }
        for (auto &h : hits) CHECK(h.load() == 50);
    }
}
