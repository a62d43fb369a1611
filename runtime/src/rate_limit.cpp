#include "taskrt/rate_limit.hpp"

#include <algorithm>
#include <chrono>

#include "taskrt/sleep.hpp"

namespace taskrt {
namespace {

// A waiter whose token is due sooner than this takes it after one short
// sleep rather than spinning.
constexpr Duration kShortestWait = std::chrono::microseconds(50);

}  // namespace

// A waiter's place in the queue; leaving it on every way out (served,
// cancelled, failed) is what keeps a cancelled waiter from taking a token.
struct RateLimit::Ticket {
  RateLimit& limit;
  std::uint64_t number;
  ~Ticket() {
    std::lock_guard lock(limit.mutex_);
    limit.leave(number);
  }
};

RateLimit::RateLimit(std::int64_t count, Duration period) noexcept
    : count_(count), period_(period), tokens_(static_cast<double>(count)), refilled_(Clock::now()) {}

std::int64_t RateLimit::count() const noexcept {
  std::lock_guard lock(mutex_);
  return count_;
}

void RateLimit::reset(std::int64_t count) noexcept {
  std::lock_guard lock(mutex_);
  count_ = count;
  tokens_ = static_cast<double>(count);
  refilled_ = Clock::now();
}

void RateLimit::refill(Clock::time_point now) {
  if (now <= refilled_) return;
  double gained = std::chrono::duration<double>(now - refilled_) / std::chrono::duration<double>(period_) *
                  static_cast<double>(count_);
  tokens_ = std::min(static_cast<double>(count_), tokens_ + gained);
  refilled_ = now;
}

void RateLimit::leave(std::uint64_t ticket) {
  if (ticket != head_) {
    gone_.insert(ticket);
    return;
  }
  ++head_;
  while (!gone_.empty() && *gone_.begin() == head_) {
    gone_.erase(gone_.begin());
    ++head_;
  }
}

std::uint64_t RateLimit::ahead_of(std::uint64_t ticket) const {
  // Tickets between the head and this one, less those that gave up.
  auto gone_ahead = static_cast<std::uint64_t>(std::distance(gone_.begin(), gone_.lower_bound(ticket)));
  return ticket - head_ - gone_ahead;
}

bool RateLimit::try_acquire() {
  std::lock_guard lock(mutex_);
  refill(Clock::now());
  if (head_ != next_ || tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

Task<void> RateLimit::acquire() {
  std::unique_lock lock(mutex_);
  refill(Clock::now());
  if (head_ == next_ && tokens_ >= 1) {  // nobody waiting, a token at hand
    tokens_ -= 1;
    co_return;
  }
  Ticket ticket{*this, next_++};
  for (;;) {
    refill(Clock::now());
    std::uint64_t ahead = ahead_of(ticket.number);
    if (ahead == 0 && tokens_ >= 1) {
      tokens_ -= 1;
      lock.unlock();  // the ticket leaves the queue under the lock, as it goes
      co_return;
    }
    // Sleep until enough tokens have come for this waiter and those ahead;
    // a cancelled waiter ahead only makes the next look come early.
    double missing = static_cast<double>(ahead + 1) - tokens_;
    auto wait = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(period_) * missing /
                                                     static_cast<double>(count_));
    lock.unlock();
    co_await sleep(std::max(wait, kShortestWait));
    lock.lock();
  }
}

}  // namespace taskrt
