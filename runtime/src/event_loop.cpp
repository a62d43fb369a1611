#include "taskrt/event_loop.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace taskrt {
namespace {

// The epoll data of the wake-up eventfd; FdWaiters use their own address.
constexpr std::uint64_t kWakeTag = 0;

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
  }
  if (was_empty) wake();
}

void EventLoop::post(std::function<void()> fn) {
  bool was_empty = false;
  {
    std::lock_guard lock(remote_mutex_);
    was_empty = remote_ready_.empty() && remote_posts_.empty();
    remote_posts_.push_back(std::move(fn));
  }
  if (was_empty) wake();
}

void EventLoop::stop() noexcept {
  stopping_.store(true);
  wake();
}

void EventLoop::wake() noexcept {
  std::uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop will wake anyway.
  [[maybe_unused]] ssize_t written = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::run() {
  loop_thread_.store(std::this_thread::get_id());
  Executor* previous = current_executor();
  set_current_executor(this);
  while (!stopping_.load()) {
    run_ready();
    fire_timers();
    if (stopping_.load()) break;
    wait_for_events();
  }
  set_current_executor(previous);
  loop_thread_.store(std::thread::id());
  // Ready for another run().
  stopping_.store(false);
}

void EventLoop::run_ready() {
  std::vector<std::coroutine_handle<>> incoming;
  std::vector<std::function<void()>> posts;
  {
    std::lock_guard lock(remote_mutex_);
    incoming.swap(remote_ready_);
    posts.swap(remote_posts_);
  }
  for (std::coroutine_handle<> handle : incoming) ready_.push_back(handle);
  for (std::function<void()>& fn : posts) fn();
  // Only what is ready now: coroutines scheduled while we run wait for the
  // next step, so timers and I/O are never starved.
  for (std::size_t n = ready_.size(); n > 0 && !ready_.empty(); --n) {
    std::coroutine_handle<> handle = ready_.front();
    ready_.pop_front();
    handle.resume();
  }
}

void EventLoop::fire_timers() {
  Clock::time_point now = Clock::now();
  while (!timers_.empty() && timers_.front()->deadline <= now) {
    TimerNode* timer = timers_.front();
    remove_timer(timer);
    timer->fire(timer);
  }
}

void EventLoop::wait_for_events() {
  int timeout_ms = -1;
  {
    std::lock_guard lock(remote_mutex_);
    if (!remote_ready_.empty() || !remote_posts_.empty()) timeout_ms = 0;
  }
  if (!ready_.empty()) timeout_ms = 0;
  if (timeout_ms != 0 && !timers_.empty()) {
    auto until = timers_.front()->deadline - Clock::now();
    // Round up, so that we never wake just before the deadline and spin.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(until).count();
    timeout_ms = ms <= 0 ? 0 : static_cast<int>(std::min<long long>(ms, 60'000));
  }
  epoll_event events[64];
  int count = ::epoll_wait(epoll_fd_, events, 64, timeout_ms);
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
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, waiter->fd, nullptr);
    waiter->ready(waiter, events[i].events);
  }
}

void EventLoop::add_timer(TimerNode* timer) {
  timer->heap_index = timers_.size();
  timers_.push_back(timer);
  heap_up(timer->heap_index);
}

void EventLoop::remove_timer(TimerNode* timer) noexcept {
  std::size_t index = timer->heap_index;
  if (index == TimerNode::kNotQueued) return;
  std::size_t last = timers_.size() - 1;
  if (index != last) {
    heap_swap(index, last);
    timers_.pop_back();
    heap_down(index);
    heap_up(index);
  } else {
    timers_.pop_back();
  }
  timer->heap_index = TimerNode::kNotQueued;
}

void EventLoop::heap_swap(std::size_t a, std::size_t b) noexcept {
  std::swap(timers_[a], timers_[b]);
  timers_[a]->heap_index = a;
  timers_[b]->heap_index = b;
}

void EventLoop::heap_up(std::size_t index) noexcept {
  while (index > 0) {
    std::size_t parent = (index - 1) / 2;
    if (timers_[parent]->deadline <= timers_[index]->deadline) break;
    heap_swap(parent, index);
    index = parent;
  }
}

void EventLoop::heap_down(std::size_t index) noexcept {
  std::size_t size = timers_.size();
  while (true) {
    std::size_t smallest = index;
    std::size_t left = 2 * index + 1;
    std::size_t right = left + 1;
    if (left < size && timers_[left]->deadline < timers_[smallest]->deadline) smallest = left;
    if (right < size && timers_[right]->deadline < timers_[smallest]->deadline) smallest = right;
    if (smallest == index) return;
    heap_swap(index, smallest);
    index = smallest;
  }
}

void EventLoop::add_fd_waiter(FdWaiter* waiter) {
  epoll_event event{};
  event.events = waiter->events | EPOLLONESHOT;
  event.data.ptr = waiter;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, waiter->fd, &event) != 0) {
    if (errno != EEXIST || ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, waiter->fd, &event) != 0) {
      throw_errno("epoll_ctl");
    }
  }
}

void EventLoop::remove_fd_waiter(FdWaiter* waiter) noexcept {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, waiter->fd, nullptr);
}

}  // namespace taskrt
