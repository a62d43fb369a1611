// with_timeout: runs a task under a deadline. When the deadline passes first,
// the task is cancelled (a cancel scope of its own, linked to the caller's),
// the caller waits for it to finish cancelling, and with_timeout fails with
// TimeoutError. What cancellation means for each kind of work is in
// docs/runtime.md: io tasks stop at their next suspension, generated CPU code
// at its next check, blocking calls release their waiter at once.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <stop_token>

#include "taskrt/format.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt {
namespace detail {

// The deadline's state, shared with the loop's timer: it stays alive until the
// timer has fired or been removed, whichever the loop does first.
struct Deadline {
  OwnedNode<TimerNode, Deadline> timer;
  std::stop_source stop;
  std::atomic<bool> expired{false};
  std::shared_ptr<Deadline> keep_alive;  // loop thread only: set while armed

  static void fire(TimerNode* node) {
    Deadline* self = decltype(timer)::owner_of(node);
    self->expired.store(true, std::memory_order_release);
    self->stop.request_stop();
    self->keep_alive.reset();  // may destroy *self: last statement
  }
};

// Awaits `task` with `context` instead of the awaiter's own.
template <typename T>
struct AwaitWithContext {
  Task<T>& task;
  Context context;
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> parent) noexcept {
    task.handle().promise().set_context(context);
    task.handle().promise().set_continuation(parent, parent.promise().context().executor);
    return task.handle();
  }
  void await_resume() const noexcept {}
};

struct ForwardStop {
  std::stop_source* target;
  void operator()() const noexcept { target->request_stop(); }
};

}  // namespace detail

template <typename T>
Task<T> with_timeout(Clock::duration limit, Task<T> work) {
  Context& context = co_await current_context();
  EventLoop& loop = context.runtime->loop();
  auto deadline = std::make_shared<detail::Deadline>();
  deadline->timer.fire = &detail::Deadline::fire;
  deadline->timer.owner = deadline.get();
  auto arm = [deadline, &loop, limit] {
    deadline->keep_alive = deadline;
    loop.add_timer(&deadline->timer, limit);
  };
  auto disarm = [deadline, &loop] {
    loop.remove_timer(&deadline->timer);
    deadline->keep_alive.reset();
  };
  if (loop.in_loop_thread()) {
    arm();
  } else {
    loop.post(arm);
  }
  {
    // The caller's cancellation reaches the work through the deadline's scope.
    std::stop_callback link(context.stop_token(), detail::ForwardStop{&deadline->stop});
    // A named awaiter, not a temporary: GCC 12 can destroy temporaries inside
    // a co_await expression twice (seen here under ASan as a use-after-free).
    const std::stop_token token = deadline->stop.get_token();
    detail::AwaitWithContext<T> awaiter{work, Context{context.runtime, context.executor, &token, context.node}};
    co_await awaiter;
  }
  if (loop.in_loop_thread()) {
    disarm();
  } else {
    loop.post(disarm);
  }
  const std::exception_ptr& error = work.handle().promise().error();
  // The deadline's cancellation is a timeout. Work that finished before it
  // saw the cancellation keeps its result, as in Python and Trio: a `recv`
  // that took a value, or a call that returned, just as the timer fired
  // (discarding it would lose the value). Externs, which may stop early with
  // a partial result, fail with Cancelled instead (call_on_cpu).
  if (deadline->expired.load(std::memory_order_acquire) && !context.cancelled() && error &&
      kind_of(error) == ErrorKind::kCancelled) {
    throw TimeoutError("timed out after " + format_duration(limit));
  }
  co_return work.take_result();
}

}  // namespace taskrt
