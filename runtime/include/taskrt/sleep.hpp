// sleep(): suspends the calling task for a duration, on the event loop's
// timers. Works from any executor; the task resumes on its own executor.
//
// Cancellation: if the task is cancelled while asleep, it wakes at once and
// the co_await throws CancelledError. The timer and the cancellation both
// arrive on the loop thread, so exactly one of them wins without atomics.
// The awaiter holds no std::stop_callback of its own: the loop keeps one per
// cancel scope (see CancelWaiter).
#pragma once

#include <chrono>
#include <coroutine>

#include "taskrt/runtime.hpp"
#include "taskrt/task_tree.hpp"

namespace taskrt {

// The awaiter is its own timer and cancel waiter (a million sleepers are a
// million of these, so it holds nothing the loop can find another way).
class SleepAwaiter : private TimerNode, private CancelWaiter {
 public:
  // Until armed, the timer's deadline field holds the delay.
  explicit SleepAwaiter(Clock::duration duration) noexcept { deadline = Clock::time_point(duration); }
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
    if (state_ == kCancelled) throw CancelledError("cancelled while sleeping");
  }

 private:
  enum State : int { kPending, kFired, kCancelled };
  static constexpr char kSleeping[] = "sleeping";  // in the task tree

  // On the loop thread, like everything below: the timer and the cancel scope
  // both report to the loop, so no atomics are needed to pick the winner.
  void arm() {
    Clock::duration delay = deadline.time_since_epoch();
    fire = &SleepAwaiter::on_timer;
    cancel = &SleepAwaiter::on_cancel;
    loop().add_timer(timer(), delay);
    loop().add_cancel_waiter(cancel_waiter(), context_->stop);
    mark_waiting(*context_, kSleeping, detail::coarse_now_ns() + delay.count());
  }

  static void on_timer(TimerNode* node) {
    auto* self = static_cast<SleepAwaiter*>(node);
    self->state_ = kFired;
    clear_waiting(*self->context_, kSleeping);
    self->loop().remove_cancel_waiter(self->cancel_waiter());
    self->resume();
  }

  static void on_cancel(CancelWaiter* waiter) {
    auto* self = static_cast<SleepAwaiter*>(waiter);
    self->state_ = kCancelled;
    clear_waiting(*self->context_, kSleeping);
    self->loop().remove_timer(self->timer());
    self->resume();
  }

  void resume() {
    if (context_->executor == &loop()) {
      handle_.resume();
    } else {
      context_->executor->schedule(handle_);
    }
  }

  EventLoop& loop() const noexcept { return context_->runtime->loop(); }
  TimerNode* timer() noexcept { return this; }
  CancelWaiter* cancel_waiter() noexcept { return this; }

  // Besides its timer and cancel links, the sleep needs only what comes from
  // the task's context, which lives in its promise while the task sleeps.
  // Loop thread only; read by await_resume after the loop resumed us.
  State state_ = kPending;
  std::coroutine_handle<> handle_;
  Context* context_ = nullptr;
};

// Suspends the calling task for `duration`; throws CancelledError if the task
// is cancelled meanwhile.
inline SleepAwaiter sleep(Clock::duration duration) noexcept {
  return SleepAwaiter(duration);
}

}  // namespace taskrt
