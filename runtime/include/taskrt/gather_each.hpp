// `gather CALL for x in xs`: one task per element, gathered. The tasks are
// made when it is called; awaiting the result runs them (gather.hpp).
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "taskrt/error.hpp"
#include "taskrt/gather.hpp"

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
  return gather(detail::tasks_for_each(items, make), static_cast<std::size_t>(limit < 0 ? 0 : limit), label);
}

// `race CALL for x in xs [limit n]`: the first call to succeed among many.
template <typename Iterable, typename Make>
auto race_each(const Iterable& items, Make& make, std::int64_t limit) {
  auto tasks = detail::tasks_for_each(items, make);
  if (tasks.empty()) throw FailedError("race … for x in xs: xs is empty, so no call can win");
  return race(std::move(tasks), static_cast<std::size_t>(limit < 0 ? 0 : limit));
}

template <typename Iterable, typename Make>
auto gather_each_settled(const Iterable& items, Make& make, std::int64_t limit, const char* label = "gather") {
  return gather_settled(detail::tasks_for_each(items, make), static_cast<std::size_t>(limit < 0 ? 0 : limit), label);
}

}  // namespace taskrt
