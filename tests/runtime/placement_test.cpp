// Where each kind of work runs: io on the loop thread, cpu on pool workers,
// blocking calls on blocking-pool threads; crossing is always by suspension.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

TEST_CASE("io coroutines run on the thread that called run(), the loop thread") {
  auto runtime = testing::make_runtime();
  std::thread::id caller = std::this_thread::get_id();
  auto body = [&]() -> Task<bool> {
    bool before = std::this_thread::get_id() == caller;
    co_await sleep(1ms);
    bool after = std::this_thread::get_id() == caller;
    co_return before&& after && runtime->loop().in_loop_thread();
  };
  CHECK(runtime->run(body()));
}

TEST_CASE("to_cpu moves to a pool worker and an io caller resumes on the loop") {
  auto runtime = testing::make_runtime();
  std::thread::id loop_thread = std::this_thread::get_id();
  // Assertions stay on the test thread: Catch2 is not thread-safe.
  std::atomic<bool> ran_in_pool{false};
  auto on_cpu = [&]() -> Task<std::thread::id> {
    co_await to_cpu();
    ran_in_pool = runtime->cpu().in_pool();
    co_return std::this_thread::get_id();
  };
  auto body = [&]() -> Task<bool> {
    std::thread::id worker = co_await on_cpu();
    co_return worker != loop_thread&& std::this_thread::get_id() == loop_thread;
  };
  CHECK(runtime->run(body()));
  CHECK(ran_in_pool);
}

TEST_CASE("a cpu coroutine that awaits inside the pool suspends without blocking its worker") {
  // One worker only: if awaiting blocked it, the inner task could never run.
  auto runtime = testing::make_runtime(1);
  auto inner = []() -> Task<int> {
    co_await to_cpu();
    co_return 7;
  };
  auto outer = [&]() -> Task<int> {
    co_await to_cpu();
    int sum = 0;
    for (int i = 0; i < 100; ++i) sum += co_await inner();
    auto [a, b] = co_await gather(inner(), inner());
    co_return sum + a + b;
  };
  CHECK(runtime->run(outer()) == 714);
}

TEST_CASE("run_blocking runs on a blocking-pool thread and resumes the caller on its executor") {
  auto runtime = testing::make_runtime();
  std::thread::id loop_thread = std::this_thread::get_id();
  auto body = [&]() -> Task<bool> {
    std::thread::id where = co_await run_blocking([] {
      std::this_thread::sleep_for(1ms);
      return std::this_thread::get_id();
    });
    co_return where != loop_thread&& std::this_thread::get_id() == loop_thread;
  };
  CHECK(runtime->run(body()));
}

TEST_CASE("run_blocking passes exceptions through as errors") {
  auto runtime = testing::make_runtime();
  auto body = []() -> Task<void> { co_await run_blocking([] { throw std::runtime_error("disk on fire"); }); };
  CHECK_THROWS_WITH(runtime->run(body()), "disk on fire");
}

TEST_CASE("with cpu_work_on_loop (a process-pool worker), cpu tasks run on the loop thread") {
  RuntimeOptions options;
  options.cpu_threads = 1;
  options.cpu_work_on_loop = true;
  auto runtime = Runtime::create(options);
  std::thread::id loop_thread = std::this_thread::get_id();
  auto cpu_task = [&](int i) -> Task<int> {
    co_await ensure_cpu();
    co_return std::this_thread::get_id() == loop_thread ? i : -1;
  };
  auto body = [&]() -> Task<int> {
    std::vector<Task<int>> calls;
    for (int i = 0; i < 100; ++i) calls.push_back(cpu_task(i));
    int total = 0;
    for (int value : co_await gather(std::move(calls))) total += value;
    co_await to_cpu();
    bool hopped_to_loop = runtime->loop().in_loop_thread();
    co_return hopped_to_loop ? total : -1;
  };
  CHECK(runtime->run(body()) == 4950);
}

namespace {

// A poll hook that records when it ran.
struct PollProbe {
  PollHook hook;
  std::vector<std::string>* log = nullptr;
  int runs = 0;
  std::thread::id thread;

  explicit PollProbe(std::vector<std::string>& into) : log(&into) {
    hook.owner = this;
    hook.run = [](PollHook* self) {
      auto* probe = static_cast<PollProbe*>(self->owner);
      ++probe->runs;
      probe->thread = std::this_thread::get_id();
      probe->log->push_back("hook");
    };
  }
};

}  // namespace

TEST_CASE("a poll hook runs once, on the loop thread, after what is ready and before the loop polls") {
  auto runtime = testing::make_runtime();
  std::vector<std::string> log;
  PollProbe probe(log);
  auto step = [&]() -> Task<void> {
    log.push_back("step");
    co_return;
  };
  runtime->run([&]() -> Task<void> {
    EventLoop& loop = (co_await current_context()).runtime->loop();
    loop.before_next_poll(&probe.hook);
    loop.before_next_poll(&probe.hook);  // queued already: still one run
    std::vector<Task<void>> steps;
    for (int i = 0; i < 3; ++i) steps.push_back(step());
    co_await gather(std::move(steps));
    // The loop polls while this sleeps. Long enough that the timer is not
    // already due when the loop next looks (a slow sanitizer build took
    // over 1ms to get there, and the hook never ran).
    co_await sleep(100ms);
    log.push_back("slept");
  }());
  CHECK(probe.runs == 1);
  CHECK(probe.thread == std::this_thread::get_id());
  CHECK(log == std::vector<std::string>{"step", "step", "step", "hook", "slept"});
}

TEST_CASE("a poll hook still queued when run() returns is dropped, and can be queued again") {
  auto runtime = testing::make_runtime();
  std::vector<std::string> log;
  PollProbe probe(log);
  auto queue_hook = [&]() -> Task<void> { (co_await current_context()).runtime->loop().before_next_poll(&probe.hook); };
  runtime->run(queue_hook());  // returns before the loop polls
  CHECK(probe.runs == 0);
  CHECK_FALSE(probe.hook.queued);
  runtime->run([&]() -> Task<void> {
    co_await queue_hook();
    co_await sleep(100ms);
  }());
  CHECK(probe.runs == 1);
}
