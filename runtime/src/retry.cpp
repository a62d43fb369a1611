#include "taskrt/retry.hpp"

#include <chrono>
#include <thread>

namespace taskrt::detail {

double jitter_factor() noexcept {
  // Seeded per thread; never zero, which xorshift cannot leave.
  thread_local std::uint64_t state =
      (static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
       std::hash<std::thread::id>{}(std::this_thread::get_id())) |
      1;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return 0.5 + static_cast<double>(state >> 11) / static_cast<double>(1ull << 53);
}

}  // namespace taskrt::detail
