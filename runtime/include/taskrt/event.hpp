// Event: a one-shot signal that tasks can wait for. set() releases every
// current and future waiter; it never resets. Generated flows use one per node:
// a node waits for the events of the nodes it depends on, then sets its own.
//
// Thread-safe: set() from any thread, wait() from coroutines on any executor.
// A cancelled waiter leaves the queue and its co_await throws CancelledError.
#pragma once

#include <coroutine>
#include <mutex>
#include <optional>
#include <stop_token>

#include "taskrt/parked_waits.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  class [[nodiscard]] WaitAwaiter {
   public:
    WaitAwaiter(Event& event, const char* site) noexcept : event_(event), site_(site) {}
    WaitAwaiter(const WaitAwaiter&) = delete;

    bool await_ready() noexcept { return event_.is_set(); }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) {
      Context& context = handle.promise().context();
      handle_ = handle;
      executor_ = context.executor;
      {
        std::lock_guard lock(event_.mutex_);
        if (event_.set_) return false;
        event_.push(this);
      }
      parking_.enter(context, site_, nullptr);
      on_stop_.emplace(context.stop_token(), StopHandler{this});
      std::lock_guard lock(event_.mutex_);
      arming_ = false;
      return status_ == Status::kWaiting;
    }

    void await_resume() {
      on_stop_.reset();
      parking_.leave();
      if (status_ == Status::kCancelled) throw CancelledError("cancelled while waiting");
    }

   private:
    friend class Event;
    enum class Status { kWaiting, kSet, kCancelled };
    struct StopHandler {
      WaitAwaiter* self;
      void operator()() const noexcept { self->event_.cancel(self); }
    };

    Event& event_;
    const char* const site_;
    Parking parking_;
    std::coroutine_handle<> handle_;
    Executor* executor_ = nullptr;
    std::optional<std::stop_callback<StopHandler>> on_stop_;
    // Guarded by event_.mutex_ while queued.
    Status status_ = Status::kWaiting;
    bool arming_ = true;
    WaitAwaiter* next_ = nullptr;
    WaitAwaiter* previous_ = nullptr;
  };

  // `site` names the wait in a deadlock report (ParkedWait::site).
  WaitAwaiter wait(const char* site = nullptr) noexcept { return WaitAwaiter(*this, site); }

  void set() noexcept {
    std::lock_guard lock(mutex_);
    set_ = true;
    while (WaitAwaiter* waiter = head_) {
      unlink(waiter);
      finish(waiter, WaitAwaiter::Status::kSet);
    }
  }

  bool is_set() const noexcept {
    std::lock_guard lock(mutex_);
    return set_;
  }

 private:
  void push(WaitAwaiter* waiter) {
    waiter->previous_ = tail_;
    waiter->next_ = nullptr;
    (tail_ ? tail_->next_ : head_) = waiter;
    tail_ = waiter;
  }
  void unlink(WaitAwaiter* waiter) {
    (waiter->previous_ ? waiter->previous_->next_ : head_) = waiter->next_;
    (waiter->next_ ? waiter->next_->previous_ : tail_) = waiter->previous_;
    waiter->next_ = waiter->previous_ = nullptr;
  }
  static void finish(WaitAwaiter* waiter, WaitAwaiter::Status status) {
    waiter->status_ = status;
    if (!waiter->arming_) waiter->executor_->schedule(waiter->handle_);
  }
  void cancel(WaitAwaiter* waiter) noexcept {
    std::lock_guard lock(mutex_);
    if (waiter->status_ != WaitAwaiter::Status::kWaiting) return;
    unlink(waiter);
    finish(waiter, WaitAwaiter::Status::kCancelled);
  }

  mutable std::mutex mutex_;
  bool set_ = false;             // guarded by mutex_
  WaitAwaiter* head_ = nullptr;  // guarded by mutex_
  WaitAwaiter* tail_ = nullptr;  // guarded by mutex_
};

}  // namespace taskrt
