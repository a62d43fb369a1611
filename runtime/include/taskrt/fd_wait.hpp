// wait_readable / wait_writable: suspend the calling task until a file
// descriptor is ready, on the event loop's epoll instance. The base of the
// I/O library (sockets, pipes, subprocesses): the task never blocks a thread.
//
// The descriptor must be non-blocking and stay open while waited on; one
// waiter per descriptor at a time. Cancellation wakes the task at once with
// CancelledError; the wait, its readiness and its cancellation all happen on
// the loop thread (see LoopOperation), so exactly one of them wins.
#pragma once

#include <sys/epoll.h>
#include <cstdint>

#include "taskrt/detail/loop_operation.hpp"

namespace taskrt {

class FdWaitAwaiter final : public detail::LoopOperation {
 public:
  // `waits_on`: what the descriptor is, for the task tree.
  FdWaitAwaiter(int fd, std::uint32_t events, const char* waits_on = "waiting on a descriptor") noexcept
      : LoopOperation(waits_on) {
    waiter_.fd = fd;
    waiter_.events = events;
  }

  // The epoll events that occurred (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, …).
  std::uint32_t await_resume() {
    rethrow_failure("cancelled while waiting for I/O");
    return ready_events_;
  }

 private:
  void start() override {
    waiter_.ready = &FdWaitAwaiter::on_ready;
    waiter_.owner = this;
    loop().add_fd_waiter(&waiter_);
  }
  void stop() noexcept override { loop().remove_fd_waiter(&waiter_); }

  static void on_ready(FdWaiter* waiter, std::uint32_t events) {
    auto* self = static_cast<FdWaitAwaiter*>(waiter->owner);
    self->ready_events_ = events;
    self->finish_now();
  }

  FdWaiter waiter_;
  std::uint32_t ready_events_ = 0;
};

inline FdWaitAwaiter wait_readable(int fd) noexcept {
  return FdWaitAwaiter(fd, EPOLLIN | EPOLLRDHUP);
}
inline FdWaitAwaiter wait_writable(int fd) noexcept {
  return FdWaitAwaiter(fd, EPOLLOUT);
}

}  // namespace taskrt
