// SIGINT and SIGTERM for a program that runs on a Runtime: the first one
// cancels everything (the root task and all it started, worker processes
// included: a cancelled `in process` call kills its worker), the program then
// exits with 128 + the signal's number (130, 143); a second one exits at once.
// SIGQUIT (Ctrl-\) is not an interrupt: the program prints what its tasks
// wait on (Runtime::report_task_tree) and goes on.
//
// Construct before Runtime::create(): the signals are blocked in the calling
// thread, so every thread the runtime starts inherits the block, and a thread
// of the watcher's own reads them from a signalfd.
#pragma once

#include <atomic>
#include <mutex>
#include <stop_token>
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

  // The runtime to cancel; null to stop cancelling anything. A signal that
  // arrives before this is not lost: received() tells, and token() was
  // stopped (Runtime's start-up watches it).
  void watch(Runtime* runtime);
  // The first signal that arrived, or 0.
  int received() const noexcept { return received_.load(); }
  // Stopped by the first signal, whenever it arrives.
  std::stop_token token() const noexcept { return interrupted_.get_token(); }

 private:
  void run();

  int signal_fd_ = -1;
  int wake_fd_ = -1;
  // Held while the watcher cancels, so watch(nullptr) means the runtime can
  // be destroyed, and watch(runtime) then received() misses no signal.
  std::mutex mutex_;
  Runtime* runtime_ = nullptr;
  std::atomic<int> received_{0};
  std::stop_source interrupted_;
  std::thread thread_;
};

}  // namespace taskrt
