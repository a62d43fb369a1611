#include "taskrt/event_loop.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <utility>

namespace taskrt {
namespace {

// The epoll data of the wake-up eventfd; FdWaiters use their own address.
constexpr std::uint64_t kWakeTag = 0;
// How many coroutines may run between two looks at the descriptors while
// there is always more ready (61 in Tokio, whose number this follows).
constexpr std::size_t kResumesPerPoll = 61;

[[noreturn]] void throw_errno(const char* what) {
  throw IoError(fmt::format("{}: {}", what, std::strerror(errno)));
}

}  // namespace

std::unique_ptr<EventLoop> EventLoop::create() {
  int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) throw_errno("epoll_create1");
  int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    ::close(epoll_fd);
    throw_errno("eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeTag;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &event) != 0) {
    ::close(wake_fd);
    ::close(epoll_fd);
    throw_errno("epoll_ctl(eventfd)");
  }
  return std::unique_ptr<EventLoop>(new EventLoop(epoll_fd, wake_fd));
}

EventLoop::EventLoop(int epoll_fd, int wake_fd) : epoll_fd_(epoll_fd), wake_fd_(wake_fd) {}

EventLoop::~EventLoop() {
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void EventLoop::schedule(std::coroutine_handle<> handle) noexcept {
  if (in_loop_thread()) {
    ready_.push_back(handle);
    return;
  }
  bool was_empty = false;
  {
    std::lock_guard lock(remote_mutex_);
    was_empty = remote_ready_.empty() && remote_posts_.empty();
    remote_ready_.push_back(handle);
    remote_pending_.store(true);
  }
  if (was_empty) wake();
}

void EventLoop::post(std::function<void()> fn) {
  bool was_empty = false;
  {
    std::lock_guard lock(remote_mutex_);
    was_empty = remote_ready_.empty() && remote_posts_.empty();
    remote_posts_.push_back(std::move(fn));
    remote_pending_.store(true);
  }
  if (was_empty) wake();
}

void EventLoop::stop() noexcept {
  stopping_.store(true);
  // The loop thread looks at stopping_ before it next waits for events.
  if (!in_loop_thread()) wake();
}

void EventLoop::wake() noexcept {
  std::uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop will wake anyway.
  [[maybe_unused]] ssize_t written = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::run(std::coroutine_handle<> first) {
  loop_thread_.store(std::this_thread::get_id());
  if (first) ready_.push_back(first);
  Executor* previous = current_executor();
  set_current_executor(this);
  std::size_t resumed_since_poll = 0;
  while (!stopping_.load()) {
    resumed_since_poll += run_ready();
    fire_timers();
    if (stopping_.load()) break;
    // A poll is a system call, worth hundreds of resumptions: while
    // coroutines are ready, descriptors are looked at once per
    // kResumesPerPoll of them (Tokio's event_interval), not after every
    // step — tasks handing values to each other would pay one per hand-off.
    if (!ready_.empty() && resumed_since_poll < kResumesPerPoll) continue;
    resumed_since_poll = 0;
    run_poll_hooks();
    wait_for_events();
  }
  // What waits for a poll belongs to this run: its owners may be gone by the next.
  for (PollHook* hook : poll_hooks_) hook->queued = false;
  poll_hooks_.clear();
  set_current_executor(previous);
  loop_thread_.store(std::thread::id());
  // Ready for another run().
  stopping_.store(false);
}

std::size_t EventLoop::run_ready() {
  if (remote_pending_.load()) {
    taken_posts_.clear();  // what a post that threw left behind: none runs twice
    {
      std::lock_guard lock(remote_mutex_);
      taken_ready_.swap(remote_ready_);
      taken_posts_.swap(remote_posts_);
      remote_pending_.store(false);
    }
    for (std::coroutine_handle<> handle : taken_ready_) ready_.push_back(handle);
    taken_ready_.clear();
    for (std::function<void()>& fn : taken_posts_) fn();
    taken_posts_.clear();
  }
  // Only what is ready now: coroutines scheduled while we run wait for the
  // next step, so timers and I/O are never starved.
  std::size_t resumed = 0;
  for (std::size_t n = ready_.size(); n > 0 && !ready_.empty(); --n) {
    std::coroutine_handle<> handle = ready_.front();
    ready_.pop_front();
    handle.resume();
    ++resumed;
  }
  return resumed;
}

void EventLoop::fire_timers() {
  if (heap_.empty()) return;
  Clock::time_point now = Clock::now();
  while (!heap_.empty() && heap_.front().deadline <= now) {
    TimerNode* timer = heap_.front().lane->head;
    remove_timer(timer);
    timer->fire(timer);
  }
}

void EventLoop::before_next_poll(PollHook* hook) {
  if (hook->queued) return;
  hook->queued = true;
  poll_hooks_.push_back(hook);
}

void EventLoop::run_poll_hooks() {
  if (poll_hooks_.empty()) return;
  // Hooks queued while these run wait for the next poll.
  taken_hooks_.swap(poll_hooks_);
  for (PollHook* hook : taken_hooks_) {
    hook->queued = false;
    hook->run(hook);
  }
  taken_hooks_.clear();
}

void EventLoop::wait_for_events() {
  int timeout_ms = -1;
  if (remote_pending_.load()) timeout_ms = 0;
  if (!ready_.empty()) timeout_ms = 0;
  if (timeout_ms != 0 && !heap_.empty()) {
    auto until = heap_.front().deadline - Clock::now();
    // Round up, so that we never wake just before the deadline and spin.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(until).count();
    timeout_ms = ms <= 0 ? 0 : static_cast<int>(std::min<long long>(ms, 60'000));
  }
  if (timeout_ms < 0 && fd_waiter_count_ == 0 && idle_check_) timeout_ms = idle_check_();
  // As many as nginx takes at once: a server with hundreds of busy
  // connections then needs one epoll_wait a round, not one per 64.
  constexpr int kMostEvents = 512;
  epoll_event events[kMostEvents];
  int count = ::epoll_wait(epoll_fd_, events, kMostEvents, timeout_ms);
  if (count < 0) {
    if (errno == EINTR) return;
    throw_errno("epoll_wait");
  }
  for (int i = 0; i < count; ++i) {
    if (events[i].data.u64 == kWakeTag) {
      std::uint64_t value = 0;
      [[maybe_unused]] ssize_t got = ::read(wake_fd_, &value, sizeof value);
      continue;
    }
    auto* waiter = static_cast<FdWaiter*>(events[i].data.ptr);
    // One-shot: the registration is spent; forget it before calling back.
    if (!waiter->persistent) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, waiter->fd, nullptr);
      waiter->registered = false;
      --fd_waiter_count_;
    }
    waiter->ready(waiter, events[i].events);
  }
}

void EventLoop::add_timer(TimerNode* timer, Clock::duration delay) {
  timer->deadline = Clock::now() + delay;
  auto [it, created] = lanes_.try_emplace(delay.count());
  Lane* lane = &it->second;
  if (created && lanes_.size() > 1024) {
    // Many distinct delays: drop the lanes that have emptied.
    for (auto cursor = lanes_.begin(); cursor != lanes_.end();) {
      cursor = cursor->second.head == nullptr && &cursor->second != lane ? lanes_.erase(cursor) : std::next(cursor);
    }
  }
  // Walk back from the tail to the timer's place: almost always no steps.
  TimerNode* after = lane->tail;
  while (after != nullptr && after->deadline > timer->deadline) after = after->previous;
  timer->previous = after;
  timer->next = after ? after->next : lane->head;
  (timer->next ? timer->next->previous : lane->tail) = timer;
  (after ? after->next : lane->head) = timer;
  timer->lane = lane;
  ++timer_count_;
  if (!lane->in_heap) {
    lane->in_heap = true;
    heap_.push_back(HeapEntry{timer->deadline, lane});
    lane->heap_index = heap_.size() - 1;
    heap_up(lane->heap_index);
  } else if (lane->head == timer) {
    heap_update(lane);
  }
}

void EventLoop::remove_timer(TimerNode* timer) noexcept {
  auto* lane = static_cast<Lane*>(timer->lane);
  if (lane == nullptr) return;
  bool was_head = lane->head == timer;
  (timer->previous ? timer->previous->next : lane->head) = timer->next;
  (timer->next ? timer->next->previous : lane->tail) = timer->previous;
  timer->previous = timer->next = nullptr;
  timer->lane = nullptr;
  --timer_count_;
  if (lane->head == nullptr) {
    heap_remove(lane);
  } else if (was_head) {
    heap_update(lane);
  }
}

void EventLoop::heap_place(std::size_t index, HeapEntry entry) noexcept {
  heap_[index] = entry;
  entry.lane->heap_index = index;
}

void EventLoop::heap_update(Lane* lane) noexcept {
  heap_[lane->heap_index].deadline = lane->head->deadline;
  heap_down(lane->heap_index);
  heap_up(lane->heap_index);
}

void EventLoop::heap_remove(Lane* lane) noexcept {
  std::size_t index = lane->heap_index;
  lane->in_heap = false;
  HeapEntry last = heap_.back();
  heap_.pop_back();
  if (index == heap_.size()) return;
  // Move the last entry into the hole, then restore the order either way.
  heap_place(index, last);
  heap_down(index);
  heap_up(last.lane->heap_index);
}

void EventLoop::heap_up(std::size_t index) noexcept {
  HeapEntry entry = heap_[index];
  while (index > 0) {
    std::size_t parent = (index - 1) / 4;
    if (heap_[parent].deadline <= entry.deadline) break;
    heap_place(index, heap_[parent]);
    index = parent;
  }
  heap_place(index, entry);
}

void EventLoop::heap_down(std::size_t index) noexcept {
  std::size_t size = heap_.size();
  HeapEntry entry = heap_[index];
  while (true) {
    std::size_t first_child = 4 * index + 1;
    if (first_child >= size) break;
    std::size_t smallest = first_child;
    std::size_t end = std::min(first_child + 4, size);
    for (std::size_t child = first_child + 1; child < end; ++child) {
      if (heap_[child].deadline < heap_[smallest].deadline) smallest = child;
    }
    if (entry.deadline <= heap_[smallest].deadline) break;
    heap_place(index, heap_[smallest]);
    index = smallest;
  }
  heap_place(index, entry);
}

void EventLoop::ScopeStopped::operator()() const {
  // Any thread: hand the work to the loop, which owns the waiter lists.
  EventLoop* target = loop;
  const std::stop_token* key = scope;
  std::uint64_t id = generation;
  target->post([target, key, id] { target->cancel_scope(key, id); });
}

void EventLoop::add_cancel_waiter(CancelWaiter* waiter, const std::stop_token* scope) {
  auto [it, created] = cancel_scopes_.try_emplace(scope);
  CancelScope& entry = it->second;
  waiter->scope = &entry;
  waiter->previous = nullptr;
  waiter->next = entry.head;
  if (entry.head != nullptr) entry.head->previous = waiter;
  entry.head = waiter;
  if (created) {
    entry.key = scope;
    entry.generation = next_generation_++;
    // If the scope is already stopped, this posts the cancellation at once.
    entry.callback.emplace(*scope, ScopeStopped{this, scope, entry.generation});
  }
}

void EventLoop::remove_cancel_waiter(CancelWaiter* waiter) noexcept {
  auto* entry = static_cast<CancelScope*>(waiter->scope);
  if (entry == nullptr) return;
  (waiter->previous ? waiter->previous->next : entry->head) = waiter->next;
  if (waiter->next != nullptr) waiter->next->previous = waiter->previous;
  waiter->previous = waiter->next = nullptr;
  waiter->scope = nullptr;
  // An empty scope goes at once: its token may die with it, and a new scope
  // may then be born at the same address.
  if (entry->head == nullptr) cancel_scopes_.erase(entry->key);
}

void EventLoop::cancel_scope(const std::stop_token* scope, std::uint64_t generation) {
  auto it = cancel_scopes_.find(scope);
  if (it == cancel_scopes_.end() || it->second.generation != generation) return;
  // Detach every waiter first: cancelling one resumes its task, which may
  // register or finish others.
  std::vector<CancelWaiter*> waiters;
  for (CancelWaiter* w = it->second.head; w != nullptr; w = w->next) waiters.push_back(w);
  it->second.head = nullptr;
  for (CancelWaiter* w : waiters) {
    w->previous = w->next = nullptr;
    w->scope = nullptr;
  }
  for (CancelWaiter* w : waiters) w->cancel(w);
  it = cancel_scopes_.find(scope);
  if (it != cancel_scopes_.end() && it->second.generation == generation && it->second.head == nullptr) {
    cancel_scopes_.erase(it);
  }
}

void EventLoop::add_fd_waiter(FdWaiter* waiter) {
  epoll_event event{};
  event.events = waiter->persistent ? waiter->events : waiter->events | EPOLLONESHOT;
  event.data.ptr = waiter;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, waiter->fd, &event) != 0) {
    if (errno != EEXIST || ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, waiter->fd, &event) != 0) {
      throw_errno("epoll_ctl");
    }
  }
  if (!waiter->registered) {
    waiter->registered = true;
    waiter->parked = false;
    ++fd_waiter_count_;
  }
}

void EventLoop::set_fd_waiter_parked(FdWaiter* waiter, bool parked) noexcept {
  if (!waiter->registered || waiter->parked == parked) return;
  waiter->parked = parked;
  if (parked) {
    --fd_waiter_count_;
  } else {
    ++fd_waiter_count_;
  }
}

void EventLoop::remove_fd_waiter(FdWaiter* waiter) noexcept {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, waiter->fd, nullptr);
  if (waiter->registered) {
    waiter->registered = false;
    if (!std::exchange(waiter->parked, false)) --fd_waiter_count_;
  }
}

}  // namespace taskrt
