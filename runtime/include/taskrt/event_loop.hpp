// EventLoop: one thread running io coroutines — an epoll instance, a timer
// heap, an eventfd for wake-ups from other threads, and a queue of ready
// coroutines.
//
// Threading: run() is called on one thread, which becomes the loop thread.
// schedule(), post() and stop() are thread-safe and never block for long;
// everything else (timers, fd registrations) is for the loop thread only —
// other threads reach it through post(). Built by create(); shutdown() (or the
// destructor) stops it, after which nothing more runs.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "taskrt/executor.hpp"

namespace taskrt {

using Clock = std::chrono::steady_clock;

// A timer owned by its caller (usually an awaiter inside a coroutine frame).
// `fire` runs on the loop thread when the deadline passes, unless the timer
// was removed first.
struct TimerNode {
  Clock::time_point deadline;
  void (*fire)(TimerNode* self) = nullptr;
  // For the owner's use in `fire`, typically a pointer back to itself.
  void* owner = nullptr;
  // Position in the loop's heap; kNotQueued when not in it.
  std::size_t heap_index = kNotQueued;
  static constexpr std::size_t kNotQueued = static_cast<std::size_t>(-1);
};

// A wait for readiness of a file descriptor, owned by its caller. `ready` runs
// on the loop thread with the epoll events that occurred.
struct FdWaiter {
  int fd = -1;
  std::uint32_t events = 0;
  void (*ready)(FdWaiter* self, std::uint32_t events) = nullptr;
};

class EventLoop final : public Executor {
 public:
  // Creates the epoll instance and the wake-up eventfd; throws IoError.
  static std::unique_ptr<EventLoop> create();
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void schedule(std::coroutine_handle<> handle) noexcept override;
  // Runs `fn` on the loop thread soon. Thread-safe.
  void post(std::function<void()> fn);

  // Runs the loop on the calling thread until stop() is called.
  void run();
  // Makes run() return after the current step. Thread-safe.
  void stop() noexcept;
  bool in_loop_thread() const noexcept { return std::this_thread::get_id() == loop_thread_.load(); }

  // Loop thread only.
  void add_timer(TimerNode* timer);
  // Removes a queued timer; does nothing if it already fired or was removed.
  void remove_timer(TimerNode* timer) noexcept;
  std::size_t pending_timers() const noexcept { return timers_.size(); }
  // Registers a one-shot wait for `waiter->events` on `waiter->fd`; throws IoError.
  void add_fd_waiter(FdWaiter* waiter);
  void remove_fd_waiter(FdWaiter* waiter) noexcept;

 private:
  EventLoop(int epoll_fd, int wake_fd);
  void run_ready();
  void fire_timers();
  void wait_for_events();
  void wake() noexcept;
  // Timer heap, ordered by deadline.
  void heap_up(std::size_t index) noexcept;
  void heap_down(std::size_t index) noexcept;
  void heap_swap(std::size_t a, std::size_t b) noexcept;

  const int epoll_fd_;
  const int wake_fd_;
  std::atomic<std::thread::id> loop_thread_{};
  std::atomic<bool> stopping_{false};

  // Loop thread only.
  std::deque<std::coroutine_handle<>> ready_;
  std::vector<TimerNode*> timers_;

  // Filled by other threads; guarded by remote_mutex_. A push into an empty
  // queue writes the eventfd, so the loop never sleeps on queued work.
  std::mutex remote_mutex_;
  std::vector<std::coroutine_handle<>> remote_ready_;
  std::vector<std::function<void()>> remote_posts_;
};

}  // namespace taskrt
