// gather, gather_settled and race: structured concurrency over child tasks.
//
// All children start concurrently on the caller's executor (at most `limit` at
// a time when a limit is given; children that all move to the CPU pool first
// are started there, see TaskGroup::spread) and the caller suspends until
// every child has finished; nothing started by these functions outlives them.
//  - gather: results in input order. The first failure cancels the other
//    children, waits for them to finish cancelling, then rethrows that failure.
//  - gather_settled: never fails fast; each element is a Result<T>.
//  - race: the first child to succeed wins and the others are cancelled; fails
//    (with the first failure) only if every child fails.
// Cancelling the caller cancels every child; children not yet started never
// start, and the group fails with CancelledError.
#pragma once

#include <algorithm>
#include <atomic>
#include <coroutine>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "taskrt/detail/pool_job.hpp"
#include "taskrt/detail/stack_depth.hpp"
#include "taskrt/progress.hpp"
#include "taskrt/runtime.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

// The outcome of one settled task: a value or an error.
template <typename T>
class Result {
 public:
  static Result success(T value) {
    Result r;
    r.value_.emplace(std::move(value));
    return r;
  }
  static Result failure(std::exception_ptr error) {
    Result r;
    r.error_ = std::move(error);
    return r;
  }

  bool ok() const noexcept { return !error_; }
  // The value; rethrows the error when the task failed.
  const T& value() const {
    if (error_) std::rethrow_exception(error_);
    return *value_;
  }
  T take_value() {
    if (error_) std::rethrow_exception(error_);
    return std::move(*value_);
  }
  const std::exception_ptr& error() const noexcept { return error_; }
  // The error's message, or "" when ok.
  std::string error_message() const { return error_ ? message_of(error_) : std::string(); }
  // The error's kind name ("Timeout", …), or "" when ok.
  std::string kind_name() const { return error_ ? std::string(error_kind_name(kind_of(error_))) : std::string(); }

 private:
  std::optional<T> value_;
  std::exception_ptr error_;
};

namespace detail {

enum class GroupMode { kFailFast, kSettle, kRace };

// Runs the children of a gather or race and resumes the parent when all are
// done. Lives in the parent's coroutine frame as the awaiter; children report
// to it from whichever thread they finish on. `Children` gives size(),
// promise(i) and handle(i); optionally finished(i, child) and not_made(i,
// error), and starts_on_cpu() when every child is a task whose first step is
// to move to the CPU pool.
template <typename Children>
class TaskGroup final : public CompletionObserver {
 public:
  // `progress_label`: draw a progress bar (ProgressBar::for_gather) under it.
  TaskGroup(Children& children, std::size_t limit, GroupMode mode, const char* progress_label = nullptr) noexcept
      : children_(children), limit_(limit), mode_(mode), progress_label_(progress_label) {}
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  bool await_ready() const noexcept { return children_.size() == 0; }

  template <typename Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> parent) {
    Context& context = parent.promise().context();
    parent_ = parent;
    runtime_ = context.runtime;
    executor_ = context.executor;
    node_ = context.node;
    parent_link_.emplace(context.stop_token(), ForwardStop{&stop_});
    std::size_t count = children_.size();
    if (progress_label_) progress_ = ProgressBar::for_gather(context, count, progress_label_);
    if (spreads_on_cpu(count)) return spread(count);
    if (runs_in_turn_on_cpu()) return start_in_turn(count);
    std::size_t first = limit_ == 0 ? count : std::min(limit_, count);
    next_.store(first, std::memory_order_relaxed);
    // One extra count held while starting, so that no child can resume the
    // parent before the children are all started.
    remaining_.store(count + 1, std::memory_order_relaxed);
    // All made before any starts: a child that cannot be made (out of memory)
    // fails the await before anything runs.
    for (std::size_t i = 0; i < first; ++i) prepare(i);
    // Queued in batches: the CPU pool then looks for sleepers once a batch.
    std::coroutine_handle<> batch[kScheduleBatch];
    for (std::size_t i = 1; i < first;) {
      std::size_t n = 0;
      for (; n < kScheduleBatch && i < first; ++n, ++i) batch[n] = children_.handle(i);
      executor_->schedule_all(batch, n);
    }
    // The first child runs right here, by symmetric transfer: one queue round
    // trip fewer per gather, and on the loop the children still start in
    // input order (the first now, the rest from the ready queue). It has not
    // started, so the count cannot reach zero while we drop the starter's hold.
    remaining_.fetch_sub(1, std::memory_order_relaxed);
    return children_.handle(0);
  }

