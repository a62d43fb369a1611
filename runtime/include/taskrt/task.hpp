// Task<T>: a lazy coroutine that produces a T or fails with an exception.
//
// A Task does nothing until it is awaited (or started by gather, race or
// Runtime::run). `co_await task` starts it on the awaiting coroutine's thread
// by symmetric transfer and resumes the awaiter when it finishes: by symmetric
// transfer again when both run on the same executor, otherwise by scheduling
// the awaiter back on its own executor (a cpu task finishing on a worker
// resumes its io caller on the event loop). The child inherits the parent's
// Context (runtime, executor, cancellation).
//
// Ownership: a Task owns its coroutine frame and destroys it when the Task is
// destroyed; awaiting consumes the result. Frames come from a per-thread
// recycling allocator. A Task is movable, not copyable, and must not be
// destroyed while it runs.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "taskrt/executor.hpp"

namespace taskrt {

// The result of a task that returns nothing, where a value is needed (tuples
// of gather).
struct Unit {
  friend bool operator==(Unit, Unit) { return true; }
};

namespace detail {

void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

class PromiseBase;

// Gather, race and Runtime::run watch their children through this instead of
// a continuation: called on the thread where the child finished; returns the
// coroutine to transfer to (std::noop_coroutine() for none).
class CompletionObserver {
 public:
  virtual std::coroutine_handle<> on_child_done(PromiseBase& child) noexcept = 0;

 protected:
  ~CompletionObserver() = default;
};

class PromiseBase {
 public:
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      return self.promise().next_after_completion();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() noexcept { error_ = std::current_exception(); }

  Context& context() noexcept { return context_; }
  const std::exception_ptr& error() const noexcept { return error_; }
  // A lowered body keeps the failure it is handling here (lowered_call.hpp).
  std::exception_ptr& mutable_error() noexcept { return error_; }
  bool failed() const noexcept { return error_ != nullptr; }

  // Wiring, done by whoever starts the task.
  void set_context(const Context& context) noexcept { context_ = context; }
  void set_continuation(std::coroutine_handle<> continuation, Executor* executor) noexcept {
    continuation_ = continuation;
    continuation_executor_ = executor;
  }
  // `index`: which of the observer's children this is (a gather's element),
  // read back by the observer with group_index().
  void set_observer(CompletionObserver* observer, std::size_t index = 0) noexcept {
    observer_ = observer;
    group_index_ = index;
  }
  std::size_t group_index() const noexcept { return group_index_; }

 private:
  std::coroutine_handle<> next_after_completion() noexcept {
    if (observer_ != nullptr) return observer_->on_child_done(*this);
    if (!continuation_) return std::noop_coroutine();
    // Resume the awaiter right here only if it belongs on this thread's executor.
    if (continuation_executor_ == nullptr || continuation_executor_ == current_executor()) return continuation_;
    continuation_executor_->schedule(continuation_);
    return std::noop_coroutine();
  }

  Context context_;
  std::coroutine_handle<> continuation_;
  // A task is awaited (continuation_) or observed, never both: the index of
  // an observed one shares the continuation's executor's room in the frame.
  union {
    Executor* continuation_executor_ = nullptr;
    std::size_t group_index_;
  };
  CompletionObserver* observer_ = nullptr;
  std::exception_ptr error_;
};

template <typename T>
class Promise;

}  // namespace detail

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using value_type = T;

  Task() noexcept = default;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool valid() const noexcept { return static_cast<bool>(handle_); }
  std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }

  struct Awaiter {
    std::coroutine_handle<promise_type> child;

    bool await_ready() const noexcept { return false; }
    template <typename ParentPromise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<ParentPromise> parent) noexcept {
      detail::PromiseBase& parent_promise = parent.promise();
      child.promise().set_context(parent_promise.context());
      child.promise().set_continuation(parent, parent_promise.context().executor);
      return child;
    }
    T await_resume() { return child.promise().take_result(); }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{handle_}; }

  // The result once the task has finished (used by gather and Runtime::run).
  T take_result() { return handle_.promise().take_result(); }

 private:
  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

template <typename T>
class Promise final : public PromiseBase {
 public:
  Task<T> get_return_object() noexcept { return Task<T>(std::coroutine_handle<Promise>::from_promise(*this)); }
  template <typename U>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.emplace(std::forward<U>(value));
  }
  T take_result() {
    if (error()) std::rethrow_exception(error());
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class Promise<void> final : public PromiseBase {
 public:
  Task<void> get_return_object() noexcept { return Task<void>(std::coroutine_handle<Promise>::from_promise(*this)); }
  void return_void() noexcept {}
  void take_result() {
    if (error()) std::rethrow_exception(error());
  }
};

}  // namespace detail

// `co_await current_context()` gives the running task's Context without
// suspending: for cancellation checks and for reaching the runtime.
struct CurrentContextAwaiter {
  Context* context = nullptr;
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> self) noexcept {
    context = &self.promise().context();
    return false;
  }
  Context& await_resume() const noexcept { return *context; }
};
inline CurrentContextAwaiter current_context() noexcept {
  return {};
}

}  // namespace taskrt
