// call_in_process(): an `in process` task's call, sent to a worker process
// of the runtime's pool (process_pool.hpp). Suspends; fails with the
// worker's error, or WorkerCrashed.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "taskrt/runtime.hpp"
#include "taskrt/serialize.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

namespace detail {
template <typename R>
Task<R> run_in_process(std::uint32_t index, std::string arguments) {
  Context& context = co_await current_context();
  std::string result = co_await context.runtime->in_process().call(index, std::move(arguments));
  if constexpr (!std::is_void_v<R>) {
    Reader reader(result);
    co_return decode_value<R>(reader);
  }
}
}  // namespace detail

// Calls an `in process` task: the arguments are encoded now, the call runs in
// a worker process (process_pool.hpp), and the result is decoded on return.
template <typename R, typename... Args>
Task<R> call_in_process(std::uint32_t index, const Args&... args) {
  return detail::run_in_process<R>(index, encode_values(args...));
}

}  // namespace taskrt
