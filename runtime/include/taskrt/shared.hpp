// Shared<T>: a `shared NAME: T` value of a program. Thread-safe: reads from
// any thread, writes under its async lock (`with NAME { … }`).
#pragma once

#include <mutex>
#include <utility>

#include "taskrt/semaphore.hpp"

namespace taskrt {

// A program-wide mutable value (`shared NAME: T`). Reads take a snapshot under
// a short lock, from any thread. Writes happen only inside `with NAME { … }`:
// the block holds the value's async lock (one writer at a time, FIFO), works
// on a copy, and stores it when the block completes; a block that fails leaves
// the value as it was.
template <typename T>
class Shared {
 public:
  explicit Shared(T initial) : value_(std::move(initial)) {}

  T load() const {
    std::lock_guard guard(value_mutex_);
    return value_;
  }
  void store(T value) {
    std::lock_guard guard(value_mutex_);
    value_ = std::move(value);
  }
  // co_await shared.lock() for the duration of a `with` block.
  // `site` names the wait in a deadlock report (ParkedWait::site).
  Semaphore::AcquireAwaiter lock(const char* site = nullptr) noexcept { return writer_.lock(site); }

 private:
  Mutex writer_;
  mutable std::mutex value_mutex_;
  T value_;  // guarded by value_mutex_
};

}  // namespace taskrt
