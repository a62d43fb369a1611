// RateLimit: the rate holds, waiters are served in arrival order, and a
// waiter cancelled while it waits takes no token. Times are checked only
// from below (a limiter may never be early; a loaded machine may be late).
#include <catch2/catch.hpp>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

TEST_CASE("a rate limit lets a burst through, then one call per interval") {
  auto runtime = testing::make_runtime();
  // Read before the limiter exists, so no token can predate it.
  auto t0 = Clock::now();
  RateLimit api(4, 40ms);  // a burst of 4, then one every 10ms
  std::vector<Clock::time_point> starts;
  std::mutex mutex;
  auto call = [&]() -> Task<void> {
    co_await api.acquire();
    std::lock_guard lock(mutex);
    starts.push_back(Clock::now());
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<void>> calls;
    for (int i = 0; i < 20; ++i) calls.push_back(call());
    co_await gather(std::move(calls));
  };
  runtime->run(body());
  REQUIRE(starts.size() == 20);
  std::sort(starts.begin(), starts.end());
  // A start is recorded some time after its token was granted, and a loaded
  // machine delays some records more than others, so gaps between records
  // prove nothing. Each record is a bound from above on its grant, though:
  // the k-th call (from 0) can start no sooner than (k - 3) intervals in.
  for (std::size_t k = 4; k < starts.size(); ++k) {
    auto earliest = static_cast<std::int64_t>(k - 3) * 10ms - 1ms;
    CHECK(starts[k] - t0 >= earliest);
  }
}

TEST_CASE("rate limit waiters are served in the order they arrived") {
  auto runtime = testing::make_runtime();
  RateLimit api(1, 20ms);
  std::vector<int> order;
  auto waiter = [&](int id, std::chrono::milliseconds arrive) -> Task<void> {
    co_await sleep(arrive);
    co_await api.acquire();
    order.push_back(id);
  };
  auto body = [&]() -> Task<void> {
    co_await api.acquire();  // the bucket is empty now
    std::vector<Task<void>> tasks;
    tasks.push_back(waiter(1, 1ms));
    tasks.push_back(waiter(2, 3ms));
    tasks.push_back(waiter(3, 5ms));
    co_await gather(std::move(tasks));
  };
  runtime->run(body());
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("a waiter cancelled while waiting takes no token") {
  auto runtime = testing::make_runtime();
  RateLimit api(1, 50ms);
  bool timed_out = false;
  bool token_left = false;
  bool second = true;
  auto body = [&]() -> Task<void> {
    co_await api.acquire();  // empty: the next token comes in 50ms
    try {
      co_await with_timeout(10ms, api.acquire());
    } catch (const TimeoutError&) {
      timed_out = true;
    }
    co_await sleep(80ms);  // the token has come, and nobody took it
    token_left = api.try_acquire();
    second = api.try_acquire();  // the bucket holds one at most
  };
  runtime->run(body());
  CHECK(timed_out);
  CHECK(token_left);
  CHECK_FALSE(second);
}

TEST_CASE("a reset (--limit) gives a rate limit to a full bucket of the new size") {
  RateLimit api(1, 1s);
  CHECK(api.try_acquire());
  CHECK_FALSE(api.try_acquire());
  api.reset(3);
  CHECK(api.count() == 3);
  CHECK(api.try_acquire());
  CHECK(api.try_acquire());
  CHECK(api.try_acquire());
  CHECK_FALSE(api.try_acquire());
}
