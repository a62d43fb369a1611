#include "taskrt/call_clock.hpp"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

namespace taskrt::detail {

constinit CallClock g_call_clock;

namespace {

using namespace std::chrono_literals;

constexpr auto kTick = 1ms;
// Ticks with no call begun before the thread stops ticking.
constexpr int kIdleTicks = 16;

std::int64_t monotonic_ns() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The ticking thread's state. `wanted` is read without the lock first, so
// the calls that begin while the woken thread has not yet ticked do not all
// queue on the mutex.
struct Ticker {
  std::mutex mutex;
  std::condition_variable woken;
  std::atomic<bool> wanted{false};
  bool started = false;  // guarded by mutex
};

Ticker& ticker() {
  // Never destroyed: the thread may still tick while the program exits.
  static Ticker* const instance = new Ticker;
  return *instance;
}

void tick() {
  Ticker& state = ticker();
  int idle_ticks = 0;
  while (true) {
    g_call_clock.now_ns.store(monotonic_ns(), std::memory_order_relaxed);
    std::this_thread::sleep_for(kTick);
    if (g_call_clock.read.exchange(false, std::memory_order_relaxed)) {
      idle_ticks = 0;
      continue;
    }
    if (++idle_ticks < kIdleTicks) continue;
    // No call began for a while: clear the word, so that the next call reads
    // the clock itself and wakes this thread. `wanted` is cleared first and
    // the word released after it, so a call that finds the word clear sees
    // `wanted` clear too.
    std::unique_lock lock(state.mutex);
    state.wanted.store(false, std::memory_order_relaxed);
    g_call_clock.now_ns.store(0, std::memory_order_release);
    state.woken.wait(lock, [&] { return state.wanted.load(std::memory_order_relaxed); });
    idle_ticks = 0;
  }
}

// A forked child has no ticking thread: its calls read the clock until one
// of them starts a thread of its own.
void prepare_fork() {
  ticker().mutex.lock();
}
void after_fork_in_parent() {
  ticker().mutex.unlock();
}
void after_fork_in_child() {
  Ticker& state = ticker();
  g_call_clock.now_ns.store(0, std::memory_order_relaxed);
  state.wanted.store(false, std::memory_order_relaxed);
  state.started = false;
  state.mutex.unlock();
}

// Under the ticker's mutex. The thread takes no signal: the runtime's
// interrupt watcher expects to be the only one to receive them.
void start_ticking(Ticker& state) {
  static const bool fork_handlers = [] {
    return ::pthread_atfork(prepare_fork, after_fork_in_parent, after_fork_in_child) == 0;
  }();
  (void)fork_handlers;
  sigset_t all;
  sigset_t before;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &before);
  try {
    std::thread(tick).detach();
    state.started = true;
  } catch (const std::system_error&) {
    // No thread to be had: calls go on reading the clock themselves.
  }
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

}  // namespace

std::int64_t call_clock_wake() noexcept {
  // Read again, acquiring the release of the cleared word (tick()); another
  // call may have woken the thread meanwhile.
  if (std::int64_t ticked = g_call_clock.now_ns.load(std::memory_order_acquire); ticked != 0) return ticked;
  std::int64_t now = monotonic_ns();
  Ticker& state = ticker();
  if (state.wanted.load(std::memory_order_relaxed) || state.wanted.exchange(true, std::memory_order_relaxed)) {
    return now;
  }
  std::lock_guard lock(state.mutex);
  if (state.started) {
    state.woken.notify_one();
  } else {
    start_ticking(state);
    if (!state.started) state.wanted.store(false, std::memory_order_relaxed);
  }
  return now;
}

}  // namespace taskrt::detail
