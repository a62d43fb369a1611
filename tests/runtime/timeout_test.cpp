// Timeouts on each kind of work, and retry.
#include <catch2/catch.hpp>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

TEST_CASE("a timeout cancels io work at its suspension point and fails with Timeout") {
  auto runtime = testing::make_runtime();
  std::atomic<bool> saw_cancel{false};
  auto slow = [&]() -> Task<int> {
    try {
      co_await sleep(60s);
    } catch (const CancelledError&) {
      saw_cancel = true;
      throw;
    }
    co_return 1;
  };
  auto body = [&]() -> Task<int> { co_return co_await with_timeout(10ms, slow()); };
  CHECK_THROWS_AS(runtime->run(body()), TimeoutError);
  CHECK(saw_cancel);
}

TEST_CASE("work that finishes in time gives its value") {
  auto runtime = testing::make_runtime();
  auto quick = []() -> Task<int> {
    co_await sleep(1ms);
    co_return 5;
  };
  auto body = [&]() -> Task<int> { co_return co_await with_timeout(10s, quick()); };
  CHECK(runtime->run(body()) == 5);
}

TEST_CASE("a timeout stops a cpu loop that checks for cancellation") {
  auto runtime = testing::make_runtime();
  std::atomic<long> iterations{0};
  auto spin = [&]() -> Task<void> {
    co_await to_cpu();
    Context& context = co_await current_context();
    // What generated code does at every loop back-edge.
    while (true) {
      context.check_cancelled();
      iterations.fetch_add(1, std::memory_order_relaxed);
    }
  };
  auto body = [&]() -> Task<void> { co_await with_timeout(20ms, spin()); };
  CHECK_THROWS_AS(runtime->run(body()), TimeoutError);
  CHECK(iterations > 0);
}

TEST_CASE("a timeout releases the waiter of a blocking call at the deadline") {
  auto runtime = testing::make_runtime();
  std::atomic<bool> finished{false};
  std::atomic<bool> may_finish{false};
  auto body = [&]() -> Task<void> {
    co_await with_timeout(10ms, [&]() -> Task<void> {
      co_await run_blocking([&] {
        // Blocks until the test lets it go: long after the deadline.
        while (!may_finish) std::this_thread::sleep_for(1ms);
        finished = true;
      });
    }());
  };
  CHECK_THROWS_AS(runtime->run(body()), TimeoutError);
  // The call cannot be interrupted: it was still running when the waiter was
  // released. It finishes on its own, and its result is discarded.
  CHECK_FALSE(finished);
  may_finish = true;
  runtime->blocking().shutdown();
  CHECK(finished);
}

namespace {

// A wait that never sees cancellation: it ends when resume() is called,
// as a `recv` that a sender has already handed its value to.
struct Handoff {
  std::coroutine_handle<>* waiting;  // the awaiter may be copied into the frame
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) noexcept { *waiting = handle; }
  void await_resume() const noexcept {}
};

}  // namespace

TEST_CASE("work that finishes after the deadline, without seeing the cancellation, keeps its value") {
  // Discarding it would lose a value a channel had already handed over.
  auto runtime = testing::make_runtime();
  std::coroutine_handle<> waiting;
  auto received = [&]() -> Task<int> {
    co_await Handoff{&waiting};
    co_return 7;
  };
  auto sender = [&]() -> Task<void> {
    co_await sleep(30ms);  // well past the 5 ms deadline
    waiting.resume();
  };
  auto body = [&]() -> Task<int> {
    auto [value, unit] = co_await gather(with_timeout(5ms, received()), sender());
    (void)unit;
    co_return value;
  };
  CHECK(runtime->run(body()) == 7);
}

TEST_CASE("cancelling the caller is Cancelled, not Timeout") {
  auto runtime = testing::make_runtime();
  std::atomic<bool> started{false};
  auto slow = [&]() -> Task<void> {
    started = true;
    co_await sleep(60s);
  };
  auto body = [&]() -> Task<void> { co_await with_timeout(60s, slow()); };
  std::thread canceller([&] {
    while (!started) std::this_thread::yield();
    runtime->cancel();
  });
  CHECK_THROWS_AS(runtime->run(body()), CancelledError);
  canceller.join();
}

TEST_CASE("retry runs attempts until one succeeds, numbering them from 1") {
  auto runtime = testing::make_runtime();
  std::vector<std::int64_t> attempts;
  auto flaky = [&](std::int64_t attempt) -> Task<int> {
    attempts.push_back(attempt);
    co_await sleep(1ms);
    if (attempt < 3) throw IoError("connection reset");
    co_return 200;
  };
  auto body = [&]() -> Task<int> {
    co_return co_await retry(RetryPolicy{5, 1ms, kind_bit(ErrorKind::kIoError)}, flaky);
  };
  CHECK(runtime->run(body()) == 200);
  CHECK(attempts == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("retry gives up after its attempts, and never retries other kinds") {
  auto runtime = testing::make_runtime();
  int calls = 0;
  auto always_io = [&](std::int64_t) -> Task<int> {
    ++calls;
    throw IoError("down");
    co_return 0;
  };
  auto body = [&]() -> Task<int> { co_return co_await retry(RetryPolicy{2, 0ms, kRetryableByDefault}, always_io); };
  CHECK_THROWS_AS(runtime->run(body()), IoError);
  CHECK(calls == 3);

  calls = 0;
  auto failed = [&](std::int64_t) -> Task<int> {
    ++calls;
    throw FailedError("bug");
    co_return 0;
  };
  auto only_timeouts = [&]() -> Task<int> {
    co_return co_await retry(RetryPolicy{5, 0ms, kind_bit(ErrorKind::kTimeout)}, failed);
  };
  CHECK_THROWS_AS(runtime->run(only_timeouts()), FailedError);
  CHECK(calls == 1);
}

TEST_CASE("a timeout per attempt, retried") {
  auto runtime = testing::make_runtime();
  auto attempt = [](std::int64_t n) -> Task<int> {
    co_return co_await with_timeout(5ms, [](std::int64_t k) -> Task<int> {
      co_await sleep(k < 2 ? 60s : 1ms);
      co_return static_cast<int>(k);
    }(n));
  };
  auto body = [&]() -> Task<int> {
    co_return co_await retry(RetryPolicy{3, 1ms, kind_bit(ErrorKind::kTimeout)}, attempt);
  };
  CHECK(runtime->run(body()) == 2);
}
