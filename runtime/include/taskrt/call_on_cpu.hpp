// call_on_cpu(): an extern cpu function, run on the CPU pool with the
// caller's stop token. Suspends (hops to the pool and back).
#pragma once

#include <type_traits>

#include "taskrt/schedule.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

// Calls an extern cpu function on the CPU pool, passing the caller's stop
// token. A function that ignores it cannot be interrupted: a cancelled caller
// sees the cancellation when it returns. Either way, a result returned after
// the caller was cancelled is discarded and the call fails with Cancelled: a
// function that saw the token may have stopped early with a partial one.
// The arguments are copied into the coroutine frame: the caller may be gone
// (cancelled) before the call ends.
template <typename Fn, typename... Args>
auto call_on_cpu(Fn fn, Args... args) -> Task<std::invoke_result_t<Fn&, const StopToken&, Args&...>> {
  Context& context = co_await current_context();
  co_await ensure_cpu();
  if constexpr (std::is_void_v<std::invoke_result_t<Fn&, const StopToken&, Args&...>>) {
    fn(context.stop_token(), args...);
    context.check_cancelled();
  } else {
    auto result = fn(context.stop_token(), args...);
    context.check_cancelled();
    co_return result;
  }
}

}  // namespace taskrt
