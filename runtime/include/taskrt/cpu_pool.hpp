// CpuPool: a work-stealing thread pool for CPU work, one worker per core.
//
// Each worker owns a Chase–Lev deque: a coroutine scheduled by a worker goes to
// the bottom of that worker's deque and is popped LIFO (cache-warm, depth-first);
// idle workers steal FIFO from the top of the others'. Coroutines scheduled from
// outside the pool go to a shared injection queue. Idle workers sleep on an
// event count, so a schedule() never gets lost between "no work" and "sleep".
// A coroutine that awaits inside the pool suspends; it never blocks its worker.
//
// Threading: schedule() is thread-safe. create() starts the workers;
// shutdown() (or the destructor) stops and joins them. Coroutines still queued
// at shutdown are neither resumed nor destroyed: structured concurrency means
// none are left when the root task has finished.
#pragma once

#include <atomic>
#include <coroutine>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "taskrt/executor.hpp"

namespace taskrt {

namespace detail {
class WorkStealingDeque;
}

class CpuPool final : public Executor {
 public:
  // `threads` == 0 means one per hardware thread.
  static std::unique_ptr<CpuPool> create(unsigned threads = 0);
  ~CpuPool() override;
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  void schedule(std::coroutine_handle<> handle) noexcept override;
  // From a worker: all onto its deque, then one look for sleepers to wake.
  void schedule_all(const std::coroutine_handle<>* handles, std::size_t count) noexcept override;
  // Stops and joins the workers. Idempotent; thread-safe.
  void shutdown();
  unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()); }
  // Whether the calling thread is one of this pool's workers.
  bool in_pool() const noexcept;
  // Whether every worker sleeps and no coroutine is queued: nothing runs on
  // the pool until someone schedules. Exact only when every thread that
  // could schedule here is idle (the deadlock check); otherwise a hint.
  bool quiescent() const noexcept;

 private:
  explicit CpuPool(unsigned threads);
  struct Worker;
  void worker_main(unsigned index);
  void* find_work(unsigned index);
  void* pop_injected();
  void notify_one() noexcept { notify(1); }
  // Wakes up to `count` sleeping workers.
  void notify(std::size_t count) noexcept;

  std::vector<std::unique_ptr<Worker>> workers_;

  std::mutex injected_mutex_;
  std::deque<void*> injected_;  // guarded by injected_mutex_
  std::atomic<std::size_t> injected_count_{0};

  // The event count: sleepers wait for epoch_ to change.
  alignas(64) std::atomic<std::uint32_t> epoch_{0};
  alignas(64) std::atomic<std::uint32_t> sleepers_{0};
  std::atomic<bool> stopping_{false};
  std::once_flag shutdown_once_;
};

}  // namespace taskrt
