// The event loop's timers: a sleep never ends before its time, whatever
// else the loop does meanwhile, and timers added and removed in one step
// leave nothing behind.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <vector>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

// Sleeps `delay` and returns how long it slept, by the loop's clock.
Task<Clock::duration> timed_sleep(Clock::duration delay) {
  Clock::time_point start = Clock::now();
  co_await sleep(delay);
  co_return Clock::now() - start;
}

// Spins on the loop for `busy` without yielding: a step that takes a while.
Task<int> hog(Clock::duration busy) {
  Clock::time_point until = Clock::now() + busy;
  while (Clock::now() < until) {
  }
  co_return 0;
}

}  // namespace

TEST_CASE("no sleep ends early: many at once, of many lengths, beside steps that take a while") {
  auto runtime = testing::make_runtime(1);
  auto slept = runtime->run([]() -> Task<std::vector<Clock::duration>> {
    std::vector<Task<Clock::duration>> sleeps;
    // Hundreds of timers added in one step, of 0 to 9 ms, beside steps
    // that keep the loop busy.
    for (int i = 0; i < 300; ++i) sleeps.push_back(timed_sleep(std::chrono::milliseconds(i % 10)));
    std::vector<Task<int>> hogs;
    for (int i = 0; i < 3; ++i) hogs.push_back(hog(2ms));
    auto [times, busy] = co_await gather(gather(std::move(sleeps)), gather(std::move(hogs)));
    (void)busy;
    co_return times;
  }());
  REQUIRE(slept.size() == 300);
  for (std::size_t i = 0; i < slept.size(); ++i) {
    INFO("sleep " << i << " of " << i % 10 << " ms");
    CHECK(slept[i] >= std::chrono::milliseconds(i % 10));
  }
}

TEST_CASE("timers removed in the step that added them are forgotten") {
  auto runtime = testing::make_runtime(1);
  for (int count : {1, 63, 64, 65, 200}) {
    INFO(count << " sleepers");
    // A race ends as its first child does: the others, asleep for a minute,
    // are cancelled.
    auto result = runtime->run([count]() -> Task<int> {
      std::vector<Task<int>> racers;
      for (int i = 0; i < count; ++i) {
        racers.push_back([]() -> Task<int> {
          co_await sleep(60s);
          co_return 0;
        }());
      }
      racers.push_back([]() -> Task<int> { co_return 7; }());
      co_return co_await race(std::move(racers));
    }());
    CHECK(result == 7);
    CHECK(runtime->loop().pending_timers() == 0);
  }
  // A timeout's timer, removed when its work ends in the step that began it.
  auto sum = runtime->run([]() -> Task<int> {
    std::vector<Task<int>> calls;
    for (int i = 0; i < 200; ++i) calls.push_back(with_timeout(60s, []() -> Task<int> { co_return 1; }()));
    int total = 0;
    for (int value : co_await gather(std::move(calls))) total += value;
    co_return total;
  }());
  CHECK(sum == 200);
  CHECK(runtime->loop().pending_timers() == 0);
  // The loop is whole afterwards: a timer still fires.
  CHECK(runtime->run(timed_sleep(1ms)) >= 1ms);
}
