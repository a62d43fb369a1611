// Shutdown, pool behaviour and memory that stays bounded by live tasks.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

// Resident set size in KiB, from /proc.
long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

}  // namespace

TEST_CASE("a runtime shuts down cleanly with idle pools and with a blocking job running") {
  {
    auto runtime = testing::make_runtime();
    CHECK(runtime->cpu().size() == 2);
  }
  auto runtime = testing::make_runtime();
  std::atomic<bool> done{false};
  CHECK(runtime->blocking().submit([&] {
    std::this_thread::sleep_for(5ms);
    done = true;
  }));
  runtime->shutdown();
  // shutdown() lets running jobs finish, then refuses new ones.
  CHECK(done);
  CHECK_FALSE(runtime->blocking().submit([] {}));
}

TEST_CASE("the blocking pool grows with demand and stays within its limit") {
  auto pool = BlockingPool::create(4, 50ms);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<bool> release{false};
  for (int i = 0; i < 10; ++i) {
    pool->submit([&] {
      int now = running.fetch_add(1) + 1;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      while (!release) std::this_thread::sleep_for(1ms);
      running.fetch_sub(1);
    });
  }
  while (peak.load() < 4) std::this_thread::sleep_for(1ms);
  CHECK(pool->live_threads() == 4);
  release = true;
  pool->shutdown();
  CHECK(peak == 4);
  CHECK(pool->live_threads() == 0);
}

TEST_CASE("a million tasks run with memory bounded by the live ones") {
  auto runtime = testing::make_runtime(2);
  const int batches = kSanitized ? 20 : 200;
  const int per_batch = 5000;
  std::atomic<long> total{0};
  auto tiny = [&](int i) -> Task<void> {
    total.fetch_add(i, std::memory_order_relaxed);
    co_return;
  };
  auto batch = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    tasks.reserve(per_batch);
    for (int i = 0; i < per_batch; ++i) tasks.push_back(tiny(1));
    co_await gather(std::move(tasks));
  };
  auto body = [&](int count) -> Task<void> {
    for (int b = 0; b < count; ++b) co_await batch();
  };
  runtime->run(body(5));
  long warm = rss_kib();
  runtime->run(body(batches));
  long after = rss_kib();
  CHECK(total == static_cast<long>(per_batch) * (batches + 5));
  if (!kSanitized) {
    // A million tasks, of which at most 5000 are alive at once: memory must not
    // grow with the total. 16 MiB is far below 1M frames (~100 MiB).
    CHECK(after - warm < 16 * 1024);
  }
}

TEST_CASE("cpu pool workers sleep when idle and wake for new work") {
  auto runtime = testing::make_runtime(2);
  auto on_cpu = []() -> Task<int> {
    co_await to_cpu();
    co_return 1;
  };
  auto body = [&]() -> Task<int> {
    int sum = 0;
    for (int round = 0; round < 20; ++round) {
      // Let the workers go to sleep, then wake them.
      co_await sleep(1ms);
      auto [a, b] = co_await gather(on_cpu(), on_cpu());
      sum += a + b;
    }
    co_return sum;
  };
  CHECK(runtime->run(body()) == 40);
}

TEST_CASE("destroying a runtime waits for an abandoned blocking call to finish") {
  std::atomic<bool> finished{false};
  std::atomic<bool> may_finish{false};
  std::thread releaser;
  {
    auto runtime = testing::make_runtime();
    auto body = [&]() -> Task<void> {
      co_await with_timeout(2ms, [&]() -> Task<void> {
        co_await run_blocking([&] {
          while (!may_finish) std::this_thread::sleep_for(1ms);
          finished = true;
        });
      }());
    };
    CHECK_THROWS_AS(runtime->run(body()), TimeoutError);
    releaser = std::thread([&] {
      std::this_thread::sleep_for(5ms);
      may_finish = true;
    });
    // The destructor below shuts the pools down: it must wait for the call,
    // which still uses state the runtime owns, rather than free it under it.
  }
  releaser.join();
  CHECK(finished);
}
