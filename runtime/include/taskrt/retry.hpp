// retry: runs attempts of a task until one succeeds, the attempts run out, or
// an attempt fails with a kind the policy does not retry. Between attempts it
// sleeps for the backoff, doubled after each failure, with jitter (±50%) so
// that many retrying tasks do not hammer a server in step. Cancellation is
// never retried and interrupts the backoff sleep.
#pragma once

#include <cstdint>
#include <exception>
#include <type_traits>

#include "taskrt/sleep.hpp"

namespace taskrt {

struct RetryPolicy {
  // Attempts after the first.
  std::int64_t extra_attempts = 0;
  Clock::duration backoff{0};
  ErrorKindSet retry_on = kRetryableByDefault;
};

namespace detail {
// A factor in [0.5, 1.5) from a per-thread xorshift generator.
double jitter_factor() noexcept;
}  // namespace detail

// `make_attempt(n)` builds attempt n (1-based) as a Task.
template <typename MakeAttempt>
auto retry(RetryPolicy policy, MakeAttempt make_attempt) -> decltype(make_attempt(1)) {
  using Value = typename decltype(make_attempt(1))::value_type;
  Context& context = co_await current_context();
  Clock::duration backoff = policy.backoff;
  for (std::int64_t attempt = 1;; ++attempt) {
    std::exception_ptr error;
    try {
      if constexpr (std::is_void_v<Value>) {
        co_await make_attempt(attempt);
        co_return;
      } else {
        co_return co_await make_attempt(attempt);
      }
    } catch (...) {
      error = std::current_exception();
    }
    ErrorKind kind = kind_of(error);
    bool retryable = kind != ErrorKind::kCancelled && (policy.retry_on & kind_bit(kind)) != 0;
    if (attempt > policy.extra_attempts || !retryable || context.cancelled()) std::rethrow_exception(error);
    if (backoff.count() > 0) {
      co_await sleep(std::chrono::duration_cast<Clock::duration>(backoff * detail::jitter_factor()));
      backoff *= 2;
    }
  }
}

}  // namespace taskrt
