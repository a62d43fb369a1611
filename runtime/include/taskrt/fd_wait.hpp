// wait_readable / wait_writable: suspend the calling task until a file
// descriptor is ready, on the event loop's epoll instance. The base of the
// I/O library (sockets, pipes, subprocesses): the task never blocks a thread.
//
// The descriptor must be non-blocking and stay open while waited on; one
// waiter per descriptor at a time. Cancellation wakes the task at once with
// CancelledError; exactly one of "ready" and "cancelled" wins.
#pragma once

#include <sys/epoll.h>
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <stop_token>

#include "taskrt/runtime.hpp"

namespace taskrt {

class FdWaitAwaiter {
 public:
  FdWaitAwaiter(int fd, std::uint32_t events) noexcept {
    waiter_.fd = fd;
    waiter_.events = events;
  }
  FdWaitAwaiter(const FdWaitAwaiter&) = delete;
  FdWaitAwaiter& operator=(const FdWaitAwaiter&) = delete;

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    handle_ = handle;
    context_ = &handle.promise().context();
    // As with sleep: arm on the loop thread; posting is the last thing we do.
    if (loop().in_loop_thread()) {
      arm();
    } else {
      loop().post([this] { arm(); });
    }
  }

  // The epoll events that occurred (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, …).
  std::uint32_t await_resume() {
    on_stop_.reset();
    if (state_.load(std::memory_order_acquire) == kCancelled) throw CancelledError("cancelled while waiting for I/O");
    if (error_) std::rethrow_exception(error_);
    return ready_events_;
  }

 private:
  enum State : int { kPending, kReady, kCancelled };

  struct StopHandler {
    FdWaitAwaiter* self;
    void operator()() const noexcept { self->on_stop(); }
  };

  EventLoop& loop() const noexcept { return context_->runtime->loop(); }

  // On the loop thread.
  void arm() {
    waiter_.ready = &FdWaitAwaiter::on_ready;
    waiter_.owner = this;
    try {
      loop().add_fd_waiter(&waiter_);
    } catch (...) {
      error_ = std::current_exception();
      state_.store(kReady, std::memory_order_release);
      resume();
      return;
    }
    on_stop_.emplace(context_->stop_token(), StopHandler{this});
  }

  static void on_ready(FdWaiter* waiter, std::uint32_t events) {
    auto* self = static_cast<FdWaitAwaiter*>(waiter->owner);
    int expected = kPending;
    if (!self->state_.compare_exchange_strong(expected, kReady, std::memory_order_acq_rel)) return;
    self->ready_events_ = events;
    self->resume();
  }

  void on_stop() noexcept {
    int expected = kPending;
    if (!state_.compare_exchange_strong(expected, kCancelled, std::memory_order_acq_rel)) return;
    loop().post([this] {
      loop().remove_fd_waiter(&waiter_);
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

  FdWaiter waiter_;
  std::atomic<int> state_{kPending};
  std::uint32_t ready_events_ = 0;
  std::exception_ptr error_;
  std::coroutine_handle<> handle_;
  Context* context_ = nullptr;
  std::optional<std::stop_callback<StopHandler>> on_stop_;
};

inline FdWaitAwaiter wait_readable(int fd) noexcept {
  return FdWaitAwaiter(fd, EPOLLIN | EPOLLRDHUP);
}
inline FdWaitAwaiter wait_writable(int fd) noexcept {
  return FdWaitAwaiter(fd, EPOLLOUT);
}

}  // namespace taskrt
