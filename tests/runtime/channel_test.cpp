// Channel: FIFO delivery, backpressure, close, cancellation.
#include <catch2/catch.hpp>

#include <malloc.h>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TASKC_SANITIZED_HEAP 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TASKC_SANITIZED_HEAP 1
#endif

// Bytes malloc has handed out and not had back; 0 under the sanitizers.
std::size_t heap_in_use() {
#ifdef TASKC_SANITIZED_HEAP
  return 0;
#else
  return mallinfo2().uordblks;
#endif
}

}  // namespace

TEST_CASE("a producer and a consumer pass every value, in order") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(4);
  auto producer = [&]() -> Task<void> {
    for (int i = 0; i < 100; ++i) co_await channel.send(i);
    channel.close();
  };
  auto consumer = [&]() -> Task<std::vector<int>> {
    std::vector<int> got;
    while (std::optional<int> value = co_await channel.recv()) got.push_back(*value);
    co_return got;
  };
  auto body = [&]() -> Task<std::vector<int>> {
    auto [unit, got] = co_await gather(producer(), consumer());
    (void)unit;
    co_return got;
  };
  std::vector<int> got = runtime->run(body());
  REQUIRE(got.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(got[i] == i);
}

TEST_CASE("a full channel suspends the sender until a receiver makes room") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(2);
  std::atomic<int> sent{0};
  auto producer = [&]() -> Task<void> {
    for (int i = 0; i < 3; ++i) {
      co_await channel.send(i);
      sent = i + 1;
    }
  };
  auto body = [&]() -> Task<std::vector<int>> {
    std::vector<int> observed;
    auto watcher = [&]() -> Task<void> {
      co_await sleep(5ms);
      // The third send is still waiting: the buffer holds two.
      observed.push_back(sent.load());
      observed.push_back(static_cast<int>(channel.size()));
      std::optional<int> first = co_await channel.recv();
      observed.push_back(*first);
      co_await sleep(5ms);
      observed.push_back(sent.load());
    };
    co_await gather(producer(), watcher());
    co_return observed;
  };
  CHECK(runtime->run(body()) == std::vector<int>{2, 2, 0, 3});
}

TEST_CASE("close wakes receivers with none and makes sends fail") {
  auto runtime = testing::make_runtime();
  Channel<std::string> channel(1);
  auto receiver = [&]() -> Task<bool> {
    std::optional<std::string> value = co_await channel.recv();
    co_return !value.has_value();
  };
  auto closer = [&]() -> Task<void> {
    co_await sleep(2ms);
    channel.close();
  };
  auto body = [&]() -> Task<bool> {
    auto [woke_with_none, unit] = co_await gather(receiver(), closer());
    (void)unit;
    co_return woke_with_none;
  };
  CHECK(runtime->run(body()));
  auto send_after_close = [&]() -> Task<void> { co_await channel.send("late"); };
  CHECK_THROWS_AS(runtime->run(send_after_close()), FailedError);
}

TEST_CASE("a cancelled receiver leaves the queue and loses no value") {
  auto runtime = testing::make_runtime();
  Channel<int> channel(1);
  auto body = [&]() -> Task<std::optional<int>> {
    auto waiting = [&]() -> Task<std::optional<int>> { co_return co_await channel.recv(); };
    // The receiver times out while waiting; then a value is sent and a fresh
    // receiver gets it.
    auto result = co_await gather_settled(with_timeout(2ms, waiting()));
    CHECK_FALSE(std::get<0>(result).ok());
    co_await channel.send(41);
    co_return co_await channel.recv();
  };
  CHECK(runtime->run(body()) == 41);
}

TEST_CASE("channels work between cpu workers and the loop") {
  auto runtime = testing::make_runtime(2);
  Channel<long> channel(8);
  auto producer = [&](long base) -> Task<void> {
    co_await to_cpu();
    for (long i = 0; i < 500; ++i) co_await channel.send(base + i);
  };
  auto body = [&]() -> Task<long> {
    auto producers = [&]() -> Task<void> {
      co_await gather(producer(0), producer(1000));
      channel.close();
    };
    auto consumer = [&]() -> Task<long> {
      long sum = 0;
      while (std::optional<long> value = co_await channel.recv()) sum += *value;
      co_return sum;
    };
    auto [unit, sum] = co_await gather(producers(), consumer());
    (void)unit;
    co_return sum;
  };
  CHECK(runtime->run(body()) == 2 * (499 * 500 / 2) + 1000 * 500);
}

