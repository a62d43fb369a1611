// A running body of a program built by the LLVM backend: the state at the
// head of its coroutine frame (docs/backends.md, "The frame is the task").
// Shared by lowered.cpp (what bodies wait for) and lowered_hot.cpp (a body's
// life, which the LLVM backend inlines into programs).
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
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
  std::coroutine_handle<detail::Promise<void>> handle;
  std::optional<TaskSpan> span;
  // What the body waits for, one at a time: a task (when valid), a sleep, or
  // the hop of a cpu task to the CPU pool.
  Task<void> pending;
  std::unique_ptr<Sleep> sleeping;
  // How the body failed; set before it finishes.
  std::exception_ptr error;
  // The permits its `with` blocks hold, innermost last.
  std::unique_ptr<std::vector<Semaphore::Permit>> held;  // made by the first `with`
  // The body has ended (trt_body_end): it holds nothing any more.
  bool ended = false;

  LoweredCall() = default;
  LoweredCall(const LoweredCall&) = delete;
  LoweredCall& operator=(const LoweredCall&) = delete;
  // Inlined into each body's destroy function (lowered_hot.cpp).
  [[gnu::always_inline]] ~LoweredCall() {}

  // What the body waited for is done: the body runs next, on its executor,
  // unless the stack is deep already (lowered.cpp).
  std::coroutine_handle<> on_child_done(detail::PromiseBase& child) noexcept override;

  Context& context() noexcept { return handle.promise().context(); }
  void wait_for(Task<void> task) noexcept { pending = std::move(task); }
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

inline LoweredCall& call_of(void* call) {
  return *static_cast<LoweredCall*>(call);
}

// A body ends failing, or holding permits: the permits go back, the call's
// place joins the error's trace, and the error becomes the task's. After it
// the call holds nothing (lowered.cpp; kept out of every body's fast path).
void record_failure(LoweredCall& running);

}  // namespace taskrt::lowered
