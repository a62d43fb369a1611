// EventLoop: one thread running io coroutines — an epoll instance, a timer
// heap, an eventfd for wake-ups from other threads, and a queue of ready
// coroutines.
//
// Threading: run() is called on one thread, which becomes the loop thread.
// schedule(), post() and stop() are thread-safe and never block for long;
// everything else (timers, fd registrations) is for the loop thread only —
// other threads reach it through post(). Built by create(); shutdown() (or the
// destructor) stops it, after which nothing more runs.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <vector>

#include "taskrt/executor.hpp"
#include "taskrt/time.hpp"

namespace taskrt {

// A timer owned by its caller (usually an awaiter inside a coroutine frame).
// `fire` runs on the loop thread when the deadline passes, unless the timer
// was removed first. Timers are grouped by `delay` into lanes: timers of equal
// delay are mostly added in deadline order, so a lane is a sorted list with
// O(1) insertion at its tail, and only the lanes' heads are kept in a heap.
// A program that sleeps for a handful of distinct durations pays O(1) per
// timer, whatever the number of sleepers.
struct TimerNode {
  Clock::time_point deadline;
  void (*fire)(TimerNode* self) = nullptr;
  // The loop's bookkeeping; `lane` is null when the timer is not queued.
  TimerNode* previous = nullptr;
  TimerNode* next = nullptr;
  void* lane = nullptr;
};

// A waiter that wants to be woken when its cancel scope is cancelled, owned
// by its caller. Registrations of one scope share a single std::stop_callback
// held by the loop, so a million sleepers under one gather cost one callback,
// not a million. `cancel` runs on the loop thread.
struct CancelWaiter {
  void (*cancel)(CancelWaiter* self) = nullptr;
  // The loop's bookkeeping.
  CancelWaiter* previous = nullptr;
  CancelWaiter* next = nullptr;
  void* scope = nullptr;
};

// A TimerNode or CancelWaiter that points back at the object holding it, for
// its callback (which gets the node). The nodes themselves have no such
// pointer: a sleep derives from both and finds itself by a cast, and a million
// sleepers are 16 MB smaller for it.
template <typename Node, typename Owner>
struct OwnedNode : Node {
  Owner* owner = nullptr;
  static Owner* owner_of(Node* node) noexcept { return static_cast<OwnedNode*>(node)->owner; }
};

// A wait for readiness of a file descriptor, owned by its caller. `ready` runs
// on the loop thread with the epoll events that occurred: once, or, for a
// persistent watch, in every loop step while the descriptor is ready (level
// triggered) until the watch is removed.
struct FdWaiter {
  int fd = -1;
  std::uint32_t events = 0;
  bool persistent = false;
  void (*ready)(FdWaiter* self, std::uint32_t events) = nullptr;
  // For the owner's use in `ready`, typically a pointer back to itself.
  void* owner = nullptr;
  // The loop's bookkeeping: whether epoll holds this registration, and
  // whether it is parked (set_fd_waiter_parked).
  bool registered = false;
  bool parked = false;
};

// Work that can wait until the loop next looks at its descriptors, owned by
// its caller: what many coroutines queue in the steps before (the requests
// for one process-pool worker) then goes out in one system call. `run` runs
// on the loop thread, once per before_next_poll().
struct PollHook {
  void (*run)(PollHook* self) = nullptr;
  void* owner = nullptr;
  // The loop's bookkeeping: whether the hook waits for the next poll.
  bool queued = false;
};

class EventLoop final : public Executor {
 public:
  // Creates the epoll instance and the wake-up eventfd; throws IoError.
  static std::unique_ptr<EventLoop> create();
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void schedule(std::coroutine_handle<> handle) noexcept override;
  // Runs `fn` on the loop thread soon. Thread-safe.
  void post(std::function<void()> fn);

  // Runs the loop on the calling thread until stop() is called; `first`, if
  // any, is resumed first (scheduled from here, it would wake the loop
  // through its descriptor: a system call a process-pool worker paid per call).
  void run(std::coroutine_handle<> first = {});
  // Makes run() return after the current step. Thread-safe.
  void stop() noexcept;
  bool in_loop_thread() const noexcept { return std::this_thread::get_id() == loop_thread_.load(); }

