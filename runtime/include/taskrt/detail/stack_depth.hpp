// Whether this thread's stack is already deep: for runtime code that would
// resume a coroutine directly (by symmetric transfer, or a nested resume) and
// must queue it instead when that could nest without bound. Symmetric
// transfer is a tail call only where the compiler makes one, which GCC does
// not in every build (not under the sanitizers): a run of completions that
// each resume the next directly would then grow the stack with every one.
#pragma once

#include <cstdint>

namespace taskrt::detail {

// How far below the shallowest frame seen on this thread a completion may
// resume the next coroutine directly.
inline constexpr std::uintptr_t kMostNesting = 256 * 1024;
inline thread_local std::uintptr_t t_shallowest_frame = 0;

inline bool stack_is_deep() noexcept {
  auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (here > t_shallowest_frame) t_shallowest_frame = here;  // the stack grows down
  return t_shallowest_frame - here > kMostNesting;
}

}  // namespace taskrt::detail
