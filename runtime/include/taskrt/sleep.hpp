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
  explicit SleepAwaiter(Clock::duration duration) noexcept { timer_.delay = duration; }
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    handle_ = handle;
    context_ = &handle.promise().context();
    EventLoop& loop = context_->runtime->loop();
    // Arming happens on the loop thread, so that the task can only be resumed
    // from there, after arming is complete. Posting is the last thing we do
    // here: from then on another thread may resume the task.
    if (loop.in_loop_thread()) {
      arm();
    } else {
      loop.post([this] { arm(); });
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
    timer_.fire = &SleepAwaiter::on_timer;
    timer_.owner = this;
    loop().add_timer(&timer_, timer_.delay);
    // If the task is already cancelled, this runs on_stop at once.
    on_stop_.emplace(context_->stop_token(), StopHandler{this});
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
    loop().post([this] {
      loop().remove_timer(&timer_);
      resume();
    });
  }

  // On the loop thread: resume here if the task lives on the loop.
  void resume() {
    if (context_->executor == &loop()) {
      handle_.resume();
    } else {
      context_->executor->schedule(handle_);
    }
  }

  EventLoop& loop() const noexcept { return context_->runtime->loop(); }

  // The delay is in timer_; everything else comes from the task's context,
  // which lives in its promise as long as the task is suspended here.
  TimerNode timer_;
  // Written by whichever of the timer and the stop request comes first.
  std::atomic<int> state_{kPending};
  std::coroutine_handle<> handle_;
  Context* context_ = nullptr;
  std::optional<std::stop_callback<StopHandler>> on_stop_;
};

// Suspends the calling task for `duration`; throws CancelledError if the task
// is cancelled meanwhile.
inline SleepAwaiter sleep(Clock::duration duration) noexcept {
  return SleepAwaiter(duration);
}

}  // namespace taskrt