  void await_resume() noexcept { parent_link_.reset(); }

  // After completion: the first failure (fail-fast and race), the winner (race).
  const std::exception_ptr& first_error() const noexcept { return first_error_; }
  std::optional<std::size_t> winner() const noexcept { return winner_; }

 private:
  struct ForwardStop {
    std::stop_source* target;
    void operator()() const noexcept { target->request_stop(); }
  };

  void prepare(std::size_t index, Executor* executor) {
    PromiseBase& promise = children_.promise(index);
    promise.set_context(Context{runtime_, executor, &token_, node_});
    promise.set_observer(this, index);
  }
  void prepare(std::size_t index) { prepare(index, executor_); }

  // Children that all go to the CPU pool first (cpu tasks) and no limit:
  // rather than start each where the parent runs (from the loop, each then
  // one more trip into the pool's shared queue), jobs on the pool start them,
  // each job halving its range of children and queueing the other half for
  // a thief, down to runs of `grain_` started one after another. A child's
  // frame is made only when its worker is about to run it, so a gather of a
  // million small cpu calls holds a few frames at a time, not a million.
  // What it cannot change: every child is queued, none waits for another.
  bool spreads_on_cpu(std::size_t count) const {
    if constexpr (requires { children_.starts_on_cpu(); }) {
      if (limit_ != 0 || runtime_ == nullptr || !children_.starts_on_cpu()) return false;
      // Cpu tasks that run on the loop (a process-pool worker) start there.
      Executor* cpu = &runtime_->cpu();
      if (&runtime_->cpu_work() != cpu) return false;
      // On the pool already, a few children cost less pushed one by one.
      return executor_ != cpu || count > kSpreadFrom;
    }
    return false;
  }

  // A parent on the pool whose children are cpu tasks, with no limit: this
  // worker runs the children one after another, each started as the one
  // before it ends (lazy splitting: no queue round trip per child), while one
  // starter job in the pool's deque offers the rest to a thief, or to this
  // worker when a child waits. So the children of a skynet node cost one push
  // and one pop, not ten; and a thief that takes the starter shares the rest.
  bool runs_in_turn_on_cpu() const {
    if constexpr (requires { children_.starts_on_cpu(); }) {
      if (limit_ != 0 || runtime_ == nullptr || !children_.starts_on_cpu()) return false;
      Executor* cpu = &runtime_->cpu();
      return executor_ == cpu && &runtime_->cpu_work() == cpu;
    }
    return false;
  }

  std::coroutine_handle<> start_in_turn(std::size_t count) {
    in_turn_ = true;
    next_.store(0, std::memory_order_relaxed);
    // One extra count held while starting, as await_suspend does.
    remaining_.store(count + 1, std::memory_order_relaxed);
    std::size_t not_started = 0;
    std::coroutine_handle<> first = claim(not_started);
    if (first) offer_rest();
    std::size_t released = not_started + 1;
    // Nothing could start (stopped already, or out of memory): the parent goes on.
    if (remaining_.fetch_sub(released, std::memory_order_acq_rel) == released) return parent_;
    return first;
  }

