// Moving between executors, always by suspension: `co_await to_cpu()` resumes
// the calling coroutine on a CPU-pool worker, `co_await to_loop()` on the event
// loop, and `co_await run_blocking(fn)` runs a blocking function on the
// blocking pool while the caller is suspended.
#pragma once

#include <atomic>
#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <stop_token>
#include <type_traits>

#include "taskrt/runtime.hpp"
#include "taskrt/task_tree.hpp"

namespace taskrt {

// Resumes the awaiting coroutine on `target`, which becomes its executor.
struct ResumeOnAwaiter {
  Executor* target = nullptr;
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) noexcept {
    handle.promise().context().executor = target;
    target->schedule(handle);
  }
  void await_resume() const noexcept {}
};

inline ResumeOnAwaiter resume_on(Executor& executor) noexcept {
  return ResumeOnAwaiter{&executor};
}

// Hops to the executor the runtime names, found at suspension time.
template <Executor& (*Pick)(Runtime&)>
struct HopAwaiter {
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) noexcept {
    Context& context = handle.promise().context();
    context.executor = &Pick(*context.runtime);
    context.executor->schedule(handle);
  }
  void await_resume() const noexcept {}
};

namespace detail {
inline Executor& pick_cpu(Runtime& runtime) {
  return runtime.cpu_work();
}
inline Executor& pick_loop(Runtime& runtime) {
  return runtime.loop();
}
}  // namespace detail

// Continue on a CPU-pool worker / on the event loop.
inline HopAwaiter<detail::pick_cpu> to_cpu() noexcept {
  return {};
}
inline HopAwaiter<detail::pick_loop> to_loop() noexcept {
  return {};
}

// As to_cpu(), but without a hop when the task already runs on the CPU pool:
// what a cpu task does first, since cpu tasks are mostly called by cpu tasks.
struct EnsureCpuAwaiter {
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
    Context& context = handle.promise().context();
    Executor* cpu = &context.runtime->cpu_work();
    if (context.executor == cpu) return false;
    context.executor = cpu;
    cpu->schedule(handle);
    return true;
  }
  void await_resume() const noexcept {}
};
inline EnsureCpuAwaiter ensure_cpu() noexcept {
  return {};
}

// Runs `fn()` on the blocking pool; the caller suspends meanwhile and resumes
// on its own executor with the result (or the exception fn threw).
// Cancellation releases the caller at once with CancelledError; `fn` cannot be
// interrupted, so it finishes on its own and its result is discarded.
template <typename Fn>
class BlockingCallAwaiter {
  using Raw = std::invoke_result_t<Fn&>;
  using Value = std::conditional_t<std::is_void_v<Raw>, Unit, Raw>;

  // Shared with the pool thread, which may outlive the waiter after a cancel.
  struct State {
    // kArming until the job is submitted; a cancel during arming leaves the
    // resumption to await_suspend.
    enum Phase : int { kArming, kWaiting, kDone, kAbandoned };
    std::atomic<int> phase{kArming};
    std::optional<Value> value;
    std::exception_ptr error;
    std::coroutine_handle<> handle;
    Executor* executor = nullptr;
  };

  struct StopHandler {
    std::shared_ptr<State> state;
    void operator()() const noexcept {
      int phase = state->phase.load(std::memory_order_acquire);
      while (phase == State::kArming || phase == State::kWaiting) {
        if (state->phase.compare_exchange_weak(phase, State::kAbandoned, std::memory_order_acq_rel)) {
          if (phase == State::kWaiting) state->executor->schedule(state->handle);
          return;
        }
      }
    }
  };

 public:
  explicit BlockingCallAwaiter(Fn fn) : fn_(std::move(fn)), state_(std::make_shared<State>()) {}

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> handle) {
    Context& context = handle.promise().context();
    context_ = &context;
    mark_waiting(context, kWaitsOn);
    state_->handle = handle;
    state_->executor = context.executor;
    on_stop_.emplace(context.stop_token(), StopHandler{state_});
    bool accepted = context.runtime->blocking().submit([state = state_, fn = std::move(fn_)]() mutable {
      try {
        if constexpr (std::is_void_v<Raw>) {
          fn();
          state->value.emplace();
        } else {
          state->value.emplace(fn());
        }
      } catch (...) {
        state->error = std::current_exception();
      }
      // The job may finish before await_suspend has marked the state waiting.
      bool wake = false;
      int phase = state->phase.load(std::memory_order_acquire);
      while (phase == State::kArming || phase == State::kWaiting) {
        if (state->phase.compare_exchange_weak(phase, State::kDone, std::memory_order_acq_rel)) {
          wake = phase == State::kWaiting;
          break;
        }
      }
      // Let go of the state before waking the waiter, so that the result (an
      // exception object, say) is released on the waiter's thread, never raced
      // by this one.
      Executor* executor = state->executor;
      std::coroutine_handle<> handle = state->handle;
      state.reset();
      if (wake) executor->schedule(handle);
    });
    if (!accepted) {
      state_->error = std::make_exception_ptr(CancelledError("the runtime is shutting down"));
      state_->phase.store(State::kDone, std::memory_order_release);
      return false;
    }
    // Armed: from now on the job or a cancel resumes us. If either already
    // happened while arming, resume at once instead.
    int expected = State::kArming;
    return state_->phase.compare_exchange_strong(expected, State::kWaiting, std::memory_order_acq_rel);
  }

  Raw await_resume() {
    clear_waiting(*context_, kWaitsOn);
    on_stop_.reset();
    if (state_->phase.load(std::memory_order_acquire) == State::kAbandoned) {
      throw CancelledError("cancelled while waiting for a blocking call");
    }
    if (state_->error) std::rethrow_exception(state_->error);
    if constexpr (!std::is_void_v<Raw>) return std::move(*state_->value);
  }

 private:
  static constexpr char kWaitsOn[] = "in a blocking call";  // in the task tree

  Fn fn_;
  std::shared_ptr<State> state_;
  std::optional<std::stop_callback<StopHandler>> on_stop_;
  Context* context_ = nullptr;
};

template <typename Fn>
BlockingCallAwaiter<std::decay_t<Fn>> run_blocking(Fn&& fn) {
  return BlockingCallAwaiter<std::decay_t<Fn>>(std::forward<Fn>(fn));
}

}  // namespace taskrt
