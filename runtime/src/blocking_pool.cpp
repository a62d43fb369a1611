#include "taskrt/blocking_pool.hpp"

#include <thread>

namespace taskrt {

std::unique_ptr<BlockingPool> BlockingPool::create(unsigned max_threads, std::chrono::milliseconds keep_alive) {
  return std::unique_ptr<BlockingPool>(new BlockingPool(max_threads == 0 ? 1 : max_threads, keep_alive));
}

BlockingPool::BlockingPool(unsigned max_threads, std::chrono::milliseconds keep_alive)
    : max_threads_(max_threads), keep_alive_(keep_alive) {}

BlockingPool::~BlockingPool() {
  shutdown();
}

unsigned BlockingPool::live_threads() const {
  std::lock_guard lock(mutex_);
  return live_;
}

bool BlockingPool::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (stopping_) return false;
  jobs_.push_back(std::move(job));
  if (idle_ > 0) {
    work_ready_.notify_one();
    return true;
  }
  if (live_ < max_threads_) {
    ++live_;
    // Detached: the thread counts itself out under the mutex, and shutdown()
    // waits for the count to reach zero before the pool can go away.
    std::thread([this] { thread_main(); }).detach();
  }
  return true;
}

bool BlockingPool::busy() const {
  std::lock_guard lock(mutex_);
  return !jobs_.empty() || idle_ < live_;
}

void BlockingPool::thread_main() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!jobs_.empty()) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      job = nullptr;  // destroy captured state outside the lock
      lock.lock();
      continue;
    }
    if (stopping_) break;
    ++idle_;
    bool woken = work_ready_.wait_for(lock, keep_alive_, [this] { return !jobs_.empty() || stopping_; });
    --idle_;
    if (!woken) break;  // idle for keep_alive: give the thread back
  }
  if (--live_ == 0) threads_gone_.notify_all();
}

void BlockingPool::shutdown() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  work_ready_.notify_all();
  threads_gone_.wait(lock, [this] { return live_ == 0; });
}

}  // namespace taskrt
