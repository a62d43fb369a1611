// Test helpers for the runtime: a small Runtime per test, and counters.
#pragma once

#include <atomic>
#include <memory>

#include "taskrt/taskrt.hpp"

namespace taskrt::testing {

inline std::unique_ptr<Runtime> make_runtime(unsigned cpu_threads = 2) {
  RuntimeOptions options;
  options.cpu_threads = cpu_threads;
  options.io_threads = 16;
  return Runtime::create(options);
}

// Runs `task` to completion on a runtime of its own.
template <typename T>
T run(Task<T> task) {
  auto runtime = make_runtime();
  return runtime->run(std::move(task));
}

// Counts how many tasks are inside a region at once, and the most ever.
struct Concurrency {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  void enter() {
    int current = now.fetch_add(1) + 1;
    int seen = peak.load();
    while (current > seen && !peak.compare_exchange_weak(seen, current)) {
    }
  }
  void leave() { now.fetch_sub(1); }
};

}  // namespace taskrt::testing
