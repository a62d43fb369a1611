// The clauses of a task (`uses` a semaphore and a rate limit, `timeout`, `retry`) and with_clauses(),
// which applies them around each call. Suspends; fails as the call does, or
// with Timeout.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "taskrt/rate_limit.hpp"
#include "taskrt/retry.hpp"
#include "taskrt/semaphore.hpp"
#include "taskrt/time.hpp"
#include "taskrt/timeout.hpp"

namespace taskrt {

// The clauses of a task, applied around each call.
struct TaskClauses {
  Semaphore* semaphore = nullptr;
  std::int64_t permits = 1;
  // Names the semaphore's wait in a deadlock report (ParkedWait::site).
  const char* semaphore_site = nullptr;
  RateLimit* rate_limit = nullptr;
  std::optional<Duration> timeout;
  std::optional<RetryPolicy> retry;
};

namespace detail {

template <typename MakeAttempt>
using AttemptTask = decltype(std::declval<MakeAttempt&>()(std::int64_t{1}));

// One attempt: hold the permits, then take a token (so that the call starts
// as the token is taken), then run under the timeout.
template <typename MakeAttempt>
AttemptTask<MakeAttempt> one_attempt(const TaskClauses& clauses, MakeAttempt& make_attempt, std::int64_t attempt) {
  std::optional<Semaphore::Permit> permit;
  if (clauses.semaphore != nullptr)
    permit.emplace(co_await clauses.semaphore->acquire(clauses.permits, clauses.semaphore_site));
  if (clauses.rate_limit != nullptr) co_await clauses.rate_limit->acquire();
  auto work = make_attempt(attempt);
  if (clauses.timeout) {
    co_return co_await with_timeout(*clauses.timeout, std::move(work));
  } else {
    co_return co_await std::move(work);
  }
}

}  // namespace detail

// Runs `make_attempt(n)` under the clauses: each attempt holds the permits and
// is timed out on its own; failed attempts are retried per the policy.
template <typename MakeAttempt>
detail::AttemptTask<MakeAttempt> with_clauses(TaskClauses clauses, MakeAttempt make_attempt) {
  if (!clauses.retry) co_return co_await detail::one_attempt(clauses, make_attempt, 1);
  auto attempt_fn = [&](std::int64_t attempt) { return detail::one_attempt(clauses, make_attempt, attempt); };
  co_return co_await retry(*clauses.retry, attempt_fn);
}

}  // namespace taskrt
