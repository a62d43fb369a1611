// The entry points every call of a lowered body goes through: its frame, its
// life (init, begin, end, destroy), its waits, and counted boxes.
//
// They are part of libtaskrt like the rest of the C ABI, and this file is also
// compiled to LLVM bitcode (runtime/CMakeLists.txt) that the LLVM backend
// links into an optimised program, so that they are inlined into each body as
// a C++ coroutine's promise code is (docs/backends.md, "Inlined runtime").
// Hence two rules here: no state of its own (no static or thread_local
// variable: a program would get a copy), and only the fast path in line — a
// rare path is a call into the rest of the runtime.
#include <bit>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "frame_cache.hpp"
#include "lowered_call.hpp"
#include "lowered_values.hpp"
#include "taskrt/builtins.hpp"
#include "taskrt/lowered.hpp"
#include "taskrt/schedule.hpp"
#include "taskrt/task.hpp"

// Inlined into each body by the LLVM backend whatever their size (clang reads
// the attribute; GCC, building the runtime, need not). Before the coroutine
// passes: split first and inlined after, the same calls cost 4% more
// instructions on skynet, for builds of a large program 40% shorter.
#if defined(__clang__)
#define TRT_INLINE [[gnu::always_inline]]
#else
#define TRT_INLINE
#endif

using taskrt::lowered::call_of;
using taskrt::lowered::LoweredCall;
using taskrt::lowered::LoweredFrame;

namespace {

[[noreturn, gnu::cold]] void suspended_without_a_wait() {
  std::fputs("taskrt: internal error: a lowered task suspended without waiting for anything\n", stderr);
  std::abort();
}

// A sleep starts: its timer will resume the body.
[[gnu::noinline]] void start_sleep(LoweredCall& running) {
  running.sleep().awaiter.await_suspend(running.handle());
}

// A sleep is over: whether it was cancelled (SleepAwaiter throws then).
[[gnu::cold, gnu::noinline]] std::exception_ptr sleep_outcome(LoweredCall& running) {
  try {
    running.sleep().awaiter.await_resume();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

// A body destroyed before it ended (never started, or cancelled at a wait):
// what its call still holds goes too.
[[gnu::cold, gnu::noinline]] void destroy_unended(LoweredFrame* frame) {
  frame->~LoweredFrame();
}

}  // namespace

extern "C" {

TRT_INLINE void* trt_frame_alloc(std::int64_t size) {
  return taskrt::detail::allocate_frame_inline(static_cast<std::size_t>(size));
}

TRT_INLINE void trt_frame_free(void* frame, std::int64_t size) {
  if (frame != nullptr) taskrt::detail::free_frame_inline(frame, static_cast<std::size_t>(size));
}

TRT_INLINE void* trt_body_init(void* header, void* task, std::int64_t attempt) {
  auto* frame = new (header) LoweredFrame;
  LoweredCall& call = frame->call;
  call.task = static_cast<const trt_task*>(task);
  call.attempt = attempt;
  return &call;
}

TRT_INLINE bool trt_body_begin(void* call, bool hops_to_cpu) {
  LoweredCall& running = call_of(call);
  if (running.task != nullptr) running.span.start(running.task->site, running.context());
  // A cpu task moves to the CPU pool first, unless it is there already.
  return hops_to_cpu && taskrt::EnsureCpuAwaiter{}.await_suspend(running.handle());
}

TRT_INLINE void* trt_suspend(void* call) {
  LoweredCall& running = call_of(call);
  if (running.waiting == LoweredCall::Waiting::kSleep) {
    start_sleep(running);
    return std::noop_coroutine().address();
  }
  if (running.waiting != LoweredCall::Waiting::kTask || !running.pending().valid()) suspended_without_a_wait();
  // As Task's awaiter: the task runs now, in the body's place, and resumes
  // the body when it is done (LoweredCall::on_child_done).
  auto child = running.pending().handle();
  child.promise().set_context(running.context());
  child.promise().set_observer(&running);
  return child.address();
}

TRT_INLINE bool trt_await_failed(void* call) {
  LoweredCall& running = call_of(call);
  std::exception_ptr failure;
  if (running.waiting == LoweredCall::Waiting::kSleep) {
    failure = sleep_outcome(running);
    running.stop_waiting();
  } else if (running.waiting == LoweredCall::Waiting::kTask) {
    // A Task<void>'s result is its error, if any.
    if (running.pending().valid()) failure = running.pending().handle().promise().error();
    running.stop_waiting();
  }
  if (!failure) return false;
  running.error() = std::move(failure);
  return true;
}

TRT_INLINE void* trt_body_end(void* call) {
  LoweredCall& running = call_of(call);
  if (running.error() || running.held) taskrt::lowered::record_failure(running);
  running.span.end();
  running.ended = true;
  // The body is suspended for good: its frame may be gone once the awaiter runs.
  return taskrt::detail::PromiseBase::FinalAwaiter{}.await_suspend(running.handle()).address();
}

TRT_INLINE void trt_body_destroy(void* call) {
  auto* frame = reinterpret_cast<LoweredFrame*>(&call_of(call).promise());
  // An ended body's call is empty (trt_body_end): only the promise, which
  // holds the outcome, has anything to let go of.
  if (frame->call.ended) {
    frame->promise.~Promise();
  } else {
    destroy_unended(frame);
  }
}

TRT_INLINE void trt_retain(void* box) {
  taskrt::lowered::retain(static_cast<taskrt::lowered::Box*>(box));
}

TRT_INLINE void trt_release(void* box) {
  taskrt::lowered::release(static_cast<taskrt::lowered::Box*>(box));
}

TRT_INLINE void* trt_calls_args(void* calls) {
  return static_cast<taskrt::lowered::CallsBox*>(calls)->args;
}

TRT_INLINE void trt_calls_filled(void* calls, std::int64_t filled) {
  static_cast<taskrt::lowered::CallsBox*>(calls)->filled = static_cast<std::size_t>(filled);
}

TRT_INLINE std::int64_t trt_range_count(std::int64_t from, std::int64_t to, bool inclusive) {
  return static_cast<std::int64_t>(taskrt::IntRange(from, to, inclusive).size());
}

// sum(xs), as taskrt::sum adds (in order; ints checked, failing as
// checked_add does), here so that the loop is the body's own.
TRT_INLINE bool trt_builtin_sum(void* call, void* types, void* args, void* out, void*) {
  const trt_type* list_type = static_cast<const trt_type* const*>(types)[0];
  const auto* list = reinterpret_cast<const taskrt::lowered::ListBox*>(static_cast<const std::uint64_t*>(args)[0]);
  if (list_type->args[0]->kind == trt_kind_float) {
    double total = 0;
    for (std::uint64_t x : list->items) total += std::bit_cast<double>(x);
    *static_cast<double*>(out) = total;
    return false;
  }
  std::int64_t total = 0;
  for (std::uint64_t slot : list->items) {
    auto x = static_cast<std::int64_t>(slot);
    std::int64_t next = 0;
    if (__builtin_add_overflow(total, x, &next)) {
      trt_int_overflow(call, trt_op_add, total, x);
      return true;
    }
    total = next;
  }
  *static_cast<std::int64_t*>(out) = total;
  return false;
}

}  // extern "C"
