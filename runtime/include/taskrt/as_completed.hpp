// AsCompleted: `for x in gather CALL for y in ys [limit n] as completed { … }`.
// The calls run as in a gather (on the caller's executor, at most `limit` at
// once); next() gives each result as soon as its call finishes, in completion
// order. finish() must be awaited whatever way the loop ends: it cancels the
// calls still running, waits for them (nothing outlives the loop), and then
// rethrows the loop's failure, if it had one.
//
// The calls come from a list (made up front), or from a work-queue channel
// (`… for y in ch …`, see work_queue.hpp): then a feeder task takes values as
// they arrive and there is room, and the stream ends when the queue does.
//
// Fail-fast (the default): a failed call's error is what next() throws when
// that call's turn comes, and it cancels the calls still running at once.
// Settled: each result is a Result<T>, and nothing fails the loop.
//
// next() and finish() are awaited by one task (the loop's); the calls report
// to it from any thread.
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
#include <utility>
#include <vector>

#include "taskrt/channel.hpp"
#include "taskrt/gather.hpp"
#include "taskrt/gather_each.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

template <typename T, bool Settled>
class AsCompleted final : public detail::CompletionObserver {
 public:
  using Value = detail::ValueOf<T>;
  using Item = std::conditional_t<Settled, Result<Value>, Value>;

  // The calls of a list, made up front.
  AsCompleted(std::vector<Task<T>> tasks, std::size_t limit) : limit_(limit) {
    for (Task<T>& task : tasks) add_locked(std::move(task));
    unstarted_ = tasks_.size();
  }
  // The calls of a work queue: `feed` is a task that calls add() and room()
  // until the queue ends; `call_done` runs as each call finishes.
  AsCompleted(std::size_t limit, std::function<void()> call_done) : limit_(limit), call_done_(std::move(call_done)) {}
  AsCompleted(const AsCompleted&) = delete;
  AsCompleted& operator=(const AsCompleted&) = delete;

  void set_feeder(Task<void> feeder) { feeder_.emplace(std::move(feeder)); }

  // The next result to complete, or nullopt once every call has been given.
  class [[nodiscard]] NextAwaiter {
   public:
    explicit NextAwaiter(AsCompleted& stream) noexcept : stream_(stream) {}
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> parent) {
      return stream_.wait(parent, parent.promise().context(), Wait::kNext);
    }
    std::optional<Item> await_resume() { return stream_.take(); }

