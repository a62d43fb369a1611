// ForeignWait: held by C++ code while a task waits on something the runtime
// cannot see — a thread of its own, a library's callback, an extern io task.
// The deadlock check (parked_waits.hpp) only declares a deadlock when
// nothing could wake a task; a pending ForeignWait could.
#pragma once

#include <type_traits>
#include <utility>

#include "taskrt/runtime.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

class ForeignWait {
 public:
  explicit ForeignWait(Runtime* runtime) noexcept : runtime_(runtime) {
    if (runtime_ != nullptr) runtime_->begin_foreign_wait();
  }
  ~ForeignWait() {
    if (runtime_ != nullptr) runtime_->end_foreign_wait();
  }
  ForeignWait(const ForeignWait&) = delete;
  ForeignWait& operator=(const ForeignWait&) = delete;

 private:
  Runtime* runtime_;
};

// `co_await foreign(task)`: awaits a coroutine written in C++ (an extern io
// task), which may wait on anything, as a foreign wait.
template <typename T>
Task<T> foreign(Task<T> inner) {
  Context& context = co_await current_context();
  ForeignWait wait(context.runtime);
  if constexpr (std::is_void_v<T>) {
    co_await std::move(inner);
  } else {
    co_return co_await std::move(inner);
  }
}

}  // namespace taskrt