  // The next child not yet started, prepared to run on this worker; null when
  // every child has been claimed. Children that may not start (the group is
  // stopped, or one cannot be made) are counted in `not_started`.
  std::coroutine_handle<> claim(std::size_t& not_started) noexcept {
    for (bool stopped = false;;) {
      std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
      if (index >= children_.size()) return {};
      if (mode_ != GroupMode::kSettle && stop_.stop_requested()) {
        if (!stopped) left_unstarted();
        stopped = true;
        ++not_started;
        continue;
      }
      if (prepared_or_failed(index, executor_)) return children_.handle(index);
      ++not_started;
    }
  }

  // Queues a starter when children are left to claim. A queued starter holds
  // the group open (one count in remaining_): it reads the group when it runs.
  void offer_rest() noexcept {
    if (next_.load(std::memory_order_relaxed) >= children_.size()) return;
    remaining_.fetch_add(1, std::memory_order_relaxed);
    try {
      runtime_->cpu().schedule(start_offered().handle);
    } catch (...) {
      // Out of memory for the job: the children left start as others end.
      remaining_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  // The starter: claims a child, offers the rest again, and runs the child.
  PoolJob start_offered() {
    std::size_t not_started = 0;
    std::coroutine_handle<> child = claim(not_started);
    if (child) offer_rest();
    std::size_t released = not_started + 1;  // and its own hold
    if (remaining_.fetch_sub(released, std::memory_order_acq_rel) == released) {
      // The last count: every child has ended, so there is none to run.
      resume_parent();
    } else if (child) {
      child.resume();  // the group may be gone once it returns
    }
    co_return;
  }

  void resume_parent() noexcept {
    if (executor_ == current_executor() && !stack_is_deep()) {
      parent_.resume();
    } else {
      executor_->schedule(parent_);
    }
  }

  std::coroutine_handle<> spread(std::size_t count) {
    CpuPool& cpu = runtime_->cpu();
    grain_ = std::max<std::size_t>(1, count / (std::size_t{cpu.size()} * 8));
    remaining_.store(count, std::memory_order_relaxed);
    PoolJob root = start_range(0, count);
    // The last use of `this` here: from now on the children may end the group.
    cpu.schedule(root.handle);
    return std::noop_coroutine();
  }

  // On a worker of the pool: starts children [begin, end).
  PoolJob start_range(std::size_t begin, std::size_t end) {
    CpuPool& cpu = runtime_->cpu();
    while (end - begin > grain_) {
      std::size_t middle = begin + (end - begin) / 2;
      try {
        cpu.schedule(start_range(middle, end).handle);
      } catch (...) {
        break;  // out of memory for the job: this one starts the rest itself
      }
      end = middle;
    }
    // Children not started count as done, all at once at the end: until then
    // the group cannot end under us.
    std::size_t not_started = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (mode_ != GroupMode::kSettle && stop_.stop_requested()) {
        if (not_started++ == 0) left_unstarted();
        continue;
      }
      if (!prepared_or_failed(i, &cpu)) {
        ++not_started;
        continue;
      }
      // The group may be gone once the last child returns here.
      children_.handle(i).resume();
    }
    if (not_started != 0 && remaining_.fetch_sub(not_started, std::memory_order_acq_rel) == not_started) {
      executor_->schedule(parent_);
    }
    co_return;
  }

  // A child is not started because the group was stopped: by a failure (the
  // group fails with it), a race's winner, or the parent's cancellation. In
  // the last case no child need have failed — those that ran may all have
  // finished without looking — and the group must not end as if every child
  // had given a value: it fails with CancelledError.
  void left_unstarted() noexcept {
    std::lock_guard lock(mutex_);
    if (!first_error_) first_error_ = std::make_exception_ptr(CancelledError("cancelled before it started"));
  }

  // Prepares a child that starts on `executor`; a child that cannot be made
  // (out of memory) fails, as if it had run. Returns whether it was prepared.
  bool prepared_or_failed(std::size_t index, Executor* executor) noexcept {
    try {
      prepare(index, executor);
      return true;
    } catch (...) {
      std::exception_ptr error = std::current_exception();
      if constexpr (requires { children_.not_made(index, error); }) children_.not_made(index, error);
      std::lock_guard lock(mutex_);
      if (!first_error_) first_error_ = error;
      if (mode_ != GroupMode::kSettle) stop_.request_stop();
      return false;
    }
  }

  // Starts a child as another finishes. Children made only now (lazily) can
  // fail to be made (out of memory): that child fails, as if it had run.
  // Returns whether it started.
  bool start(std::size_t index) noexcept {
    if (!prepared_or_failed(index, executor_)) return false;
    executor_->schedule(children_.handle(index));
    return true;
  }

  std::coroutine_handle<> on_child_done(PromiseBase& child) noexcept override {
    std::size_t done = child.group_index();
    if (child.failed()) {
      std::lock_guard lock(mutex_);
      if (!first_error_) first_error_ = child.error();
      if (mode_ == GroupMode::kFailFast) stop_.request_stop();
    } else if (mode_ == GroupMode::kRace) {
      std::lock_guard lock(mutex_);
      if (!winner_) {
        winner_ = done;
        stop_.request_stop();
      }
    }
    // Children that keep only their results free the finished child's frame
    // now (its locals and arguments with it), not when the whole group ends.
    // The child is suspended for good: nothing touches its frame after this.
    if constexpr (requires { children_.finished(done, child); }) children_.finished(done, child);
    // With a limit, a finished child makes room for the next one. After a
    // fail-fast failure the rest are not started at all.
    std::size_t finished = 1;
    // Children in turn: the next one is claimed as this one ends.
    std::coroutine_handle<> next = in_turn_ ? claim(finished) : std::coroutine_handle<>();
    while (limit_ != 0) {
      std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
      if (index >= children_.size()) break;
      if (mode_ == GroupMode::kSettle || !stop_.stop_requested()) {
        if (start(index)) break;
      } else {
        left_unstarted();
      }
      ++finished;  // not started (or not made): it counts as done
    }
    if (progress_) progress_->advance();
    if (next && executor_ == current_executor() && !stack_is_deep()) {
      // It runs here, now. It has not ended, so the count cannot reach zero.
      remaining_.fetch_sub(finished, std::memory_order_acq_rel);
      return next;
    }
    if (next) executor_->schedule(next);  // not on a worker, or the stack is deep
    // The last access to `this`: once the count reaches zero the parent may
    // resume and destroy the group.
    if (remaining_.fetch_sub(finished, std::memory_order_acq_rel) != finished) return std::noop_coroutine();
    if (executor_ == current_executor()) return parent_;
    executor_->schedule(parent_);
    return std::noop_coroutine();
  }

  // Below this many children, a parent on the pool queues them itself.
  static constexpr std::size_t kSpreadFrom = 64;
  static constexpr std::size_t kScheduleBatch = 32;

  Children& children_;
  const std::size_t limit_;
  std::size_t grain_ = 1;
  bool in_turn_ = false;  // children started one after another (start_in_turn)
  const GroupMode mode_;
  const char* const progress_label_;
  std::unique_ptr<ProgressBar> progress_;
  std::coroutine_handle<> parent_;
  Runtime* runtime_ = nullptr;
  TaskNode* node_ = nullptr;  // the parent's call: its children's parent in the task tree
  Executor* executor_ = nullptr;
  std::stop_source stop_;
  // The children's token: they point at it (Context::stop), so it lives here.
  const std::stop_token token_ = stop_.get_token();
  std::optional<std::stop_callback<ForwardStop>> parent_link_;
  std::atomic<std::size_t> remaining_{0};
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;
  std::exception_ptr first_error_;     // guarded by mutex_
  std::optional<std::size_t> winner_;  // guarded by mutex_
};

template <typename... T>
struct TupleChildren {
  std::tuple<Task<T>...>& tasks;
  std::array<PromiseBase*, sizeof...(T)> promises;
  std::array<std::coroutine_handle<>, sizeof...(T)> handles;