   private:
    AsCompleted& stream_;
  };

  // Cancels what still runs and waits for it; then rethrows `failure` (the
  // loop body's, if it failed).
  class [[nodiscard]] FinishAwaiter {
   public:
    FinishAwaiter(AsCompleted& stream, std::exception_ptr failure) noexcept
        : stream_(stream), failure_(std::move(failure)) {}
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> parent) {
      return stream_.wait(parent, parent.promise().context(), Wait::kFinish);
    }
    void await_resume() {
      stream_.parent_link_.reset();
      if (failure_) std::rethrow_exception(failure_);
    }

   private:
    AsCompleted& stream_;
    std::exception_ptr failure_;
  };

  // For the feeder: waits until a call may start (or the stream is stopping:
  // then it returns false and the feeder stops).
  class [[nodiscard]] RoomAwaiter {
   public:
    explicit RoomAwaiter(AsCompleted& stream) noexcept : stream_(stream) {}
    bool await_ready() noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> feeder) {
      std::lock_guard lock(stream_.mutex_);
      if (stream_.has_room_locked()) return false;
      stream_.feeder_waiting_ = feeder;
      return true;
    }
    bool await_resume() {
      std::lock_guard lock(stream_.mutex_);
      return !stream_.stopping_;
    }

   private:
    AsCompleted& stream_;
  };

  NextAwaiter next() noexcept { return NextAwaiter(*this); }
  // Which call the last next() gave, counted in the order the calls started.
  std::size_t given() const noexcept { return given_; }
  FinishAwaiter finish(std::exception_ptr failure) noexcept { return FinishAwaiter(*this, std::move(failure)); }
  RoomAwaiter room() noexcept { return RoomAwaiter(*this); }

  // For the feeder: starts a call at once (room() said there is room);
  // false, and nothing starts, once the stream is stopping.
  bool add(Task<T> task) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    add_locked(std::move(task));
    start_locked(tasks_.size() - 1);
    return true;
  }

 private:
  enum class Wait { kNone, kNext, kFinish };

  struct ForwardStop {
    std::stop_source* target;
    void operator()() const noexcept { target->request_stop(); }
  };

  void add_locked(Task<T> task) { tasks_.push_back(std::move(task)); }

  bool has_room_locked() const noexcept { return stopping_ || limit_ == 0 || running_ < limit_; }

  // Nothing runs and nothing more can start.
  bool quiet_locked() const noexcept { return running_ == 0 && !feeding_ && (stopping_ || next_start_ == unstarted_); }

  // Whether the parent's wait is over (under the lock).
  bool satisfied(Wait wait) const noexcept {
    if (wait == Wait::kFinish) return running_ == 0 && !feeding_;
    return !ready_.empty() || quiet_locked();
  }

  // Starts the calls on first use; returns whether the parent suspends.
  bool wait(std::coroutine_handle<> parent, Context& context, Wait wait) {
    std::coroutine_handle<> feeder_to_wake;
    bool suspend = false;
    {
      std::lock_guard lock(mutex_);
      if (!started_ && wait == Wait::kFinish) return false;  // the loop never asked: nothing ran
      if (!started_) {
        started_ = true;
        runtime_ = context.runtime;
        executor_ = context.executor;
        node_ = context.node;
        parent_stop_ = context.stop_token();
        parent_link_.emplace(context.stop_token(), ForwardStop{&stop_});
        std::size_t first = limit_ == 0 ? unstarted_ : std::min(limit_, unstarted_);
        while (next_start_ < first) start_locked(next_start_++);
        if (feeder_) {
          feeding_ = true;
          prepare_locked(feeder_->handle().promise());
          executor_->schedule(feeder_->handle());
        }
      }
      if (wait == Wait::kFinish) {
        stopping_ = true;
        stop_.request_stop();
        feeder_to_wake = std::exchange(feeder_waiting_, {});
      }
      if (!satisfied(wait)) {
        waiting_ = wait;
        parent_ = parent;
        suspend = true;
      }
    }
    if (feeder_to_wake) executor_->schedule(feeder_to_wake);
    return suspend;
  }

  void prepare_locked(detail::PromiseBase& promise, std::size_t index = 0) {
    promise.set_context(Context{runtime_, executor_, &token_, node_});
    promise.set_observer(this, index);
  }

  void start_locked(std::size_t index) {
    prepare_locked(tasks_[index].handle().promise(), index);
    ++running_;
    executor_->schedule(tasks_[index].handle());
  }

  std::optional<Item> take() {
    std::size_t index;
    {
      std::lock_guard lock(mutex_);
      if (ready_.empty()) return std::nullopt;
      index = ready_.front();
      ready_.pop_front();
    }
    given_ = index;
    // The caller was cancelled: its calls were too, and it stops here.
    if (parent_stop_.stop_requested()) throw CancelledError("cancelled while waiting for results as they complete");
    // The call's frame is freed once its result is out (a long loop or a
    // work queue holds the frames of its running calls only). Its
    // on_child_done put it in ready_ under the lock and touched it no more.
    Task<T> done = std::move(tasks_[index]);
    if constexpr (Settled) {
      return detail::take_settled(done);
    } else {
      return detail::take_value(done);  // rethrows the call's failure
    }
  }

  std::coroutine_handle<> on_child_done(detail::PromiseBase& child) noexcept override {
    bool is_feeder = feeder_ && &feeder_->handle().promise() == &child;
    // A work queue first hears that the call is done: what the call added is
    // in it before the call's finishing can make the queue look idle.
    if (!is_feeder && call_done_) call_done_();
    std::coroutine_handle<> resume;
    std::coroutine_handle<> feeder;
    Executor* executor = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (is_feeder) {
        feeding_ = false;
      } else {
        --running_;
        ready_.push_back(child.group_index());
        if (child.failed() && !Settled) {
          stopping_ = true;  // fail-fast: no more calls start, the running ones stop
          stop_.request_stop();
        }
        if (!stopping_ && next_start_ < unstarted_) start_locked(next_start_++);
        if (feeder_waiting_ && has_room_locked()) feeder = std::exchange(feeder_waiting_, {});
      }
      if (waiting_ != Wait::kNone && satisfied(waiting_)) {
        waiting_ = Wait::kNone;
        resume = std::exchange(parent_, {});
      }
      executor = executor_;
    }
    // After the lock, nothing of `this` is touched: the parent may resume on
    // another thread and end the loop.
    if (feeder) executor->schedule(feeder);
    if (!resume) return std::noop_coroutine();
    if (executor == current_executor()) return resume;
    executor->schedule(resume);
    return std::noop_coroutine();
  }

  std::deque<Task<T>> tasks_;  // stable: calls are added while others run
  std::size_t given_ = 0;      // only the loop's task reads and writes it
  std::size_t unstarted_ = 0;  // of a list: how many calls it has
  const std::size_t limit_;
  std::function<void()> call_done_;
  std::optional<Task<void>> feeder_;
  Runtime* runtime_ = nullptr;
  TaskNode* node_ = nullptr;  // the loop's call: its tasks' parent in the task tree
  Executor* executor_ = nullptr;
  std::stop_source stop_;
  const std::stop_token token_ = stop_.get_token();
  std::stop_token parent_stop_;
  std::optional<std::stop_callback<ForwardStop>> parent_link_;
  std::mutex mutex_;
  bool started_ = false;                    // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_: start nothing more
  bool feeding_ = false;                    // guarded by mutex_: the feeder runs
  std::size_t next_start_ = 0;              // guarded by mutex_
  std::size_t running_ = 0;                 // guarded by mutex_
  std::deque<std::size_t> ready_;           // guarded by mutex_: finished, not yet given
  Wait waiting_ = Wait::kNone;              // guarded by mutex_
  std::coroutine_handle<> parent_;          // guarded by mutex_
  std::coroutine_handle<> feeder_waiting_;  // guarded by mutex_
};

