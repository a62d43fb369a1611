// gather_queue: `gather CALL for x in ch [limit n]` over a channel, the work
// queue whose calls add work (a crawler: each page's call sends the links it
// found). One call per value taken from the channel, at most `limit` at once;
// the gather ends when the channel is empty and none of its calls is running
// (nothing is left that could add work: Python's Queue.join(), without the
// hand-kept task_done() count), and the channel is closed then. Results come
// in the order the calls started. Fail-fast like gather: the first failure
// cancels the running calls, starts no more, and is rethrown once they have
// finished; gather_queue_settled gives a Result per call instead.
//
// It is the as-completed stream over the queue (as_completed.hpp), with the
// results put back in starting order. The channel must be unbounded: calls
// that add work to a full channel would wait for room that only their own
// finishing frees.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "taskrt/as_completed.hpp"
#include "taskrt/channel.hpp"
#include "taskrt/task.hpp"

namespace taskrt {
namespace detail {

// Every result of a stream, in the order its calls started; rethrows the
// stream's failure once its calls have finished.
template <typename Stream>
Task<std::vector<typename Stream::Item>> in_start_order(Stream& stream) {
  std::vector<std::optional<typename Stream::Item>> started;
  std::exception_ptr failure;
  try {
    while (auto item = co_await stream.next()) {
      if (started.size() <= stream.given()) started.resize(stream.given() + 1);
      started[stream.given()] = std::move(*item);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  co_await stream.finish(failure);
  std::vector<typename Stream::Item> results;
  results.reserve(started.size());
  for (auto& result : started) results.push_back(std::move(*result));
  co_return results;
}

}  // namespace detail

// `gather CALL for x in ch [limit n]`: fail-fast.
template <typename T, typename Make, typename R = typename detail::CallOf<Make, T>::value_type>
Task<std::conditional_t<std::is_void_v<R>, void, std::vector<R>>> gather_queue(Channel<T> queue, Make& make,
                                                                               std::int64_t limit,
                                                                               const char* /*label*/ = "gather") {
  auto stream = as_completed(std::move(queue), make, limit);
  auto results = co_await detail::in_start_order(stream);
  if constexpr (std::is_void_v<R>) {
    co_return;
  } else {
    co_return results;
  }
}

// As gather_queue, but never fails fast: each result is a Result.
template <typename T, typename Make, typename R = typename detail::CallOf<Make, T>::value_type>
Task<std::vector<Result<detail::ValueOf<R>>>> gather_queue_settled(Channel<T> queue, Make& make, std::int64_t limit,
                                                                   const char* /*label*/ = "gather") {
  auto stream = as_completed_settled(std::move(queue), make, limit);
  co_return co_await detail::in_start_order(stream);
}

}  // namespace taskrt
