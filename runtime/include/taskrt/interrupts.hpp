// SIGINT and SIGTERM for a program that runs on a Runtime: the first one
// cancels everything (the root task and all it started, worker processes
// included: a cancelled `in process` call kills its worker), the program then
// exits with 128 + the signal's number (130, 143); a second one exits at once.
//
// Construct before Runtime::create(): the signals are blocked in the calling
// thread, so every thread the runtime starts inherits the block, and a thread
// of the watcher's own reads them from a signalfd.
#pragma once

#include <atomic>
#include <thread>

#include "taskrt/runtime.hpp"

namespace taskrt {

class InterruptWatcher {
 public:
  InterruptWatcher();
  // Stops watching and unblocks the signals.
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  // The runtime to cancel; null to stop cancelling anything.
  void watch(Runtime* runtime) noexcept { runtime_.store(runtime, std::memory_order_release); }
  // The first signal that arrived, or 0.
  int received() const noexcept { return received_.load(std::memory_order_acquire); }

 private:
  void run();

  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<Runtime*> runtime_{nullptr};
  std::atomic<int> received_{0};
  std::thread thread_;
};

}  // namespace taskrt
