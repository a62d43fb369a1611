// A running body of a program built by the LLVM backend: the state at the
// head of its coroutine frame (docs/backends.md, "The frame is the task").
// Shared by lowered.cpp (what bodies wait for) and lowered_hot.cpp (a body's
// life, which the LLVM backend inlines into programs).
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <vector>

#include "taskrt/lowered.hpp"
#include "taskrt/semaphore.hpp"
#include "taskrt/sleep.hpp"
#include "taskrt/task.hpp"
#include "taskrt/trace.hpp"

namespace taskrt::lowered {

// A body's sleep, apart from its frame (most bodies never sleep), from the
// runtime's recycling frame allocator.
struct Sleep {
  explicit Sleep(std::int64_t ns) : awaiter(std::chrono::nanoseconds(ns)) {}
  static void* operator new(std::size_t size) { return detail::allocate_frame(size); }
  static void operator delete(void* sleep, std::size_t size) noexcept { detail::free_frame(sleep, size); }
  SleepAwaiter awaiter;
};

// One running body: what it waits for, and how it failed. It lives in the
// body's own coroutine frame, after the promise (LoweredFrame), and resumes
// the body when what it waits for is done (on_child_done, lowered.cpp).
struct LoweredCall final : detail::CompletionObserver {
  std::int64_t attempt = 1;
  // The task whose body this is (null for flow nodes, branches and init).
  const trt_task* task = nullptr;
  TaskSpan span;  // begun when the body starts, if it is a task's
  // The permits its `with` blocks hold, innermost last.
  std::unique_ptr<std::vector<Semaphore::Permit>> held;  // made by the first `with`
  // What the body waits for, one at a time: a task, a sleep, or neither (the
  // hop of a cpu task to the CPU pool). One word holds either.
  enum class Waiting : std::uint8_t { kNothing, kTask, kSleep };
  Waiting waiting = Waiting::kNothing;
  // The body has ended (trt_body_end): it holds nothing any more.
  bool ended = false;

  LoweredCall() {}
  LoweredCall(const LoweredCall&) = delete;
  LoweredCall& operator=(const LoweredCall&) = delete;
  // Inlined into each body's destroy function (lowered_hot.cpp).
  [[gnu::always_inline]] ~LoweredCall() {
    if (waiting != Waiting::kNothing) stop_waiting();
  }

  void wait_for(Task<void> task) noexcept {
    stop_waiting();
    new (&pending_) Task<void>(std::move(task));
    waiting = Waiting::kTask;
  }
  void sleep_for(std::int64_t ns) {
    stop_waiting();
    sleep_ = new Sleep(ns);
    waiting = Waiting::kSleep;
  }
  Task<void>& pending() noexcept { return pending_; }  // while waiting on a task
  Sleep& sleep() noexcept { return *sleep_; }          // while sleeping
  // Lets go of what the body waited for: done, or the body is destroyed.
  void stop_waiting() noexcept {
    if (waiting == Waiting::kTask) {
      pending_.~Task();
    } else if (waiting == Waiting::kSleep) {
      delete sleep_;
    }
    waiting = Waiting::kNothing;
  }

  // What the body waited for is done: the body runs next, on its executor,
  // unless the stack is deep already (lowered.cpp).
  std::coroutine_handle<> on_child_done(detail::PromiseBase& child) noexcept override;

  // The promise in front of this call in its frame (LoweredFrame): it is
  // found, not stored, since every byte here is in every task's frame.
  detail::Promise<void>& promise() noexcept;
  std::coroutine_handle<detail::Promise<void>> handle() noexcept {
    return std::coroutine_handle<detail::Promise<void>>::from_promise(promise());
  }
  Context& context() noexcept { return promise().context(); }
  // How the body fails, if it does; set before it finishes. Kept in the
  // promise, where the task's failure is read once it has finished.
  std::exception_ptr& error() noexcept { return promise().mutable_error(); }

 private:
  union {
    Task<void> pending_;
    Sleep* sleep_ = nullptr;
  };
};

// The head of a lowered body's coroutine frame, where a C++ coroutine keeps
// its promise (the LLVM backend places it there, trt_frame_header bytes): so
// the runtime holds a running body as a Task<void>, with no frame around it.
struct LoweredFrame {
  [[gnu::always_inline]] ~LoweredFrame() {}
  detail::Promise<void> promise;
  LoweredCall call;
};
static_assert(sizeof(LoweredFrame) == static_cast<std::size_t>(trt_frame_header_size),
              "trt_frame_header_size in taskrt/lowered.hpp must be a LoweredFrame's size: no more, no less");
static_assert(alignof(LoweredFrame) <= 16);
// With no padding between them, the call is right after the promise.
static_assert(sizeof(LoweredFrame) == sizeof(detail::Promise<void>) + sizeof(LoweredCall));

inline detail::Promise<void>& LoweredCall::promise() noexcept {
  return *reinterpret_cast<detail::Promise<void>*>(reinterpret_cast<char*>(this) - sizeof(detail::Promise<void>));
}

inline LoweredCall& call_of(void* call) {
  return *static_cast<LoweredCall*>(call);
}

// A body ends failing, or holding permits: the permits go back, the call's
// place joins the error's trace, and the error becomes the task's. After it
// the call holds nothing (lowered.cpp; kept out of every body's fast path).
void record_failure(LoweredCall& running);

}  // namespace taskrt::lowered
