#include "taskrt/executor.hpp"

namespace taskrt {
namespace {

thread_local Executor* current = nullptr;

}  // namespace

Executor* current_executor() noexcept {
  return current;
}
void set_current_executor(Executor* executor) noexcept {
  current = executor;
}

}  // namespace taskrt
