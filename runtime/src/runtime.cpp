#include "taskrt/runtime.hpp"

namespace taskrt {
namespace {

// Stops the loop when the root task finishes, wherever it finishes.
class RootObserver final : public detail::CompletionObserver {
 public:
  explicit RootObserver(EventLoop& loop) : loop_(loop) {}
  std::coroutine_handle<> on_child_done(detail::PromiseBase&) noexcept override {
    loop_.stop();
    return std::noop_coroutine();
  }

 private:
  EventLoop& loop_;
};

}  // namespace

std::unique_ptr<Runtime> Runtime::create(const RuntimeOptions& options) {
  return std::unique_ptr<Runtime>(new Runtime(options));
}

Runtime::Runtime(const RuntimeOptions& options)
    : loop_(EventLoop::create()),
      cpu_(CpuPool::create(options.cpu_threads)),
      blocking_(BlockingPool::create(options.io_threads)) {}

Runtime::~Runtime() {
  shutdown();
}

void Runtime::shutdown() {
  cpu_->shutdown();
  blocking_->shutdown();
}

void Runtime::run_root(detail::PromiseBase& promise, std::coroutine_handle<> handle) {
  RootObserver observer(*loop_);
  root_token_ = stop_.get_token();
  promise.set_context(Context{this, loop_.get(), &root_token_});
  promise.set_observer(&observer);
  loop_->schedule(handle);
  loop_->run();
  // A new stop source for the next run(), so one cancel() does not poison it.
  stop_ = std::stop_source();
}

}  // namespace taskrt
