#include <catch2/catch.hpp>
#include <thread>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

Task<int> answer() {
  co_return 42;
}
Task<int> add_one(int x) {
  co_return x + 1;
}
Task<int> chain() {
  int a = co_await answer();
  int b = co_await add_one(a);
  co_return b;
}
Task<void> fail_with(std::string message) {
  co_await sleep(1ms);
  throw FailedError(message);
}
Task<std::string> catches() {
  try {
    co_await fail_with("boom");
  } catch (const Error& e) {
    co_return std::string(error_kind_name(e.kind())) + ": " + e.message();
  }
  co_return "no error";
}

}  // namespace

TEST_CASE("a task produces its value through nested awaits") {
  auto runtime = testing::make_runtime();
  CHECK(runtime->run(chain()) == 43);
}

TEST_CASE("a task is lazy: nothing runs until it is awaited") {
  bool ran = false;
  auto runtime = testing::make_runtime();
  auto body = [&]() -> Task<void> {
    ran = true;
    co_return;
  };
  Task<void> task = body();
  CHECK_FALSE(ran);
  runtime->run(std::move(task));
  CHECK(ran);
}

TEST_CASE("errors travel through co_await and out of run") {
  auto runtime = testing::make_runtime();
  CHECK(runtime->run(catches()) == "Failed: boom");
  CHECK_THROWS_AS(runtime->run(fail_with("escaped")), FailedError);
}

TEST_CASE("long chains of nested awaits complete") {
  auto runtime = testing::make_runtime();
  struct Recurse {
    static Task<long> depth(long n) {
      if (n == 0) co_return 0;
      co_return 1 + co_await depth(n - 1);
    }
  };
  // Symmetric transfer keeps the stack flat when the compiler makes it a tail
  // call (optimised builds); sanitizer builds do not, so stay well within 8 MiB.
  CHECK(runtime->run(Recurse::depth(2000)) == 2000);
}

TEST_CASE("a runtime can run several root tasks in turn") {
  auto runtime = testing::make_runtime();
  for (int i = 0; i < 5; ++i) CHECK(runtime->run(add_one(i)) == i + 1);
}

TEST_CASE("an event releases every waiter, present and future") {
  auto runtime = testing::make_runtime();
  Event ready;
  std::vector<int> order;
  auto waiter = [&](int id) -> Task<void> {
    co_await ready.wait();
    order.push_back(id);
  };
  auto setter = [&]() -> Task<void> {
    co_await sleep(2ms);
    order.push_back(0);
    ready.set();
  };
  auto body = [&]() -> Task<void> {
    co_await gather(waiter(1), waiter(2), setter());
    co_await waiter(3);  // already set: no wait
  };
  runtime->run(body());
  CHECK(order == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("ensure_cpu hops to the pool once and not again") {
  auto runtime = testing::make_runtime();
  std::thread::id loop_thread = std::this_thread::get_id();
  auto body = [&]() -> Task<bool> {
    co_await ensure_cpu();
    std::thread::id first = std::this_thread::get_id();
    co_await ensure_cpu();
    co_return first != loop_thread && runtime->cpu().in_pool();
  };
  CHECK(runtime->run(body()));
}
