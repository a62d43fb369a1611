// The clock word calls read when they begin (call_clock.hpp): never ahead of
// the time, kept fresh while calls begin, cleared when they stop, and cleared
// in a forked child that has no thread to keep it.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "taskrt/call_clock.hpp"

using namespace std::chrono_literals;
using taskrt::detail::call_clock_ns;
using taskrt::detail::g_call_clock;

namespace {

std::int64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Polls `done` every ms, for at most a minute (a loaded machine may keep the
// ticking thread off a core for a while; no test waits that long unless broken).
template <typename Done>
bool eventually(Done done) {
  for (int i = 0; i < 60'000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

bool ticking() {
  return g_call_clock.now_ns.load() != 0;
}

}  // namespace

TEST_CASE("call clock: a stamp is never ahead of the clock, and moves with it") {
  std::int64_t before = monotonic_ns();
  std::int64_t first = call_clock_ns();
  std::int64_t after_first = monotonic_ns();
  CHECK(first <= after_first);
  CHECK(first > 0);
  REQUIRE(eventually(ticking));
  // A stamp from the word is the thread's reading; the thread keeps reading.
  REQUIRE(eventually([&] { return call_clock_ns() > before; }));
  std::int64_t later_start = monotonic_ns();
  std::this_thread::sleep_for(20ms);
  REQUIRE(eventually([&] { return call_clock_ns() >= later_start; }));
  std::int64_t stamp = call_clock_ns();
  std::int64_t after = monotonic_ns();
  CHECK(stamp <= after);
}

TEST_CASE("call clock: the thread stops ticking once calls stop, and the next call wakes it") {
  call_clock_ns();
  REQUIRE(eventually(ticking));
  // No call begins: the word is cleared, and stays so.
  REQUIRE(eventually([] { return !ticking(); }));
  std::this_thread::sleep_for(30ms);
  CHECK_FALSE(ticking());
  // The first call after that reads the clock itself, and wakes the thread.
  std::int64_t before = monotonic_ns();
  CHECK(call_clock_ns() >= before);
  REQUIRE(eventually(ticking));
  CHECK(eventually([&] { return call_clock_ns() >= before; }));
}

TEST_CASE("call clock: a forked child does not read its parent's last tick") {
  call_clock_ns();
  REQUIRE(eventually(ticking));
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No ticking thread came along: the word must be clear, so that calls
    // read the clock (a thread is not started here: ThreadSanitizer forbids
    // threads in a child forked from a threaded process).
    ::_exit(g_call_clock.now_ns.load() == 0 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
