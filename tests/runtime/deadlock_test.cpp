// The deadlock check: a runtime whose tasks all wait on one another fails
// its root with DeadlockError naming every wait; a runtime that only looks
// idle — a timer, a blocking call, CPU work, a thread of the program's own
// behind a ForeignWait — is never taken for one.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

// The message of the DeadlockError `run` fails with ("" if it does not).
template <typename T>
std::string deadlock_of(Runtime& runtime, Task<T> root) {
  try {
    runtime.run(std::move(root));
  } catch (const DeadlockError& error) {
    return error.message();
  }
  return "";
}

// Suspends until a thread of its own resumes the task 200ms later: a wake-up
// the runtime cannot see coming.
struct WokenLater {
  std::thread waker;
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    Executor* executor = handle.promise().context().executor;
    waker = std::thread([executor, handle] {
      std::this_thread::sleep_for(200ms);
      executor->schedule(handle);
    });
  }
  void await_resume() { waker.join(); }
};

}  // namespace

TEST_CASE("a receive nobody will answer is a deadlock that names the wait") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(1);
  auto body = [&]() -> Task<void> { co_await channel.recv("task reader: receive on channel `ch` (x.task:3)"); };
  std::string report = deadlock_of(*runtime, body());
  CHECK_THAT(report, Catch::Contains("1 task waits"));
  CHECK_THAT(report, Catch::Contains("task reader: receive on channel `ch` (x.task:3), empty"));
}

TEST_CASE("two tasks that each hold the semaphore the other wants are reported together") {
  auto runtime = testing::make_runtime();
  Semaphore left(1);
  Semaphore right(1);
  auto take = [&](Semaphore& first, Semaphore& second, const char* site) -> Task<void> {
    auto held = co_await first.acquire(1);
    co_await sleep(5ms);
    auto both = co_await second.acquire(1, site);
  };
  std::string report = deadlock_of(*runtime, gather(take(left, right, "one"), take(right, left, "two")));
  CHECK_THAT(report, Catch::Contains("2 tasks wait"));
  CHECK_THAT(report, Catch::Contains("one, no permit free"));
  CHECK_THAT(report, Catch::Contains("two, no permit free"));
  // The runtime runs again afterwards: the report belonged to that run.
  auto fine = []() -> Task<int> { co_return 7; };
  CHECK(runtime->run(fine()) == 7);
}

TEST_CASE("cpu tasks suspended on a channel nobody closes are a deadlock") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(kUnbounded);
  auto add_up = [&]() -> Task<int> {
    co_await ensure_cpu();
    int total = 0;
    while (true) {
      // Not declared in the condition: GCC 12 destroys such a variable twice.
      std::optional<int> value = co_await channel.recv("cpu reader");
      if (!value) break;
      total += *value;
    }
    co_return total;
  };
  auto feed = [&]() -> Task<void> {
    for (int i = 0; i < 3; ++i) co_await channel.send(i);
  };
  std::string report = deadlock_of(*runtime, gather(add_up(), add_up(), feed()));
  CHECK_THAT(report, Catch::Contains("2 tasks wait"));
  CHECK_THAT(report, Catch::Contains("cpu reader, empty"));
}

TEST_CASE("a wait that a timer, a blocking call or CPU work will end is not a deadlock") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(0);
  auto reader = [&]() -> Task<int> { co_return (co_await channel.recv()).value_or(-1); };
  auto after_sleep = [&]() -> Task<void> {
    co_await sleep(200ms);
    co_await channel.send(1);
  };
  auto after_blocking = [&]() -> Task<void> {
    int value = co_await run_blocking([] {
      std::this_thread::sleep_for(200ms);
      return 2;
    });
    co_await channel.send(value);
  };
  auto busy = []() -> Task<int> {
    co_await ensure_cpu();
    auto until = Clock::now() + 300ms;
    int spins = 0;
    while (Clock::now() < until) ++spins;
    co_return spins > 0 ? 3 : 0;
  };
  auto after_cpu = [&]() -> Task<void> { co_await channel.send(co_await busy()); };
  CHECK(std::get<0>(runtime->run(gather(reader(), after_sleep()))) == 1);
  CHECK(std::get<0>(runtime->run(gather(reader(), after_blocking()))) == 2);
  CHECK(std::get<0>(runtime->run(gather(reader(), after_cpu()))) == 3);
}

TEST_CASE("a task woken by a thread of its own, under a ForeignWait, is not a deadlock") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(0);
  auto reader = [&]() -> Task<int> { co_return (co_await channel.recv()).value_or(-1); };
  auto after_thread = [&]() -> Task<void> {
    {
      ForeignWait foreign(&*runtime);
      co_await WokenLater{};
    }
    co_await channel.send(4);
  };
  CHECK(std::get<0>(runtime->run(gather(reader(), after_thread()))) == 4);
}

TEST_CASE("with the check turned off, a wake-up the runtime cannot see is waited for") {
  RuntimeOptions options;
  options.detect_deadlocks = false;
  auto runtime = Runtime::create(options);
  Channel<int> channel(1);
  // A thread the runtime knows nothing of closes the channel later: with
  // the check on (and no ForeignWait) that would be taken for a deadlock.
  std::thread closer([&] {
    std::this_thread::sleep_for(100ms);
    channel.close();
  });
  auto reader = [&]() -> Task<int> { co_return (co_await channel.recv()).value_or(-1); };
  CHECK(runtime->run(reader()) == -1);
  closer.join();
}

TEST_CASE("a report names the first twenty waits and counts the rest") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(1);
  auto reader = [&]() -> Task<void> { co_await channel.recv("reader"); };
  auto thirty = [&]() -> Task<void> {
    std::vector<Task<void>> readers;
    for (int i = 0; i < 30; ++i) readers.push_back(reader());
    co_await gather(std::move(readers));
  };
  std::string report = deadlock_of(*runtime, thirty());
  CHECK_THAT(report, Catch::Contains("30 tasks wait"));
  CHECK_THAT(report, Catch::Contains("… and 10 more"));
  std::size_t lines = 0;
  for (std::size_t at = report.find("reader, empty"); at != std::string::npos;
       at = report.find("reader, empty", at + 1)) {
    ++lines;
  }
  CHECK(lines == 20);
}
