// Semaphore: an awaitable counting semaphore, fair (strict FIFO: a waiter is
// never overtaken, not even by one that needs fewer permits) and safe under
// cancellation: a cancelled waiter leaves the queue, and one cancelled just as
// it was granted its permits gives them back. Permits are held by a RAII
// Permit, so they are returned on success, error and cancellation alike.
//
// Thread-safe: acquire from coroutines on any executor, release from any
// thread. The Semaphore must outlive its waiters and permits.
#pragma once

#include <coroutine>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

#include "taskrt/parked_waits.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

class Semaphore {
 public:
  explicit Semaphore(std::int64_t permits) noexcept : permits_(permits) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  // Holds permits until destroyed or released.
  class [[nodiscard]] Permit {
   public:
    Permit() noexcept = default;
    Permit(Semaphore* owner, std::int64_t count) noexcept : owner_(owner), count_(count) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), count_(other.count_) {}
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        count_ = other.count_;
      }
      return *this;
    }
    ~Permit() { release(); }
    void release() noexcept {
      if (owner_ != nullptr) std::exchange(owner_, nullptr)->release(count_);
    }
    bool held() const noexcept { return owner_ != nullptr; }

   private:
    Semaphore* owner_ = nullptr;
    std::int64_t count_ = 0;
  };

  class [[nodiscard]] AcquireAwaiter {
   public:
    // `site` and `state` describe the wait in a deadlock report (ParkedWait).
    AcquireAwaiter(Semaphore& semaphore, std::int64_t count, const char* site, const char* state) noexcept
        : semaphore_(semaphore), count_(count), site_(site), state_text_(state) {}
    AcquireAwaiter(const AcquireAwaiter&) = delete;

    bool await_ready() noexcept { return semaphore_.try_acquire(count_); }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) {
      Context& context = handle.promise().context();
      handle_ = handle;
      executor_ = context.executor;
      stop_ = context.stop_token();
      if (!semaphore_.enqueue(this)) return false;  // granted while queueing
      parking_.enter(context, site_, state_text_);
      on_stop_.emplace(context.stop_token(), StopHandler{this});
      return semaphore_.finish_arming(this);
    }

    Permit await_resume() {
      on_stop_.reset();
      parking_.leave();
      if (state_ == State::kCancelled) throw CancelledError("cancelled while waiting for a semaphore");
      Permit permit(&semaphore_, count_);
      // Cancelled just as the permits arrived: give them back, do not run.
      if (stopped()) {
        permit.release();
        throw CancelledError("cancelled while waiting for a semaphore");
      }
      return permit;
    }

   private:
    friend class Semaphore;
    enum class State { kQueued, kGranted, kCancelled };
    struct StopHandler {
      AcquireAwaiter* self;
      void operator()() const noexcept { self->semaphore_.cancel(self); }
    };
    bool stopped() const noexcept { return stop_.stop_requested(); }

    Semaphore& semaphore_;
    const std::int64_t count_;
    const char* const site_;
    const char* const state_text_;
    Parking parking_;
    std::coroutine_handle<> handle_;
    Executor* executor_ = nullptr;
    std::stop_token stop_;
    std::optional<std::stop_callback<StopHandler>> on_stop_;
    // Guarded by semaphore_.mutex_ while queued; read by the owner after resuming.
    State state_ = State::kQueued;
    bool arming_ = true;
    AcquireAwaiter* next_ = nullptr;
    AcquireAwaiter* previous_ = nullptr;
  };

  // Suspends until `count` permits are free and it is this waiter's turn.
  AcquireAwaiter acquire(std::int64_t count = 1, const char* site = nullptr) noexcept {
    return AcquireAwaiter(*this, count, site, "no permit free");
  }
  // Takes `count` permits if that needs no waiting (and nobody is queued).
  bool try_acquire(std::int64_t count = 1) noexcept;
  void release(std::int64_t count = 1) noexcept;
  std::int64_t available() const noexcept;
  std::size_t waiting() const noexcept;
  // Sets the number of permits before anyone uses it (`--limit NAME=N`).
  void reset(std::int64_t permits) noexcept {
    std::lock_guard lock(mutex_);
    permits_ = permits;
  }

 private:
  bool enqueue(AcquireAwaiter* waiter);
  bool finish_arming(AcquireAwaiter* waiter);
  void cancel(AcquireAwaiter* waiter) noexcept;
  void unlink(AcquireAwaiter* waiter) noexcept;

  mutable std::mutex mutex_;
  std::int64_t permits_;            // guarded by mutex_
  AcquireAwaiter* head_ = nullptr;  // guarded by mutex_: FIFO of waiters
  AcquireAwaiter* tail_ = nullptr;  // guarded by mutex_
  std::size_t waiting_ = 0;         // guarded by mutex_
};

// Mutex: the lock of a `shared` value, a Semaphore with one permit.
class Mutex {
 public:
  Mutex() noexcept = default;
  // co_await mutex.lock() gives a Guard that unlocks when destroyed.
  Semaphore::AcquireAwaiter lock(const char* site = nullptr) noexcept {
    return Semaphore::AcquireAwaiter(semaphore_, 1, site, "held");
  }
  bool try_lock() noexcept { return semaphore_.try_acquire(1); }
  void unlock() noexcept { semaphore_.release(1); }
  using Guard = Semaphore::Permit;

 private:
  Semaphore semaphore_{1};
};

}  // namespace taskrt
