// When a task call begins, for the live task tree's ages (task_tree.hpp),
// at the cost of a load instead of a clock read per call. Reading a clock
// costs 7–20 ns on a VM (rdtsc itself is 10 ns on some hosts), 14% of a
// skynet leaf that does nothing else.
//
// A thread of the runtime (call_clock.cpp) writes the monotonic time into one
// word every millisecond while calls begin, as Go's sysmon keeps the time
// for its scheduler. Once no call has begun for a few ticks, it clears the
// word and sleeps. A call that finds the word clear reads the clock itself
// and wakes the thread. So an idle program has no thread ticking. A stamp is
// never more than a tick older than the call, or the thread's scheduling
// delay on a machine busier than its cores.
#pragma once

#include <atomic>
#include <cstdint>

namespace taskrt::detail {

struct alignas(64) CallClock {
  // CLOCK_MONOTONIC in ns, at most a tick old; 0 while nobody keeps it fresh.
  std::atomic<std::int64_t> now_ns{0};
  // A call has read now_ns since the last tick: the thread keeps ticking.
  std::atomic<bool> read{false};
};
extern constinit CallClock g_call_clock;

// The clock word was clear: the time from the clock itself, and the thread
// woken (or started) to keep the word fresh again.
std::int64_t call_clock_wake() noexcept;

// The time a call begins, in ns on CLOCK_MONOTONIC.
[[gnu::always_inline]] inline std::int64_t call_clock_ns() noexcept {
  std::int64_t now = g_call_clock.now_ns.load(std::memory_order_relaxed);
  if (now == 0) [[unlikely]]
    return call_clock_wake();
  // A load first: the line stays shared among the threads that begin calls,
  // written by one of them once per tick.
  if (!g_call_clock.read.load(std::memory_order_relaxed)) g_call_clock.read.store(true, std::memory_order_relaxed);
  return now;
}

}  // namespace taskrt::detail
