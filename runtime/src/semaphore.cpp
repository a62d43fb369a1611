#include "taskrt/semaphore.hpp"

namespace taskrt {

bool Semaphore::try_acquire(std::int64_t count) noexcept {
  std::lock_guard lock(mutex_);
  if (head_ != nullptr || permits_ < count) return false;
  permits_ -= count;
  return true;
}

std::int64_t Semaphore::available() const noexcept {
  std::lock_guard lock(mutex_);
  return permits_;
}

std::size_t Semaphore::waiting() const noexcept {
  std::lock_guard lock(mutex_);
  return waiting_;
}

bool Semaphore::enqueue(AcquireAwaiter* waiter) {
  std::lock_guard lock(mutex_);
  // The permits may have been freed since await_ready looked.
  if (head_ == nullptr && permits_ >= waiter->count_) {
    permits_ -= waiter->count_;
    waiter->state_ = AcquireAwaiter::State::kGranted;
    return false;
  }
  waiter->previous_ = tail_;
  waiter->next_ = nullptr;
  (tail_ ? tail_->next_ : head_) = waiter;
  tail_ = waiter;
  ++waiting_;
  return true;
}

bool Semaphore::finish_arming(AcquireAwaiter* waiter) {
  std::lock_guard lock(mutex_);
  waiter->arming_ = false;
  // Granted or cancelled while we registered the stop callback: resume now.
  return waiter->state_ == AcquireAwaiter::State::kQueued;
}

void Semaphore::unlink(AcquireAwaiter* waiter) noexcept {
  (waiter->previous_ ? waiter->previous_->next_ : head_) = waiter->next_;
  (waiter->next_ ? waiter->next_->previous_ : tail_) = waiter->previous_;
  waiter->next_ = waiter->previous_ = nullptr;
  --waiting_;
}

void Semaphore::release(std::int64_t count) noexcept {
  std::unique_lock lock(mutex_);
  permits_ += count;
  // Strict FIFO: grant from the head while the head fits.
  while (head_ != nullptr && permits_ >= head_->count_) {
    AcquireAwaiter* waiter = head_;
    permits_ -= waiter->count_;
    unlink(waiter);
    waiter->state_ = AcquireAwaiter::State::kGranted;
    if (!waiter->arming_) waiter->executor_->schedule(waiter->handle_);
  }
}

void Semaphore::cancel(AcquireAwaiter* waiter) noexcept {
  std::lock_guard lock(mutex_);
  if (waiter->state_ != AcquireAwaiter::State::kQueued) return;
  bool was_head = waiter == head_;
  unlink(waiter);
  waiter->state_ = AcquireAwaiter::State::kCancelled;
  if (!waiter->arming_) waiter->executor_->schedule(waiter->handle_);
  // A large request leaving the head may unblock the smaller ones behind it.
  while (was_head && head_ != nullptr && permits_ >= head_->count_) {
    AcquireAwaiter* next = head_;
    permits_ -= next->count_;
    unlink(next);
    next->state_ = AcquireAwaiter::State::kGranted;
    if (!next->arming_) next->executor_->schedule(next->handle_);
  }
}

}  // namespace taskrt