  explicit TupleChildren(std::tuple<Task<T>...>& t) : tasks(t) {
    std::size_t i = 0;
    std::apply([&](auto&... task) { ((promises[i] = &task.handle().promise(), handles[i] = task.handle(), ++i), ...); },
               tasks);
  }
  std::size_t size() const noexcept { return sizeof...(T); }
  PromiseBase& promise(std::size_t i) noexcept { return *promises[i]; }
  std::coroutine_handle<> handle(std::size_t i) noexcept { return handles[i]; }
};

template <typename T>
using ValueOf = std::conditional_t<std::is_void_v<T>, Unit, T>;

template <typename T>
ValueOf<T> take_value(Task<T>& task) {
  if constexpr (std::is_void_v<T>) {
    task.take_result();
    return Unit{};
  } else {
    return task.take_result();
  }
}

template <typename T>
Result<ValueOf<T>> take_settled(Task<T>& task) {
  const std::exception_ptr& error = task.handle().promise().error();
  if (error) return Result<ValueOf<T>>::failure(error);
  return Result<ValueOf<T>>::success(take_value(task));
}

// The children of a gather or race over a vector of tasks. Each finished
// child's outcome is moved out and its frame freed at once: a gather with a
// limit holds the frames of its running children, not of every child that
// ran (a .task body's frame keeps its locals until it is freed).
template <typename T>
class FinishingChildren {
 public:
  // `keep_errors`: remember each child's failure (gather_settled).
  FinishingChildren(std::vector<Task<T>>& tasks, bool keep_errors)
      : tasks_(tasks), values_(tasks.size()), errors_(keep_errors ? tasks.size() : 0) {}