TEST_CASE("an unbounded channel takes a million values without waiting, gives them back in order, and its memory") {
  auto runtime = testing::make_runtime();
  Channel<std::int64_t> channel(kUnbounded);
  constexpr std::int64_t kCount = 1'000'000;
  std::size_t before = heap_in_use();
  std::size_t full = 0;
  bool all_waiting = false;
  std::int64_t received = 0;
  bool in_order = true;
  auto body = [&]() -> Task<void> {
    for (std::int64_t i = 0; i < kCount; ++i) co_await channel.send(i);  // never suspends
    all_waiting = len(channel) == kCount;
    full = heap_in_use();
    channel.close();
    while (std::optional<std::int64_t> value = co_await channel.recv()) {
      if (*value != received++) in_order = false;
    }
  };
  runtime->run(body());
  CHECK(all_waiting);
  CHECK(in_order);
  CHECK(received == kCount);
  CHECK(len(channel) == 0);
  std::size_t after = heap_in_use();
  // The values took 8 MB; drained, the channel has given its blocks back (the
  // sanitizers keep a heap of their own, which mallinfo2 does not see).
  if (before != 0) {
    CHECK(full - before >= std::size_t{8'000'000});
    CHECK(after < before + std::size_t{1'000'000});
  }
}

TEST_CASE("tasks on the CPU pool send and receive by suspending, never by blocking their thread") {
  // One CPU thread, a rendezvous channel, a producer and three consumers all
  // on the pool: if a send or a receive held the thread, nothing else could
  // run on it and this would never finish.
  auto runtime = testing::make_runtime(1);
  Channel<int> channel(0);
  std::atomic<long> total{0};
  auto producer = [&]() -> Task<void> {
    co_await to_cpu();
    for (int i = 1; i <= 3000; ++i) co_await channel.send(i);
    channel.close();
  };
  auto consumer = [&]() -> Task<void> {
    co_await to_cpu();
    while (std::optional<int> value = co_await channel.recv()) total += *value;
  };
  auto body = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    tasks.push_back(producer());
    for (int i = 0; i < 3; ++i) tasks.push_back(consumer());
    co_await gather(std::move(tasks));
  };
  runtime->run(body());
  CHECK(total == 3000L * 3001 / 2);
}

TEST_CASE("a work queue counts work handed straight to a waiting receiver") {
  // The crawler's race: a call sends new work while the feeder already waits
  // in recv_work(), so the value skips the buffer. The queue must count it as
  // work in progress, or the first call's work_done() closes the queue while
  // the second still runs and its own sends fail.
  auto runtime = testing::make_runtime();
  auto body = [&]() -> Task<bool> {
    Channel<int> queue(kUnbounded);
    co_await queue.send(1);
    std::optional<int> first = co_await queue.recv_work();  // busy: 1
    Event second_taken;
    std::optional<int> second;
    auto feeder = [&]() -> Task<void> {
      second = co_await queue.recv_work();  // waits: the queue is empty, one call runs
      second_taken.set();
    };
    auto worker = [&]() -> Task<void> {
      co_await queue.send(2);  // handed straight to the waiting feeder
      queue.work_done();       // the first call ends; the second has not
      co_await second_taken.wait();
      co_await queue.send(3);  // what the second call finds: the queue is still open
    };
    std::vector<Task<void>> both;
    both.push_back(feeder());
    both.push_back(worker());
    co_await gather(std::move(both));
    queue.work_done();
    std::optional<int> third = co_await queue.recv_work();
    queue.work_done();
    std::optional<int> end = co_await queue.recv_work();  // empty and idle: closed
    co_return first == 1 && second == 2 && third == 3 && !end;
  };
  CHECK(runtime->run(body()));
}
