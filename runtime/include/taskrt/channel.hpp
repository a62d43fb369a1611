// Channel<T>: a multi-producer multi-consumer queue for pipelines, bounded
// (backpressure) or unbounded (kUnbounded: send never waits).
//
// send() suspends while the channel is full (backpressure); recv() suspends
// while it is empty and gives std::nullopt once the channel is closed and
// drained. close() wakes every waiter: receivers get nullopt, blocked senders
// fail with FailedError, as does any later send. Waiters are served in FIFO
// order, and a cancelled waiter leaves the queue without losing a value: a
// value already handed to a receiver is delivered (it sees the cancellation at
// its next suspension), and a cancelled sender's value is never enqueued.
// A Channel is a handle: copies share one queue.
//
// Thread-safe: any coroutine on any executor may send and receive.
#pragma once

#include <coroutine>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "taskrt/error.hpp"
#include "taskrt/parked_waits.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

// `channel[T]()`: no bound; send never waits (Python's Queue()).
inline constexpr std::size_t kUnbounded = static_cast<std::size_t>(-1);

// `channel[T](n)`: the capacity n, at least 0 (0: every send waits for its receive).
inline std::size_t channel_capacity(std::int64_t n) {
  if (n < 0) throw FailedError("a channel's capacity must be 0 or more, not " + std::to_string(n));
  return static_cast<std::size_t>(n);
}

template <typename T>
class Channel {
  struct State;

  // One suspended send or recv, linked into the state's FIFO of its kind.
  struct Waiter {
    enum class Status { kQueued, kDone, kCancelled, kClosed };
    State* state = nullptr;
    std::coroutine_handle<> handle;
    Executor* executor = nullptr;
    std::optional<T> value;  // sender: what it sends; receiver: what it got
    Status status = Status::kQueued;
    bool arming = true;
    bool work = false;  // a receiver of recv_work(): what it gets is work in progress
    Waiter* next = nullptr;
    Waiter* previous = nullptr;
  };

  struct Queue {
    Waiter* head = nullptr;
    Waiter* tail = nullptr;
    void push(Waiter* w) {
      w->previous = tail;
      w->next = nullptr;
      (tail ? tail->next : head) = w;
      tail = w;
    }
    void unlink(Waiter* w) {
      (w->previous ? w->previous->next : head) = w->next;
      (w->next ? w->next->previous : tail) = w->previous;
      w->next = w->previous = nullptr;
    }
    Waiter* pop() {
      Waiter* w = head;
      if (w) unlink(w);
      return w;
    }
  };

  struct State {
    explicit State(std::size_t cap) : capacity(cap) {}
    std::mutex mutex;
    const std::size_t capacity;
    std::deque<T> buffer;  // guarded by mutex
    Queue senders;         // guarded by mutex
    Queue receivers;       // guarded by mutex
    bool closed = false;   // guarded by mutex
    // As a work queue: values taken by recv_work() whose work_done() has not
    // come yet. The queue ends (closes) when it is empty and this is zero.
    std::size_t busy = 0;  // guarded by mutex

    // Under mutex: marks a waiter finished and resumes it unless it is still
    // arming (then its await_suspend resumes it).
    static void finish(Waiter* w, typename Waiter::Status status) {
      w->status = status;
      if (!w->arming) w->executor->schedule(w->handle);
    }
  };

  static void close_locked(State& state) {
    state.closed = true;
    while (Waiter* receiver = state.receivers.pop()) State::finish(receiver, Waiter::Status::kClosed);
    while (Waiter* sender = state.senders.pop()) State::finish(sender, Waiter::Status::kClosed);
  }

  struct StopHandler {
    Waiter* waiter;
    Queue* queue;
    void operator()() const noexcept {
      State& state = *waiter->state;
      std::lock_guard lock(state.mutex);
      if (waiter->status != Waiter::Status::kQueued) return;
      queue->unlink(waiter);
      State::finish(waiter, Waiter::Status::kCancelled);
    }
  };

 public:
  explicit Channel(std::size_t capacity) : state_(std::make_shared<State>(capacity)) {}

  class [[nodiscard]] SendAwaiter {
   public:
    SendAwaiter(State& state, T value, const char* site) : state_(state), site_(site) {
      waiter_.state = &state;
      waiter_.value.emplace(std::move(value));
    }
    // Decided in await_suspend, which knows the task: a cancelled task sends
    // nothing (a race's loser, a failed gather's sibling).
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) {
      Context& context = handle.promise().context();
      if (context.cancelled()) {
        waiter_.status = Waiter::Status::kCancelled;
        return false;
      }
      waiter_.handle = handle;
      waiter_.executor = context.executor;
      {
        std::lock_guard lock(state_.mutex);
        if (try_locked()) return false;
        state_.senders.push(&waiter_);
      }
      parking_.enter(context, site_, state_.capacity == 0 ? "nobody receives" : "full");
      on_stop_.emplace(context.stop_token(), StopHandler{&waiter_, &state_.senders});
      std::lock_guard lock(state_.mutex);
      waiter_.arming = false;
      return waiter_.status == Waiter::Status::kQueued;
    }
    void await_resume() {
      on_stop_.reset();
      parking_.leave();
      if (waiter_.status == Waiter::Status::kCancelled) throw CancelledError("cancelled while sending");
      if (waiter_.status == Waiter::Status::kClosed) throw FailedError("send on a closed channel");
    }

