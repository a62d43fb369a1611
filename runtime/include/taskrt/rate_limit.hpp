// RateLimit: a program-wide token bucket (`ratelimit api = 10 per 1s`, §8 of
// the language). It holds at most `count` tokens (the burst) and gains one
// every period/count; each call takes one. Waiters are served in arrival
// order (a later waiter never takes a token an earlier one is waiting for),
// and a waiter cancelled while it waits takes none.
//
// Waiting is sleeping on the event loop's timers until the waiter's token is
// due, so it works from any executor and never blocks a thread.
//
// Thread-safe. The RateLimit must outlive its waiters.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>

#include "taskrt/task.hpp"
#include "taskrt/time.hpp"

namespace taskrt {

class RateLimit {
 public:
  RateLimit(std::int64_t count, Duration period) noexcept;
  RateLimit(const RateLimit&) = delete;
  RateLimit& operator=(const RateLimit&) = delete;

  // Waits for a token and takes it. Throws CancelledError if cancelled first.
  Task<void> acquire();
  // Takes a token if one is at hand and nobody waits for it.
  bool try_acquire();

  // A full bucket of `count` tokens per period from now on (`--limit api=50`).
  void reset(std::int64_t count) noexcept;

  std::int64_t count() const noexcept;
  Duration period() const noexcept { return period_; }

 private:
  struct Ticket;
  // Under the lock: tokens gained since the last refill, up to the burst.
  void refill(Clock::time_point now);
  // Under the lock: the ticket leaves the queue (it was served or gave up).
  void leave(std::uint64_t ticket);
  // Under the lock: how many live waiters are ahead of `ticket`.
  std::uint64_t ahead_of(std::uint64_t ticket) const;

  mutable std::mutex mutex_;
  std::int64_t count_;
  const Duration period_;
  double tokens_;
  Clock::time_point refilled_;
  // Waiters hold tickets in arrival order; head_ is the first still waiting
  // and next_ the one the next waiter gets. Tickets that gave up while
  // others were ahead of them are skipped when the head reaches them.
  std::uint64_t head_ = 0;
  std::uint64_t next_ = 0;
  std::set<std::uint64_t> gone_;
};

}  // namespace taskrt