  // Loop thread only. Sets the deadline to now + delay and queues the timer.
  void add_timer(TimerNode* timer, Clock::duration delay);
  // Removes a queued timer; does nothing if it already fired or was removed.
  void remove_timer(TimerNode* timer) noexcept;
  std::size_t pending_timers() const noexcept { return timer_count_; }
  // Registers a wait for `waiter->events` on `waiter->fd`, one-shot unless
  // `waiter->persistent`; throws IoError.
  void add_fd_waiter(FdWaiter* waiter);
  void remove_fd_waiter(FdWaiter* waiter) noexcept;
  // A parked registration stays in epoll but counts as nothing the loop waits
  // for (watched_fds, the deadlock check): an idle keep-alive connection of
  // the HTTP client, which no task waits on, costs no epoll_ctl when reused.
  void set_fd_waiter_parked(FdWaiter* waiter, bool parked) noexcept;
  std::size_t watched_fds() const noexcept { return fd_waiter_count_; }
  // Loop thread only. Runs `hook` before the loop next looks at descriptors
  // (at most kResumesPerPoll resumptions from now, or when nothing is
  // ready); does nothing if it is queued already. `run` must not throw.
  // Hooks still queued when run() returns are dropped, not run.
  void before_next_poll(PollHook* hook);
  // Whether other threads have queued work the loop has not taken yet.
  bool has_remote_work() const noexcept { return remote_pending_.load(); }
  // Set before run(): asked on the loop thread whenever the loop would sleep
  // with nothing of its own that could wake it — no ready coroutine, timer or
  // watched descriptor. It returns how long to sleep before asking again, in
  // milliseconds (-1: until woken). The runtime's deadlock check.
  void set_idle_check(std::function<int()> check) { idle_check_ = std::move(check); }
  // Calls waiter->cancel (on this thread, later) when `scope` is stopped.
  void add_cancel_waiter(CancelWaiter* waiter, const std::stop_token* scope);
  // Does nothing if the waiter was already cancelled or removed.
  void remove_cancel_waiter(CancelWaiter* waiter) noexcept;

 private:
  EventLoop(int epoll_fd, int wake_fd);
  // Runs what is ready now; returns how many coroutines it resumed.
  std::size_t run_ready();
  void fire_timers();
  void run_poll_hooks();
  void wait_for_events();
  void wake() noexcept;
  // Timers of one delay, sorted by deadline.
  struct Lane {
    TimerNode* head = nullptr;
    TimerNode* tail = nullptr;
    std::size_t heap_index = 0;
    bool in_heap = false;
  };
  // The lane heap: 4-ary, ordered by each lane's earliest deadline, which is
  // stored next to the lane so that sifting reads one contiguous array.
  struct HeapEntry {
    Clock::time_point deadline;
    Lane* lane;
  };
  void heap_up(std::size_t index) noexcept;
  void heap_down(std::size_t index) noexcept;
  void heap_place(std::size_t index, HeapEntry entry) noexcept;
  void heap_remove(Lane* lane) noexcept;
  void heap_update(Lane* lane) noexcept;

  // The waiters of one cancel scope, and the one callback that watches it.
  struct ScopeStopped {
    EventLoop* loop;
    const std::stop_token* scope;
    std::uint64_t generation;
    void operator()() const;
  };
  struct CancelScope {
    const std::stop_token* key = nullptr;
    std::uint64_t generation = 0;
    CancelWaiter* head = nullptr;
    std::optional<std::stop_callback<ScopeStopped>> callback;
  };
  void cancel_scope(const std::stop_token* scope, std::uint64_t generation);

  const int epoll_fd_;
  const int wake_fd_;
  std::atomic<std::thread::id> loop_thread_{};
  std::atomic<bool> stopping_{false};

  // Loop thread only.
  std::deque<std::coroutine_handle<>> ready_;
  std::vector<HeapEntry> heap_;
  std::unordered_map<Clock::rep, Lane> lanes_;
  std::size_t timer_count_ = 0;
  std::size_t fd_waiter_count_ = 0;
  std::vector<PollHook*> poll_hooks_;
  std::vector<PollHook*> taken_hooks_;  // the ones running now
  std::function<int()> idle_check_;
  // Keyed by the scope's token, which outlives every task in the scope; the
  // generation tells a scope from a later one at the same address.
  std::unordered_map<const std::stop_token*, CancelScope> cancel_scopes_;
  std::uint64_t next_generation_ = 1;

  // Filled by other threads; guarded by remote_mutex_. A push into an empty
  // queue writes the eventfd, so the loop never sleeps on queued work.
  std::mutex remote_mutex_;
  std::vector<std::coroutine_handle<>> remote_ready_;
  std::vector<std::function<void()>> remote_posts_;
  // True while either remote queue holds something (set and cleared under
  // remote_mutex_): a step with nothing from other threads takes no lock.
  std::atomic<bool> remote_pending_{false};
  // The loop's side of the swap: the two pairs of vectors trade places each
  // step, so neither ever gives up its capacity.
  std::vector<std::coroutine_handle<>> taken_ready_;
  std::vector<std::function<void()>> taken_posts_;
};

}  // namespace taskrt
