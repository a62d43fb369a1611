// `gather CALL for x in xs`: one task per element, gathered. The tasks are
// made when it is called; awaiting the result runs them (gather.hpp).
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "taskrt/error.hpp"
#include "taskrt/gather.hpp"
#include "taskrt/process_pool.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt {

namespace detail {
// One task per element. `make` must outlive the tasks: a coroutine lambda's
// tasks refer to the lambda object itself.
template <typename Iterable, typename Make>
auto tasks_for_each(const Iterable& items, Make& make) {
  std::vector<decltype(make(*std::begin(items)))> tasks;
  tasks.reserve(std::size(items));
  for (const auto& item : items) tasks.push_back(make(item));
  return tasks;
}
// The calls of `gather f(…) for x in xs` when f is a cpu task without
// clauses: every call's arguments are evaluated up front, in order, before
// any call runs (as for every gather), but a call's task is made from them
// only when it starts — on the worker that runs it, TaskGroup's spread, for
// the CPU pool — and freed when it ends: a million calls never hold a
// million frames at once.
template <typename T, typename... P>
class CallChildren : public FinishingChildren<T> {
 public:
  using Call = Task<T> (*)(P...);

  // `tasks`: as many empty tasks as there are calls. `on_cpu`: each call's
  // task moves to the CPU pool first (false: it runs `in process`).
  CallChildren(std::vector<Task<T>>& tasks, std::vector<std::tuple<P...>>& arguments, Call call, bool on_cpu,
               bool keep_errors)
      : FinishingChildren<T>(tasks, keep_errors), tasks_(tasks), arguments_(arguments), call_(call), on_cpu_(on_cpu) {}

  bool starts_on_cpu() const noexcept { return on_cpu_; }
  PromiseBase& promise(std::size_t i) {
    if (!tasks_[i].valid()) tasks_[i] = std::apply(call_, std::move(arguments_[i]));
    return tasks_[i].handle().promise();
  }

 private:
  std::vector<Task<T>>& tasks_;
  std::vector<std::tuple<P...>>& arguments_;
  Call call_;
  bool on_cpu_;
};

template <typename... P, typename Iterable, typename Arguments>
std::vector<std::tuple<P...>> arguments_for_each(const Iterable& items, Arguments& arguments_of) {
  std::vector<std::tuple<P...>> all;
  all.reserve(std::size(items));
  for (const auto& item : items) all.emplace_back(arguments_of(item));
  return all;
}

// A limit as generated code passes it (below 0: none) as a group's width
// (0: all at once).
inline std::size_t width_of(std::int64_t limit) {
  return limit < 0 ? 0 : static_cast<std::size_t>(limit);
}

template <typename T>
using GatheredValues = std::conditional_t<std::is_void_v<T>, void, std::vector<T>>;

template <typename T, typename... P>
Task<GatheredValues<T>> gather_calls(std::vector<std::tuple<P...>> arguments, Task<T> (*call)(P...), std::size_t limit,
                                     const char* label, bool in_process) {
  std::vector<Task<T>> tasks(arguments.size());
  if (in_process && !tasks.empty()) {
    Context& context = co_await current_context();
    limit = context.runtime->in_process().call_window(limit);
  }
  CallChildren<T, P...> children(tasks, arguments, call, !in_process, false);
  TaskGroup group(children, limit, GroupMode::kFailFast, label);
  co_await group;
  if (group.first_error()) std::rethrow_exception(group.first_error());
  if constexpr (std::is_void_v<T>) {
    co_return;
  } else {
    co_return values_of(children);
  }
}

template <typename T, typename... P>
Task<std::vector<Result<ValueOf<T>>>> gather_calls_settled(std::vector<std::tuple<P...>> arguments,
                                                           Task<T> (*call)(P...), std::size_t limit, const char* label,
                                                           bool in_process) {
  std::vector<Task<T>> tasks(arguments.size());
  if (in_process && !tasks.empty()) {
    Context& context = co_await current_context();
    limit = context.runtime->in_process().call_window(limit);
  }
  CallChildren<T, P...> children(tasks, arguments, call, !in_process, true);
  TaskGroup group(children, limit, GroupMode::kSettle, label);
  co_await group;
  co_return settled_of(children);
}

}  // namespace detail

// `limit n`: at most n at once, n at least 1 (0 and below would mean "all at
// once" to gather(), the opposite of what a limit asks).
inline std::int64_t gather_limit(std::int64_t n) {
  if (n < 1) throw FailedError("a gather's limit must be at least 1, not " + std::to_string(n));
  return n;
}

// `gather CALL for x in xs [limit n]`: make(x) gives each element's Task.
// `label` names the gather on a progress bar (--progress). Not a coroutine
// itself: the tasks are made here and the gather runs them.
template <typename Iterable, typename Make>
auto gather_each(const Iterable& items, Make& make, std::int64_t limit, const char* label = "gather") {
  return gather(detail::tasks_for_each(items, make), detail::width_of(limit), label);
}

// `race CALL for x in xs [limit n]`: the first call to succeed among many.
template <typename Iterable, typename Make>
auto race_each(const Iterable& items, Make& make, std::int64_t limit) {
  auto tasks = detail::tasks_for_each(items, make);
  if (tasks.empty()) throw FailedError("race … for x in xs: xs is empty, so no call can win");
  return race(std::move(tasks), detail::width_of(limit));
}

template <typename Iterable, typename Make>
auto gather_each_settled(const Iterable& items, Make& make, std::int64_t limit, const char* label = "gather") {
  return gather_settled(detail::tasks_for_each(items, make), detail::width_of(limit), label);
}

// `gather f(…) for x in xs [limit n]` where f is a cpu task without clauses:
// `arguments_of(x)` gives a tuple of one call's arguments. As gather_each,
// but each call's task is made only when it starts (CallChildren).
template <typename Iterable, typename Arguments, typename T, typename... P>
auto gather_cpu_calls(const Iterable& items, Arguments& arguments_of, Task<T> (*call)(P...), std::int64_t limit,
                      const char* label = "gather") {
  return detail::gather_calls(detail::arguments_for_each<P...>(items, arguments_of), call, detail::width_of(limit),
                              label, false);
}

template <typename Iterable, typename Arguments, typename T, typename... P>
auto gather_cpu_calls_settled(const Iterable& items, Arguments& arguments_of, Task<T> (*call)(P...), std::int64_t limit,
                              const char* label = "gather") {
  return detail::gather_calls_settled(detail::arguments_for_each<P...>(items, arguments_of), call,
                                      detail::width_of(limit), label, false);
}

// The same for an `in process` cpu task without clauses: no more calls are
// made at once than the workers can queue (ProcessPool::call_window).
template <typename Iterable, typename Arguments, typename T, typename... P>
auto gather_process_calls(const Iterable& items, Arguments& arguments_of, Task<T> (*call)(P...), std::int64_t limit,
                          const char* label = "gather") {
  return detail::gather_calls(detail::arguments_for_each<P...>(items, arguments_of), call, detail::width_of(limit),
                              label, true);
}

template <typename Iterable, typename Arguments, typename T, typename... P>
auto gather_process_calls_settled(const Iterable& items, Arguments& arguments_of, Task<T> (*call)(P...),
                                  std::int64_t limit, const char* label = "gather") {
  return detail::gather_calls_settled(detail::arguments_for_each<P...>(items, arguments_of), call,
                                      detail::width_of(limit), label, true);
}

}  // namespace taskrt
