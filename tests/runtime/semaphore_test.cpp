// Semaphore and Mutex: limits, FIFO fairness, no permit leaks.
#include <catch2/catch.hpp>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

TEST_CASE("a semaphore bounds how many holders run at once") {
  auto runtime = testing::make_runtime();
  Semaphore net(3);
  testing::Concurrency concurrency;
  auto worker = [&]() -> Task<void> {
    Semaphore::Permit permit = co_await net.acquire();
    concurrency.enter();
    co_await sleep(1ms);
    concurrency.leave();
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    for (int i = 0; i < 30; ++i) tasks.push_back(worker());
    co_await gather(std::move(tasks));
  };
  runtime->run(body());
  CHECK(concurrency.peak == 3);
  CHECK(net.available() == 3);
}

TEST_CASE("waiters are served in the order they arrived, even smaller requests wait their turn") {
  auto runtime = testing::make_runtime();
  Semaphore sem(2);
  std::vector<int> order;
  auto waiter = [&](int id, int permits, std::chrono::milliseconds arrive) -> Task<void> {
    co_await sleep(arrive);
    Semaphore::Permit permit = co_await sem.acquire(permits);
    order.push_back(id);
    co_await sleep(2ms);
  };
  auto body = [&]() -> Task<void> {
    Semaphore::Permit held = co_await sem.acquire(2);
    // Queue up: 1 wants 2 permits, then 2 and 3 want 1 each.
    std::vector<Task<void>> tasks;
    tasks.push_back(waiter(1, 2, 1ms));
    tasks.push_back(waiter(2, 1, 3ms));
    tasks.push_back(waiter(3, 1, 5ms));
    auto releaser = [&]() -> Task<void> {
      co_await sleep(10ms);
      held.release();
    };
    tasks.push_back(releaser());
    co_await gather(std::move(tasks));
  };
  runtime->run(body());
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(sem.available() == 2);
}

TEST_CASE("permits come back after errors and after cancellation") {
  auto runtime = testing::make_runtime();
  Semaphore sem(2);
  auto failing = [&]() -> Task<int> {
    co_await sleep(5ms);
    throw FailedError("a sibling failed");
  };
  auto forever = [&]() -> Task<int> {
    Semaphore::Permit permit = co_await sem.acquire();
    co_await sleep(60s);
    co_return 0;
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<int>> tasks;
    // Two holders that will be cancelled, four queued waiters that never get
    // a permit, and one failure that cancels them all.
    for (int i = 0; i < 6; ++i) tasks.push_back(forever());
    tasks.push_back(failing());
    co_await gather(std::move(tasks));
  };
  CHECK_THROWS_WITH(runtime->run(body()), "a sibling failed");
  CHECK(sem.available() == 2);
  CHECK(sem.waiting() == 0);
}

TEST_CASE("a mutex serialises read-modify-write across threads") {
  auto runtime = testing::make_runtime(2);
  Mutex lock;
  long counter = 0;
  auto add = [&]() -> Task<void> {
    co_await to_cpu();
    for (int i = 0; i < 1000; ++i) {
      Mutex::Guard guard = co_await lock.lock();
      counter = counter + 1;
    }
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    for (int i = 0; i < 8; ++i) tasks.push_back(add());
    co_await gather(std::move(tasks));
  };
  runtime->run(body());
  CHECK(counter == 8000);
}
