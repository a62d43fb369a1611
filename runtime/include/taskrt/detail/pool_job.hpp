// PoolJob: a coroutine that is a piece of runtime bookkeeping, not a task —
// made suspended, handed to an executor, run once, and gone when it ends (its
// frame frees itself). It has no result, no context and no observer; its body
// must not throw. The gather's range starters (gather.hpp) are PoolJobs.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>

#include "taskrt/task.hpp"

namespace taskrt::detail {

struct PoolJob {
  struct promise_type {
    PoolJob get_return_object() noexcept { return PoolJob{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }
  };

  // Not yet started: whoever holds it schedules it exactly once.
  std::coroutine_handle<promise_type> handle;
};

}  // namespace taskrt::detail
