// Structured concurrency: gather, gather_settled and race.
#include <catch2/catch.hpp>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

Task<int> after(std::chrono::milliseconds delay, int value) {
  co_await sleep(delay);
  co_return value;
}

Task<int> fail_after(std::chrono::milliseconds delay, std::string message) {
  co_await sleep(delay);
  throw FailedError(message);
}

// Sleeps for a long time and records whether it finished or was cancelled;
// `alive` counts copies still running.
Task<int> long_sleeper(std::atomic<int>& alive, std::atomic<int>& cancelled) {
  alive.fetch_add(1);
  try {
    co_await sleep(60s);
  } catch (const CancelledError&) {
    cancelled.fetch_add(1);
    alive.fetch_sub(1);
    throw;
  }
  alive.fetch_sub(1);
  co_return 0;
}

}  // namespace

TEST_CASE("gather of a vector gives results in input order, not finishing order") {
  auto runtime = testing::make_runtime();
  auto body = []() -> Task<std::vector<int>> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 5; ++i) tasks.push_back(after(std::chrono::milliseconds(10 - 2 * i), i));
    co_return co_await gather(std::move(tasks));
  };
  CHECK(runtime->run(body()) == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("gather of a tuple, with tasks that return nothing") {
  auto runtime = testing::make_runtime();
  auto nothing = []() -> Task<void> { co_await sleep(1ms); };
  auto body = [&]() -> Task<int> {
    auto [a, unit, b] = co_await gather(after(2ms, 1), nothing(), after(1ms, 2));
    (void)unit;
    co_return a * 10 + b;
  };
  CHECK(runtime->run(body()) == 12);
}

TEST_CASE("the children of a gather run concurrently") {
  auto runtime = testing::make_runtime();
  testing::Concurrency concurrency;
  auto child = [&]() -> Task<void> {
    concurrency.enter();
    co_await sleep(20ms);
    concurrency.leave();
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    for (int i = 0; i < 10; ++i) tasks.push_back(child());
    co_await gather(std::move(tasks));
  };
  runtime->run(body());
  CHECK(concurrency.peak == 10);
}

TEST_CASE("gather with a limit never has more than `limit` children in flight") {
  auto runtime = testing::make_runtime();
  testing::Concurrency concurrency;
  auto child = [&](int i) -> Task<int> {
    concurrency.enter();
    co_await sleep(1ms);
    concurrency.leave();
    co_return i;
  };
  auto body = [&]() -> Task<std::vector<int>> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 40; ++i) tasks.push_back(child(i));
    co_return co_await gather(std::move(tasks), 3);
  };
  std::vector<int> results = runtime->run(body());
  CHECK(results.size() == 40);
  CHECK(results[39] == 39);
  CHECK(concurrency.peak == 3);
}

// Alive while a child's frame holds it (a coroutine's parameters live in its
// frame until the frame is freed).
struct FrameProbe {
  std::atomic<int>* alive;
  explicit FrameProbe(std::atomic<int>& count) : alive(&count) { alive->fetch_add(1); }
  FrameProbe(const FrameProbe& other) : alive(other.alive) { alive->fetch_add(1); }
  ~FrameProbe() { alive->fetch_sub(1); }
};

TEST_CASE("a limited gather frees each child's frame when it finishes, not when the gather ends") {
  auto runtime = testing::make_runtime();
  std::atomic<int> alive{0};
  // Frames alive when the last child starts: the running ones, not the 200 that ran.
  int alive_at_last = -1;
  auto child = [&](int i, FrameProbe) -> Task<int> {
    if (i == 199) alive_at_last = alive.load();
    co_await sleep(0ms);
    co_return i;
  };
  auto settled_child = [&](int i, FrameProbe) -> Task<int> {
    if (i == 199) alive_at_last = alive.load();
    co_await sleep(0ms);
    if (i % 2 == 1) throw FailedError("odd");
    co_return i;
  };
  SECTION("gather") {
    auto body = [&]() -> Task<std::vector<int>> {
      std::vector<Task<int>> tasks;
      for (int i = 0; i < 200; ++i) tasks.push_back(child(i, FrameProbe(alive)));
      co_return co_await gather(std::move(tasks), 4);
    };
    std::vector<int> results = runtime->run(body());
    CHECK(results[199] == 199);
  }
  SECTION("gather_settled") {
    auto body = [&]() -> Task<std::vector<Result<int>>> {
      std::vector<Task<int>> tasks;
      for (int i = 0; i < 200; ++i) tasks.push_back(settled_child(i, FrameProbe(alive)));
      co_return co_await gather_settled(std::move(tasks), 4);
    };
    std::vector<Result<int>> results = runtime->run(body());
    CHECK(results[198].value() == 198);
    CHECK(results[199].error_message() == "odd");
  }
  // The unstarted are made up front (their arguments evaluated): 0 of them
  // are left when the last starts, and at most 4 others run.
  CHECK(alive_at_last >= 1);
  CHECK(alive_at_last <= 5);
  CHECK(alive.load() == 0);
}

