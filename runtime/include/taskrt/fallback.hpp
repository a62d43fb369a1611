// The `else` forms: `e timeout d else v` and `try e else v`. The fallback is
// computed only when needed, and may itself await. Cancellation is never
// caught: it keeps travelling.
#pragma once

#include <exception>
#include <type_traits>
#include <utility>

#include "taskrt/error.hpp"
#include "taskrt/task.hpp"
#include "taskrt/time.hpp"
#include "taskrt/timeout.hpp"

namespace taskrt {

namespace detail {
// A fallback is a plain function, or a coroutine when computing it awaits.
template <typename Fallback>
auto run_fallback(Fallback& fallback) -> Task<std::decay_t<decltype(fallback())>> {
  co_return fallback();
}
template <typename Fallback>
requires requires(Fallback& f) {
  typename decltype(f())::promise_type;
}
auto run_fallback(Fallback& fallback) -> decltype(fallback()) {
  co_return co_await fallback();
}
}  // namespace detail

// `e timeout d else v`: v (computed only then) when e times out.
template <typename T, typename Fallback>
Task<T> timeout_else(Duration limit, Task<T> work, Fallback fallback) {
  try {
    co_return co_await with_timeout(limit, std::move(work));
  } catch (const TimeoutError&) {
  }
  co_return co_await detail::run_fallback(fallback);
}

// `try e else v`: v (computed only then) when e fails with any error but
// cancellation, which must keep travelling.
template <typename T, typename Fallback>
Task<T> try_else(Task<T> work, Fallback fallback) {
  std::exception_ptr error;
  try {
    co_return co_await std::move(work);
  } catch (...) {
    error = std::current_exception();
  }
  if (kind_of(error) == ErrorKind::kCancelled) std::rethrow_exception(error);
  co_return co_await detail::run_fallback(fallback);
}

}  // namespace taskrt
