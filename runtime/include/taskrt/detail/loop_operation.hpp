// LoopOperation: the base of awaiters whose work lives on the event loop and
// ends there — a descriptor wait, an HTTP transfer, a subprocess. The operation starts on the
// loop thread, finishes on it, and is cancelled on it (through the loop's
// cancel scopes, like sleep), so no atomics are needed to decide between
// "finished" and "cancelled".
//
// The task is always resumed through its executor's queue, never inline:
// operations finish inside callbacks (libcurl's, an epoll batch) that must
// not be re-entered by the code the task runs next, and a task resumed inside
// an epoll batch could free a waiter that a later event of the batch names.
#pragma once

#include <coroutine>
#include <exception>
#include <string>
#include <string_view>

#include "taskrt/runtime.hpp"
#include "taskrt/task_tree.hpp"

namespace taskrt::detail {

class LoopOperation {
 public:
  // `waits_on`: what the task waits on, for the task tree ("a socket").
  explicit LoopOperation(const char* waits_on) noexcept : waits_on_(waits_on) {}
  LoopOperation(const LoopOperation&) = delete;
  LoopOperation& operator=(const LoopOperation&) = delete;

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    handle_ = handle;
    context_ = &handle.promise().context();
    mark_waiting(*context_, waits_on_);
    // Posting is the last thing we do: from then on the loop may resume us.
    if (loop().in_loop_thread()) {
      arm();
    } else {
      loop().post([this] { arm(); });
    }
  }

 protected:
  ~LoopOperation() = default;

  // On the loop thread. Starts the work; calls finish() when it is done, now
  // or later. Throwing fails the operation with that error.
  virtual void start() = 0;
  // On the loop thread, when the task is cancelled before finish(): stop the
  // work and release everything it holds. finish() follows at once.
  virtual void stop() noexcept = 0;

  // On the loop thread; the last thing a derived class does with `this`.
  void finish() noexcept {
    clear_waiting(*context_, waits_on_);
    loop().remove_cancel_waiter(&cancel_);
    context_->executor->schedule(handle_);
  }
  // As finish(), but a task that lives on the loop resumes here and now, one
  // trip through the ready queue sooner. Only for callers that nothing
  // re-enters (the descriptor waits the process pool's calls go through).
  void finish_now() {
    clear_waiting(*context_, waits_on_);
    loop().remove_cancel_waiter(&cancel_);
    if (context_->executor == &loop()) {
      handle_.resume();
    } else {
      context_->executor->schedule(handle_);
    }
  }
  // For await_resume: rethrows the error that start() threw, or
  // CancelledError (with `what`) if the task was cancelled. A view, so that
  // the common case, no failure, costs no string.
  void rethrow_failure(std::string_view what) const {
    if (cancelled_) throw CancelledError(std::string(what));
    if (error_) std::rethrow_exception(error_);
  }

  EventLoop& loop() const noexcept { return context_->runtime->loop(); }
  Runtime& runtime() const noexcept { return *context_->runtime; }

 private:
  void arm() {
    cancel_.cancel = &LoopOperation::on_cancel;
    cancel_.owner = this;
    loop().add_cancel_waiter(&cancel_, context_->stop);
    try {
      start();
    } catch (...) {
      error_ = std::current_exception();
      finish();
    }
  }

  static void on_cancel(CancelWaiter* waiter) {
    LoopOperation* self = decltype(cancel_)::owner_of(waiter);
    self->cancelled_ = true;
    self->stop();
    self->finish();
  }

  const char* waits_on_;
  OwnedNode<CancelWaiter, LoopOperation> cancel_;
  bool cancelled_ = false;
  std::exception_ptr error_;
  std::coroutine_handle<> handle_;
  Context* context_ = nullptr;
};

}  // namespace taskrt::detail
