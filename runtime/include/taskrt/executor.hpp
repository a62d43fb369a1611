// Executor: something that runs coroutines — the event loop, the CPU pool or
// the blocking pool. Context: what a running task knows about where it runs
// and whether it has been cancelled.
//
// schedule() is thread-safe and never blocks. Each executor's threads mark
// themselves with set_current_executor(), so code can tell whether it already
// runs where a coroutine must resume.
#pragma once

#include <coroutine>
#include <cstddef>
#include <stop_token>

#include "taskrt/error.hpp"

namespace taskrt {

class Runtime;
struct TaskNode;

class Executor {
 public:
  virtual ~Executor() = default;
  // Resumes `handle` soon on one of this executor's threads. Never resumes it
  // inline; thread-safe.
  virtual void schedule(std::coroutine_handle<> handle) noexcept = 0;
  // schedule() for each of `count` handles; an executor may do it for less
  // than one call each (the CPU pool wakes its sleepers once per batch).
  virtual void schedule_all(const std::coroutine_handle<>* handles, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) schedule(handles[i]);
  }
};

// The executor whose thread is calling, or null on a thread of no executor.
Executor* current_executor() noexcept;
void set_current_executor(Executor* executor) noexcept;

// The cancellation token that extern C++ functions may take to stop early
// (§10 of the language): poll stop_requested() in long loops.
using StopToken = std::stop_token;

// A stop token that is never stopped, for contexts without a cancel scope.
// Constant-initialised: no guard on the hot path of creating tasks.
inline const std::stop_token kNeverStopped{};

// Where a task runs and how it is cancelled. Every coroutine's promise holds
// one; a task started by `co_await` inherits its parent's. The stop token is
// held by pointer: it belongs to the enclosing cancel scope (the root, a gather,
// a timeout), which by structured concurrency outlives every task inside it,
// and copying a pointer costs no atomic reference count per task.
struct Context {
  Runtime* runtime = nullptr;
  // The executor the coroutine resumes on after each suspension.
  Executor* executor = nullptr;
  // Requested when the task is cancelled (timeout, failed sibling, SIGINT).
  const std::stop_token* stop = &kNeverStopped;
  // The innermost task call this runs in, for the live task tree (task_tree.hpp).
  TaskNode* node = nullptr;

  const std::stop_token& stop_token() const noexcept { return *stop; }
  bool cancelled() const noexcept { return stop->stop_requested(); }
  // The cheap check generated CPU code makes at loop back-edges and calls.
  void check_cancelled() const {
    if (stop->stop_requested()) throw CancelledError();
  }
};

// The same check on a token bound once before a loop (what generated loops
// use: the token's address then stays in a register).
inline void check_cancelled(const StopToken& stop) {
  if (stop.stop_requested()) throw CancelledError();
}

}  // namespace taskrt