  std::size_t size() const noexcept { return tasks_.size(); }
  PromiseBase& promise(std::size_t i) noexcept { return tasks_[i].handle().promise(); }
  std::coroutine_handle<> handle(std::size_t i) noexcept { return tasks_[i].handle(); }

  // Called by the group on the thread where child `i` finished; each child
  // touches only its own elements, which are all made up front.
  void finished(std::size_t i, PromiseBase& child) noexcept {
    if (child.failed()) {
      if (!errors_.empty()) errors_[i] = child.error();
    } else {
      values_[i].emplace(take_value(tasks_[i]));
    }
    tasks_[i] = Task<T>();
  }
  // A child made only as it starts (CallChildren) could not be made.
  void not_made(std::size_t i, std::exception_ptr error) noexcept {
    if (!errors_.empty()) errors_[i] = std::move(error);
  }

  // After the group: child i's value (it succeeded), or its failure.
  ValueOf<T> take(std::size_t i) { return std::move(*values_[i]); }
  Result<ValueOf<T>> take_settled(std::size_t i) {
    if (errors_[i]) return Result<ValueOf<T>>::failure(errors_[i]);
    return Result<ValueOf<T>>::success(take(i));
  }

 private:
  std::vector<Task<T>>& tasks_;
  std::vector<std::optional<ValueOf<T>>> values_;
  std::vector<std::exception_ptr> errors_;
};

// After a gather that did not fail: every child's value, in order.
template <typename T>
std::vector<T> values_of(FinishingChildren<T>& children) {
  std::vector<T> results;
  results.reserve(children.size());
  for (std::size_t i = 0; i < children.size(); ++i) results.push_back(children.take(i));
  return results;
}

// After a gather_settled: every child's outcome, in order.
template <typename T>
std::vector<Result<ValueOf<T>>> settled_of(FinishingChildren<T>& children) {
  std::vector<Result<ValueOf<T>>> results;
  results.reserve(children.size());
  for (std::size_t i = 0; i < children.size(); ++i) results.push_back(children.take_settled(i));
  return results;
}

}  // namespace detail