TEST_CASE("fail-fast: the first failure cancels the siblings, waits for them, then rethrows") {
  auto runtime = testing::make_runtime();
  std::atomic<int> alive{0};
  std::atomic<int> cancelled{0};
  auto body = [&]() -> Task<void> {
    std::vector<Task<int>> tasks;
    tasks.push_back(long_sleeper(alive, cancelled));
    tasks.push_back(fail_after(5ms, "second child failed"));
    tasks.push_back(long_sleeper(alive, cancelled));
    co_await gather(std::move(tasks));
  };
  CHECK_THROWS_WITH(runtime->run(body()), "second child failed");
  // No orphans: both sleepers were cancelled and had finished by the time
  // gather rethrew.
  CHECK(cancelled == 2);
  CHECK(alive == 0);
}

TEST_CASE("after a failure, a limited gather starts no more children") {
  auto runtime = testing::make_runtime();
  std::atomic<int> started{0};
  auto child = [&](int i) -> Task<int> {
    started.fetch_add(1);
    co_await sleep(1ms);
    if (i == 1) throw FailedError("child 1");
    co_return i;
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 100; ++i) tasks.push_back(child(i));
    co_await gather(std::move(tasks), 2);
  };
  CHECK_THROWS_WITH(runtime->run(body()), "child 1");
  CHECK(started < 10);
}

TEST_CASE("gather_settled collects every outcome without failing fast") {
  auto runtime = testing::make_runtime();
  auto body = []() -> Task<std::vector<Result<int>>> {
    std::vector<Task<int>> tasks;
    tasks.push_back(after(3ms, 1));
    tasks.push_back(fail_after(1ms, "bad"));
    tasks.push_back(after(5ms, 3));
    co_return co_await gather_settled(std::move(tasks));
  };
  std::vector<Result<int>> results = runtime->run(body());
  REQUIRE(results.size() == 3);
  CHECK(results[0].ok());
  CHECK(results[0].value() == 1);
  CHECK_FALSE(results[1].ok());
  CHECK(results[1].kind_name() == "Failed");
  CHECK(results[1].error_message() == "bad");
  CHECK(results[2].value() == 3);
}

TEST_CASE("race: the first success wins and the losers are cancelled before it returns") {
  auto runtime = testing::make_runtime();
  std::atomic<int> alive{0};
  std::atomic<int> cancelled{0};
  auto body = [&]() -> Task<int> {
    co_return co_await race(long_sleeper(alive, cancelled), after(2ms, 7), long_sleeper(alive, cancelled));
  };
  CHECK(runtime->run(body()) == 7);
  CHECK(cancelled == 2);
  CHECK(alive == 0);
}

TEST_CASE("race fails only when every competitor fails") {
  auto runtime = testing::make_runtime();
  auto mixed = []() -> Task<int> { co_return co_await race(fail_after(1ms, "a"), after(5ms, 9)); };
  CHECK(runtime->run(mixed()) == 9);
  auto all_fail = []() -> Task<int> { co_return co_await race(fail_after(1ms, "first"), fail_after(3ms, "second")); };
  CHECK_THROWS_WITH(runtime->run(all_fail()), "first");
}

TEST_CASE("cancelling the caller cancels every child of a gather") {
  auto runtime = testing::make_runtime();
  std::atomic<int> alive{0};
  std::atomic<int> cancelled{0};
  auto body = [&]() -> Task<void> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 4; ++i) tasks.push_back(long_sleeper(alive, cancelled));
    co_await gather(std::move(tasks));
  };
  std::thread canceller([&] {
    while (alive.load() < 4) std::this_thread::yield();
    runtime->cancel();
  });
  CHECK_THROWS_AS(runtime->run(body()), CancelledError);
  canceller.join();
  CHECK(cancelled == 4);
  CHECK(alive == 0);
}

TEST_CASE("cpu children of a gather run on the pool, in parallel with each other") {
  auto runtime = testing::make_runtime(2);
  auto fib = [](auto& self, int n) -> Task<long> {
    co_await to_cpu();
    if (n < 2) co_return n;
    auto [a, b] = co_await gather(self(self, n - 1), self(self, n - 2));
    co_return a + b;
  };
  CHECK(runtime->run(fib(fib, 20)) == 6765);
}
