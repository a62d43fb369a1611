// BlockingPool: an elastic pool of threads for calls that block (blocking C++
// libraries, file I/O), sized like Kotlin's Dispatchers.IO: a thread is
// started whenever a job arrives and none is idle, up to `max_threads`; a
// thread idle for `keep_alive` exits. Jobs beyond the limit queue in order.
//
// Threading: submit() is thread-safe. shutdown() (or the destructor) stops
// taking jobs, lets running jobs finish and waits for every thread to exit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace taskrt {

class BlockingPool {
 public:
  static std::unique_ptr<BlockingPool> create(unsigned max_threads = 512,
                                              std::chrono::milliseconds keep_alive = std::chrono::seconds(10));
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs `job` on a pool thread. Returns false after shutdown (the job is not run).
  bool submit(std::function<void()> job);
  void shutdown();

  unsigned live_threads() const;
  // Whether a job is queued or running (or a thread is just starting). A
  // job's thread counts itself idle only after the job has ended, so once
  // this is false the jobs' wake-ups are already queued where they go.
  bool busy() const;
  unsigned max_threads() const noexcept { return max_threads_; }

 private:
  BlockingPool(unsigned max_threads, std::chrono::milliseconds keep_alive);
  void thread_main();

  const unsigned max_threads_;
  const std::chrono::milliseconds keep_alive_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;      // signalled when a job is queued or on shutdown
  std::condition_variable threads_gone_;    // signalled when the last thread exits
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  unsigned live_ = 0;                       // guarded by mutex_
  unsigned idle_ = 0;                       // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
};

}  // namespace taskrt