namespace detail {

template <typename Make, typename V>
using CallOf = decltype(std::declval<Make&>()(std::declval<const V&>()));

// Takes values from the work queue as there is room, and starts their calls.
template <typename T, bool Settled, typename V, typename Make>
Task<void> feed_completed(AsCompleted<T, Settled>& stream, Channel<V> queue, Make& make) {
  try {
    while (co_await stream.room()) {
      std::optional<V> value = co_await queue.recv_work();
      if (!value) break;
      if (!stream.add(make(*value))) {  // stopped meanwhile: the value is not worked on
        queue.work_done();
        break;
      }
    }
  } catch (const CancelledError&) {
    // finish() stopped the stream while the feeder waited for a value.
  }
  queue.close();
}

template <bool Settled, typename Iterable, typename Make>
auto make_as_completed(const Iterable& items, Make& make, std::int64_t limit) {
  using T = typename decltype(make(*std::begin(items)))::value_type;
  return AsCompleted<T, Settled>(tasks_for_each(items, make), detail::width_of(limit));
}

}  // namespace detail

// `gather CALL for x in xs [limit n] as completed`: make(x) gives each call.
template <typename Iterable, typename Make>
auto as_completed(const Iterable& items, Make& make, std::int64_t limit) {
  return detail::make_as_completed<false>(items, make, limit);
}

template <typename Iterable, typename Make>
auto as_completed_settled(const Iterable& items, Make& make, std::int64_t limit) {
  return detail::make_as_completed<true>(items, make, limit);
}

// Over a work-queue channel: the stream ends when the queue does (empty, and
// none of its calls running). The channel must be unbounded.
template <bool Settled, typename V, typename Make>
class QueueAsCompleted {
 public:
  using T = typename detail::CallOf<Make, V>::value_type;
  using Item = typename AsCompleted<T, Settled>::Item;

  QueueAsCompleted(Channel<V> queue, Make& make, std::int64_t limit)
      : queue_(queue), stream_(detail::width_of(limit), [queue]() mutable { queue.work_done(); }) {
    require_unbounded(queue_);
    stream_.set_feeder(detail::feed_completed(stream_, queue_, make));
  }
  auto next() noexcept { return stream_.next(); }
  std::size_t given() const noexcept { return stream_.given(); }
  auto finish(std::exception_ptr failure) noexcept { return stream_.finish(std::move(failure)); }

 private:
  Channel<V> queue_;
  AsCompleted<T, Settled> stream_;
};

template <typename V, typename Make>
QueueAsCompleted<false, V, Make> as_completed(Channel<V> queue, Make& make, std::int64_t limit) {
  return QueueAsCompleted<false, V, Make>(std::move(queue), make, limit);
}

template <typename V, typename Make>
QueueAsCompleted<true, V, Make> as_completed_settled(Channel<V> queue, Make& make, std::int64_t limit) {
  return QueueAsCompleted<true, V, Make>(std::move(queue), make, limit);
}

}  // namespace taskrt
