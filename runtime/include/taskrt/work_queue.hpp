// gather_queue: `gather CALL for x in ch [limit n]` over a channel, the work
// queue whose calls add work (a crawler: each page's call sends the links it
// found). One call per value taken from the channel, at most `limit` at once;
// the gather ends when the channel is empty and none of its calls is running
// (nothing is left that could add work: Python's Queue.join(), without the
// hand-kept task_done() count), and the channel is closed then. Results come
// in the order the values were taken. Fail-fast like gather: the first
// failure cancels the running calls, starts no more, and is rethrown once
// they have finished; gather_queue_settled gives a Result per call instead.
//
// The channel must be unbounded: calls that add work to a full channel would
// wait for a slot that only their own finishing can free.
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <vector>

#include "taskrt/channel.hpp"
#include "taskrt/error.hpp"
#include "taskrt/gather.hpp"
#include "taskrt/task.hpp"

namespace taskrt {
namespace detail {

// The calls of one gather_queue, started one by one as values arrive.
template <typename R>
class QueueCalls final : public CompletionObserver {
 public:
  QueueCalls(bool settle, std::size_t limit) : settle_(settle), limit_(limit) {}
  QueueCalls(const QueueCalls&) = delete;
  QueueCalls& operator=(const QueueCalls&) = delete;

  void bind(Context& context, std::function<void()> on_done) {
    runtime_ = context.runtime;
    executor_ = context.executor;
    link_.emplace(context.stop_token(), ForwardStop{&stop_});
    on_done_ = std::move(on_done);
  }

  void start(Task<R> task) {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    PromiseBase& promise = tasks_.back().handle().promise();
    promise.set_context(Context{runtime_, executor_, &token_});
    promise.set_observer(this);
    ++running_;
    executor_->schedule(tasks_.back().handle());
  }

  bool stopped() const noexcept { return stop_.stop_requested(); }

  // Suspends until fewer than `most` calls run (0: until none does).
  class [[nodiscard]] Room {
   public:
    Room(QueueCalls& calls, std::size_t most) noexcept : calls_(calls), most_(most) {}
    bool await_ready() noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> parent) {
      std::lock_guard lock(calls_.mutex_);
      if (calls_.has_room(most_)) return false;
      calls_.waiting_most_ = most_;
      calls_.parent_ = parent;
      return true;
    }
    void await_resume() noexcept {}

   private:
    QueueCalls& calls_;
    std::size_t most_;
  };
  // Room for one more call under the limit.
  Room room() noexcept { return Room(*this, limit_ == 0 ? 0 : limit_); }
  // Every call has finished.
  Room all_done() noexcept { return Room(*this, 1); }

  std::exception_ptr first_error() {
    std::lock_guard lock(mutex_);
    return first_error_;
  }
  std::deque<Task<R>>& tasks() noexcept { return tasks_; }

 private:
  struct ForwardStop {
    std::stop_source* target;
    void operator()() const noexcept { target->request_stop(); }
  };

  // Under the lock: fewer than `most` running (most 0: no limit).
  bool has_room(std::size_t most) const noexcept { return most == 0 || running_ < most; }

  std::coroutine_handle<> on_child_done(PromiseBase& child) noexcept override {
    // The channel first: the work this call added is in it before its
    // finishing can make the queue look idle.
    on_done_();
    std::coroutine_handle<> resume;
    Executor* executor = nullptr;
    {
      std::lock_guard lock(mutex_);
      --running_;
      if (child.failed() && !first_error_) first_error_ = child.error();
      if (child.failed() && !settle_) stop_.request_stop();
      if (parent_ && has_room(waiting_most_)) {
        resume = std::exchange(parent_, {});
        executor = executor_;
      }
    }
    if (!resume) return std::noop_coroutine();
    if (executor == current_executor()) return resume;
    executor->schedule(resume);
    return std::noop_coroutine();
  }

  const bool settle_;
  const std::size_t limit_;
  std::function<void()> on_done_;
  Runtime* runtime_ = nullptr;
  Executor* executor_ = nullptr;
  std::stop_source stop_;
  const std::stop_token token_ = stop_.get_token();
  std::optional<std::stop_callback<ForwardStop>> link_;
  std::mutex mutex_;
  std::deque<Task<R>> tasks_;       // guarded by mutex_ while calls run
  std::size_t running_ = 0;         // guarded by mutex_
  std::exception_ptr first_error_;  // guarded by mutex_
  std::size_t waiting_most_ = 0;    // guarded by mutex_
  std::coroutine_handle<> parent_;  // guarded by mutex_
};

// What a call made from a value of the queue returns.
template <typename Make, typename T>
using QueueResult = typename decltype(std::declval<Make&>()(std::declval<const T&>()))::value_type;

// Takes values and starts calls until the queue ends; gives the finished calls.
template <typename T, typename Make, typename R = QueueResult<Make, T>>
Task<std::deque<Task<R>>> run_queue(Channel<T> queue, Make& make, std::int64_t limit, bool settle) {
  require_unbounded(queue);
  QueueCalls<R> calls(settle, static_cast<std::size_t>(limit < 0 ? 0 : limit));
  Context& context = co_await current_context();
  calls.bind(context, [&queue] { queue.work_done(); });
  std::exception_ptr failure;
  try {
    while (true) {
      co_await calls.room();
      std::optional<T> value = co_await queue.recv_work();
      if (!value) break;
      if (calls.stopped()) {  // a call failed: start nothing more
        queue.work_done();
        break;
      }
      calls.start(make(*value));
    }
  } catch (...) {
    failure = std::current_exception();  // this gather was cancelled
  }
  co_await calls.all_done();
  queue.close();
  if (failure) std::rethrow_exception(failure);
  if (!settle && calls.first_error()) std::rethrow_exception(calls.first_error());
  co_return std::move(calls.tasks());
}

}  // namespace detail

// `gather CALL for x in ch [limit n]`: fail-fast; results in the order the
// values were taken.
template <typename T, typename Make, typename R = detail::QueueResult<Make, T>>
Task<std::conditional_t<std::is_void_v<R>, void, std::vector<R>>> gather_queue(Channel<T> queue, Make& make,
                                                                               std::int64_t limit,
                                                                               const char* /*label*/ = "gather") {
  auto tasks = co_await detail::run_queue(std::move(queue), make, limit, false);
  if constexpr (std::is_void_v<R>) {
    co_return;
  } else {
    std::vector<R> results;
    results.reserve(tasks.size());
    for (Task<R>& task : tasks) results.push_back(task.take_result());
    co_return results;
  }
}

// As gather_queue, but never fails fast: each result is a Result.
template <typename T, typename Make, typename R = detail::QueueResult<Make, T>>
Task<std::vector<Result<detail::ValueOf<R>>>> gather_queue_settled(Channel<T> queue, Make& make, std::int64_t limit,
                                                                   const char* /*label*/ = "gather") {
  auto tasks = co_await detail::run_queue(std::move(queue), make, limit, true);
  std::vector<Result<detail::ValueOf<R>>> results;
  results.reserve(tasks.size());
  for (Task<R>& task : tasks) results.push_back(detail::take_settled(task));
  co_return results;
}

}  // namespace taskrt