   private:
    // Under mutex: hand the value to a waiting receiver, or buffer it.
    bool try_locked() {
      if (state_.closed) {
        waiter_.status = Waiter::Status::kClosed;
        return true;
      }
      if (Waiter* receiver = state_.receivers.pop()) {
        receiver->value = std::move(waiter_.value);
        // Work handed over directly is work in progress too, or the queue
        // would look idle (and close) while its call still runs.
        if (receiver->work) ++state_.busy;
        State::finish(receiver, Waiter::Status::kDone);
        waiter_.status = Waiter::Status::kDone;
        return true;
      }
      if (state_.buffer.size() < state_.capacity) {
        state_.buffer.push_back(std::move(*waiter_.value));
        waiter_.status = Waiter::Status::kDone;
        return true;
      }
      return false;
    }

    State& state_;
    const char* const site_;
    Waiter waiter_;
    std::optional<std::stop_callback<StopHandler>> on_stop_;
    Parking parking_;
  };

  class [[nodiscard]] RecvAwaiter {
   public:
    RecvAwaiter(State& state, bool work, const char* site) : state_(state), work_(work), site_(site) {
      waiter_.state = &state;
      waiter_.work = work;
    }
    // Decided in await_suspend, which knows the task: a cancelled task takes
    // no value, which it would drop (a race's loser, a failed gather's sibling).
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> handle) {
      Context& context = handle.promise().context();
      if (context.cancelled()) {
        waiter_.status = Waiter::Status::kCancelled;
        return false;
      }
      waiter_.handle = handle;
      waiter_.executor = context.executor;
      {
        std::lock_guard lock(state_.mutex);
        if (try_locked()) return false;
        state_.receivers.push(&waiter_);
      }
      parking_.enter(context, site_, "empty");
      on_stop_.emplace(context.stop_token(), StopHandler{&waiter_, &state_.receivers});
      std::lock_guard lock(state_.mutex);
      waiter_.arming = false;
      return waiter_.status == Waiter::Status::kQueued;
    }
    std::optional<T> await_resume() {
      on_stop_.reset();
      parking_.leave();
      if (waiter_.status == Waiter::Status::kCancelled) throw CancelledError("cancelled while receiving");
      return std::move(waiter_.value);
    }

   private:
    // Under mutex: take a buffered value (refilling from a waiting sender), a
    // sender's value directly, or none once closed.
    bool try_locked() {
      if (!state_.buffer.empty()) {
        waiter_.value.emplace(std::move(state_.buffer.front()));
        state_.buffer.pop_front();
        if (Waiter* sender = state_.senders.pop()) {
          state_.buffer.push_back(std::move(*sender->value));
          State::finish(sender, Waiter::Status::kDone);
        }
        if (work_) ++state_.busy;
        waiter_.status = Waiter::Status::kDone;
        return true;
      }
      // An empty work queue that nobody works on can get nothing more.
      if (work_ && state_.busy == 0 && state_.senders.head == nullptr) close_locked(state_);
      if (Waiter* sender = state_.senders.pop()) {
        waiter_.value = std::move(sender->value);
        State::finish(sender, Waiter::Status::kDone);
        if (work_) ++state_.busy;
        waiter_.status = Waiter::Status::kDone;
        return true;
      }
      if (state_.closed) {
        waiter_.status = Waiter::Status::kClosed;
        return true;
      }
      return false;
    }

    State& state_;
    const bool work_;
    const char* const site_;
    Waiter waiter_;
    std::optional<std::stop_callback<StopHandler>> on_stop_;
    Parking parking_;
  };

  // Suspends while full; throws FailedError if the channel is closed.
  // `site` names the wait in a deadlock report (ParkedWait::site).
  SendAwaiter send(T value, const char* site = nullptr) { return SendAwaiter(*state_, std::move(value), site); }
  // Suspends while empty; nullopt once closed and drained.
  RecvAwaiter recv(const char* site = nullptr) { return RecvAwaiter(*state_, false, site); }

  // As a work queue (Python's Queue.get() and task_done(), join() built in):
  // recv_work() takes a value that counts as work in progress until
  // work_done(); once the channel is empty with no work in progress, nothing
  // can add to it any more, so it closes and recv_work() gives nullopt.
  RecvAwaiter recv_work(const char* site = nullptr) { return RecvAwaiter(*state_, true, site); }
  void work_done() {
    std::lock_guard lock(state_->mutex);
    if (state_->busy > 0) --state_->busy;
    if (state_->busy == 0 && state_->buffer.empty() && state_->senders.head == nullptr) close_locked(*state_);
  }

  // Wakes every waiter; idempotent.
  void close() {
    std::lock_guard lock(state_->mutex);
    close_locked(*state_);
  }

  // The values waiting in it (buffered; not those of blocked senders).
  std::size_t size() const {
    std::lock_guard lock(state_->mutex);
    return state_->buffer.size();
  }
  std::size_t capacity() const noexcept { return state_->capacity; }
  bool unbounded() const noexcept { return state_->capacity == kUnbounded; }
  friend bool operator==(const Channel& a, const Channel& b) noexcept { return a.state_ == b.state_; }

 private:
  std::shared_ptr<State> state_;
};

// A work queue's channel must be unbounded: calls that add work to a full
// channel would wait for room that only their own finishing frees.
template <typename T>
void require_unbounded(const Channel<T>& queue) {
  if (queue.unbounded()) return;
  throw FailedError(
      "a gather over a channel needs an unbounded channel, `channel[T]()`: its calls add work, and a full channel "
      "would make them wait for room that only their own finishing frees");
}

// `len(ch)`: how many values wait in it.
template <typename T>
std::int64_t len(const Channel<T>& channel) {
  return static_cast<std::int64_t>(channel.size());
}

}  // namespace taskrt
