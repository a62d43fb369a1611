// blocking_calls.hpp — ordinary blocking C++ functions, the kind a library
// without async support offers. The .task examples declare them as
// `extern io task … blocking`, so they run on the blocking-I/O thread pool and
// never stall the event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

namespace blocking_calls {

// Blocks the calling thread, like Python's time.sleep.
inline void sleep_seconds(std::int64_t seconds) {
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
}

// A blocking "fetch": one second of waiting, then an answer.
inline std::int64_t fetch_data(std::int64_t x) {
  sleep_seconds(1);
  return x * 2;
}

}  // namespace blocking_calls
