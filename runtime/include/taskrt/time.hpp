// Time in taskrt: Duration, the language's `duration` (int64 nanoseconds;
// arithmetic on it is checked in builtins.hpp), and Clock, the monotonic
// clock timers and deadlines use. Header-only, no state.
#pragma once

#include <chrono>

namespace taskrt {

using Duration = std::chrono::nanoseconds;
using Clock = std::chrono::steady_clock;

}  // namespace taskrt