// One concurrent child per task, results in input order; fail-fast. With a
// `progress_label`, a large gather draws a progress bar (RuntimeOptions::progress).
template <typename T>
Task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> gather(std::vector<Task<T>> tasks,
                                                                         std::size_t limit = 0,
                                                                         const char* progress_label = nullptr) {
  detail::FinishingChildren<T> children(tasks, false);
  detail::TaskGroup group(children, limit, detail::GroupMode::kFailFast, progress_label);
  co_await group;
  if (group.first_error()) std::rethrow_exception(group.first_error());
  if constexpr (std::is_void_v<T>) {
    co_return;
  } else {
    co_return detail::values_of(children);
  }
}

// As gather, but never fails fast: each result is a Result.
template <typename T>
Task<std::vector<Result<detail::ValueOf<T>>>> gather_settled(std::vector<Task<T>> tasks, std::size_t limit = 0,
                                                             const char* progress_label = nullptr) {
  detail::FinishingChildren<T> children(tasks, true);
  detail::TaskGroup group(children, limit, detail::GroupMode::kSettle, progress_label);
  co_await group;
  co_return detail::settled_of(children);
}

// gather(a, b, c): a tuple of the results (Unit for tasks returning nothing).
template <typename... T>
Task<std::tuple<detail::ValueOf<T>...>> gather(Task<T>... tasks) {
  std::tuple<Task<T>...> owned(std::move(tasks)...);
  detail::TupleChildren<T...> children(owned);
  detail::TaskGroup group(children, 0, detail::GroupMode::kFailFast);
  co_await group;
  if (group.first_error()) std::rethrow_exception(group.first_error());
  co_return std::apply([](auto&... task) { return std::tuple<detail::ValueOf<T>...>(detail::take_value(task)...); },
                       owned);
}

// gather(a, b, c)'s results without the Units of the tasks that return
// nothing: a tuple of the others, or the one value itself (a producer
// gathered beside its consumer).
template <typename... T>
auto results_only(std::tuple<T...> all) {
  auto kept = std::apply(
      [](auto&... value) {
        auto keep = [](auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, Unit>) {
            return std::tuple<>();
          } else {
            return std::tuple<std::decay_t<decltype(v)>>(std::move(v));
          }
        };
        return std::tuple_cat(keep(value)...);
      },
      all);
  if constexpr (std::tuple_size_v<decltype(kept)> == 1) {
    return std::get<0>(std::move(kept));
  } else {
    return kept;
  }
}

template <typename... T>
Task<std::tuple<Result<detail::ValueOf<T>>...>> gather_settled(Task<T>... tasks) {
  std::tuple<Task<T>...> owned(std::move(tasks)...);
  detail::TupleChildren<T...> children(owned);
  detail::TaskGroup group(children, 0, detail::GroupMode::kSettle);
  co_await group;
  co_return std::apply(
      [](auto&... task) { return std::tuple<Result<detail::ValueOf<T>>...>(detail::take_settled(task)...); }, owned);
}

// The first task to succeed wins; the others are cancelled and awaited (or,
// with a limit, never started). Fails with the first failure if all fail.
template <typename T>
Task<T> race(std::vector<Task<T>> tasks, std::size_t limit = 0) {
  if (tasks.empty()) throw FailedError("race of no tasks");
  detail::FinishingChildren<T> children(tasks, false);
  detail::TaskGroup group(children, limit, detail::GroupMode::kRace);
  co_await group;
  if (!group.winner()) std::rethrow_exception(group.first_error());
  if constexpr (std::is_void_v<T>) {
    co_return;
  } else {
    co_return children.take(*group.winner());
  }
}

template <typename T, typename... More>
Task<T> race(Task<T> first, More... more) {
  std::vector<Task<T>> tasks;
  tasks.push_back(std::move(first));
  (tasks.push_back(std::move(more)), ...);
  co_return co_await race(std::move(tasks));
}

}  // namespace taskrt
