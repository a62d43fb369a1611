// sleep(): suspends the calling task for a duration, on the event loop's timer
// heap. Works from any executor; the task resumes on its own executor.
//
// Cancellation: if the task is cancelled while asleep, it wakes at once and
// the co_await throws CancelledError. Exactly one of "timer fired" and
// "cancelled" wins, decided by an atomic state; the loser does nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <optional>
#include <stop_token>

#include "taskrt/runtime.hpp"

namespace taskrt {

class SleepAwaiter {
 public:
  explicit SleepAwaiter(Clock::duration duration) noexcept : duration_(duration) {}
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    Context& context = handle.promise().context();
    handle_ = handle;
    executor_ = context.executor;
    loop_ = &context.runtime->loop();
    stop_ = context.stop;
    // Arming happens on the loop thread, so that the task can only be resumed
    // from there, after arming is complete. Posting is the last thing we do
    // here: from then on another thread may resume the task.
    if (loop_->in_loop_thread()) {
      arm();
    } else {
      loop_->post([this] { arm(); });
    }
  }

  void await_resume() {
    on_stop_.reset();
    if (state_.load(std::memory_order_acquire) == kCancelled) throw CancelledError("cancelled while sleeping");
  }

 private:
  enum State : int { kPending, kFired, kCancelled };

  struct StopHandler {
    SleepAwaiter* self;
    void operator()() const noexcept { self->on_stop(); }
  };

  // On the loop thread.
  void arm() {
    timer_.deadline = Clock::now() + duration_;
    timer_.fire = &SleepAwaiter::on_timer;
    timer_.owner = this;
    loop_->add_timer(&timer_);
    // If the task is already cancelled, this runs on_stop at once.
    on_stop_.emplace(stop_, StopHandler{this});
  }

  static void on_timer(TimerNode* node) {
    auto* self = static_cast<SleepAwaiter*>(node->owner);
    int expected = kPending;
    if (self->state_.compare_exchange_strong(expected, kFired, std::memory_order_acq_rel)) self->resume();
  }

  void on_stop() noexcept {
    int expected = kPending;
    if (!state_.compare_exchange_strong(expected, kCancelled, std::memory_order_acq_rel)) return;
    // The timer may still be queued: take it out on the loop, then wake.
    loop_->post([this] {
      loop_->remove_timer(&timer_);
      resume();
    });
  }

  // On the loop thread: resume here if the task lives on the loop.
  void resume() {
    if (executor_ == loop_) {
      handle_.resume();
    } else {
      executor_->schedule(handle_);
    }
  }

  TimerNode timer_;
  Clock::duration duration_;
  // Written by whichever of the timer and the stop request comes first.
  std::atomic<int> state_{kPending};
  std::coroutine_handle<> handle_;
  Executor* executor_ = nullptr;
  EventLoop* loop_ = nullptr;
  std::stop_token stop_;
  std::optional<std::stop_callback<StopHandler>> on_stop_;
};

// Suspends the calling task for `duration`; throws CancelledError if the task
// is cancelled meanwhile.
inline SleepAwaiter sleep(Clock::duration duration) noexcept {
  return SleepAwaiter(duration);
}

}  // namespace taskrt
