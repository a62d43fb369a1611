// C++ behind idle_extern.task: calls that leave the runtime with nothing to
// do while they wait — a blocking call, and a coroutine woken by a thread
// of its own, which the runtime cannot see.
#pragma once

#include <taskrt/taskrt.hpp>

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <thread>

namespace idle_helpers {

// Blocks its pool thread for 300ms.
inline std::int64_t slow_answer(std::int64_t n) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  return n;
}

// Suspends until a thread of its own, started here, resumes it on the
// suspended task's executor 300ms later.
struct WokenByAThread {
  std::thread waker;
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    taskrt::Executor* executor = handle.promise().context().executor;
    waker = std::thread([executor, handle] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      executor->schedule(handle);
    });
  }
  void await_resume() { waker.join(); }
};

inline taskrt::Task<std::int64_t> answer_from_a_thread(std::int64_t n) {
  co_await WokenByAThread{};
  co_return n;
}

}  // namespace idle_helpers
