// The process pool: round trips, errors, crashes, kills from outside, timeouts,
// memory limits, and no worker left behind.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/runtime/runtime_helpers.hpp"
#include "tests/runtime/worker_tasks.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

using Complex = std::tuple<std::vector<Map<std::string, std::optional<double>>>, Duration, bool, std::string>;

using testing::crash;
using testing::fail;
using testing::nap;
using testing::spin;
using testing::twice;

Task<std::string> hog(std::string_view) {
  std::vector<std::string> blocks;
  while (true) blocks.emplace_back(std::size_t{16} << 20, 'x');
  co_return "";
}

Task<std::string> echo(std::string_view arguments) {
  Reader in(arguments);
  auto value = decode_value<Complex>(in);
  co_return encode_values(value);
}

// Crashes its worker in one of three ways when asked (1: abort, 2: SIGSEGV,
// 3: _Exit(3)); otherwise doubles n.
Task<std::string> twice_or_crash(std::string_view arguments) {
  Reader in(arguments);
  auto n = decode_value<std::int64_t>(in);
  auto how = decode_value<std::int64_t>(in);
  if (how == 1) std::abort();
  if (how == 2) {
    ::signal(SIGSEGV, SIG_DFL);  // the sanitizers' handler would report it first
    ::raise(SIGSEGV);
  }
  if (how == 3) std::_Exit(3);
  co_return encode_values(n * 2);
}

// Closes its connection to the pool, then goes on living (as a worker
// writing a large core dump would), blocking and deaf to its socket.
Task<std::string> linger(std::string_view) {
  ::close(3);  // detail::kChannelFd
  ::sleep(30);
  co_return "";
}

const ProcessTask kTasks[] = {{"twice", twice},  {"fail", fail}, {"crash", crash}, {"spin", spin},
                              {"nap", nap},      {"hog", hog},   {"echo", echo},   {"twice_or_crash", twice_or_crash},
                              {"linger", linger}};
enum : std::uint32_t { kTwice, kFail, kCrash, kSpin, kNap, kHog, kEcho, kTwiceOrCrash, kLinger };

std::unique_ptr<Runtime> make_runtime(unsigned procs, std::uint64_t memory = 0) {
  RuntimeOptions options;
  options.cpu_threads = 2;
  options.procs = procs;
  options.proc_memory = memory;
  options.process_tasks = kTasks;
  return Runtime::create(options);
}

// Children of this process that are still around (zombies included).
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  std::ifstream in("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  pid_t pid = 0;
  while (in >> pid) out.push_back(pid);
  return out;
}

// Declared first in a test, so it is destroyed last: after the runtime, no
// worker may remain, not even as a zombie.
struct NoChildrenLeft {
  ~NoChildrenLeft() { CHECK(children().empty()); }
};

}  // namespace

// Workers are this test executable again: tests/catch_main.cpp calls this first.
std::optional<int> serve_test_worker(int argc, char** argv) {
  return serve_if_worker(argc, argv, kTasks);
}

TEST_CASE("values survive encoding, and truncated messages are rejected") {
  Map<std::string, std::optional<double>> m;
  m["a"] = 1.5;
  m["b"] = std::nullopt;
  Complex value{{m, {}}, Duration(250'000'000), true, std::string("x\0y", 3)};
  std::string bytes = encode_values(value);
  Reader in(bytes);
  CHECK(decode_value<Complex>(in) == value);
  CHECK(in.done());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    Reader truncated(std::string_view(bytes).substr(0, cut));
    CHECK_THROWS_AS(decode_value<Complex>(truncated), FailedError);
  }
}

TEST_CASE("10,000 calls in two workers come back right") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(2);
  auto results = runtime->run([]() -> Task<std::vector<std::int64_t>> {
    std::vector<Task<std::int64_t>> calls;
    for (std::int64_t i = 0; i < 10'000; ++i) calls.push_back(call_in_process<std::int64_t>(kTwice, i));
    co_return co_await gather(std::move(calls));
  }());
  REQUIRE(results.size() == 10'000);
  for (std::int64_t i = 0; i < 10'000; ++i) REQUIRE(results[static_cast<std::size_t>(i)] == 2 * i);
  CHECK(runtime->processes().spawned() == 2);
}

namespace {

// The parent's side of one call of `twice`, counting the calls made and not
// finished yet.
int live_calls = 0;
int most_live_calls = 0;
Task<std::int64_t> counted_twice(std::int64_t n) {
  ++live_calls;  // every call is made and ends on the loop thread
  most_live_calls = std::max(most_live_calls, live_calls);
  std::int64_t result = co_await call_in_process<std::int64_t>(kTwice, n);
  --live_calls;
  co_return result;
}

}  // namespace

TEST_CASE("a gather of in-process calls makes no more at once than the workers can queue") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(2);
  live_calls = 0;
  most_live_calls = 0;
  auto arguments_of = [](std::int64_t i) { return std::make_tuple(i); };
  auto results = runtime->run([&]() -> Task<std::vector<std::int64_t>> {
    co_return co_await gather_process_calls(IntRange(0, 5'000, false), arguments_of, &counted_twice, 0);
  }());
  REQUIRE(results.size() == 5'000);
  for (std::int64_t i = 0; i < 5'000; ++i) REQUIRE(results[static_cast<std::size_t>(i)] == 2 * i);
  std::size_t window = runtime->processes().call_window(0);
  CHECK(window == 2 * 2 * ProcessPool::kDepth);
  CHECK(most_live_calls > 1);
  CHECK(static_cast<std::size_t>(most_live_calls) <= window);
  // A gather's own limit, when smaller, is kept.
  most_live_calls = 0;
  auto limited = runtime->run([&]() -> Task<std::vector<std::int64_t>> {
    co_return co_await gather_process_calls(IntRange(0, 100, false), arguments_of, &counted_twice, 3);
  }());
  CHECK(limited.size() == 100);
  CHECK(most_live_calls <= 3);
}

TEST_CASE("nested values round-trip through a worker") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(1);
  Map<std::string, std::optional<double>> m;
  m["k"] = -0.25;
  Complex value{{m}, Duration(7), false, "sent"};
  CHECK(runtime->run(call_in_process<Complex>(kEcho, value)) == value);
}

TEST_CASE("arguments and results many times the shared rings' size go through whole, several at once") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(2);
  auto big = [](char fill) {
    Map<std::string, std::optional<double>> m;
    m[std::string(1500, fill)] = 1.5;
    // ~3 MiB encoded: more than ten times a ring (MemoryPipe::kRingBytes).
    return Complex{std::vector<Map<std::string, std::optional<double>>>(2000, m), Duration(1), true,
                   std::string(std::size_t{3} << 19, fill)};
  };
  std::vector<Complex> sent{big('a'), big('b'), big('c'), big('d'), big('e')};
  auto results = runtime->run([](const std::vector<Complex>& sent) -> Task<std::vector<Complex>> {
    std::vector<Task<Complex>> calls;
    for (const Complex& value : sent) calls.push_back(call_in_process<Complex>(kEcho, value));
    co_return co_await gather(std::move(calls));
  }(sent));
  CHECK(results == sent);
}

TEST_CASE("an error in a worker comes back with its kind, message and trace") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(1);
  try {
    runtime->run(call_in_process<std::int64_t>(kFail));
    FAIL("no error");
  } catch (const FailedError& error) {
    CHECK(error.message() == "no good");
    REQUIRE(error.trace().size() == 1);
    CHECK(error.trace()[0].file == "test.task");
  }
  CHECK(runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{4})) == 8);
}

TEST_CASE("a worker that crashes fails only its call and is replaced") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(2);
  auto outcome = runtime->run([]() -> Task<std::tuple<Result<std::int64_t>, Result<std::int64_t>>> {
    co_return co_await gather_settled(call_in_process<std::int64_t>(kCrash),
                                      call_in_process<std::int64_t>(kTwice, std::int64_t{21}));
  }());
  const auto& [crashed, fine] = outcome;
  REQUIRE_FALSE(crashed.ok());
  CHECK(crashed.kind_name() == "WorkerCrashed");
  CHECK_THAT(crashed.error_message(), Catch::Contains("SIGABRT") && Catch::Contains("`crash`"));
  CHECK(fine.value() == 42);
  CHECK(runtime->processes().spawned() == 3);
  CHECK(runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{5})) == 10);
}

TEST_CASE("waiting for a worker whose connection closed does not stop the event loop") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(2);
  std::vector<std::string> finished;
  auto outcome = runtime->run([](std::vector<std::string>& finished) -> Task<std::tuple<Result<int>, Result<int>>> {
    auto lingering = [](std::vector<std::string>& finished) -> Task<int> {
      try {
        co_await call_in_process<std::int64_t>(kLinger);
      } catch (...) {
        finished.push_back("linger");
        throw;
      }
      co_return 0;
    };
    // Ticks on the loop while the pool waits up to a second for the worker
    // to exit: with that wait on the loop thread, it ended after the call.
    auto ticking = [](std::vector<std::string>& finished) -> Task<int> {
      for (int i = 0; i < 5; ++i) co_await sleep(20ms);
      finished.push_back("ticker");
      co_return 0;
    };
    co_return co_await gather_settled(lingering(finished), ticking(finished));
  }(finished));
  const auto& [lingered, ticked] = outcome;
  REQUIRE_FALSE(lingered.ok());
  CHECK(lingered.kind_name() == "WorkerCrashed");
  CHECK_THAT(lingered.error_message(), Catch::Contains("`linger` closed its connection but did not exit") &&
                                           Catch::Contains("killed by the pool"));
  CHECK(ticked.ok());
  CHECK(finished == std::vector<std::string>{"ticker", "linger"});
  CHECK(runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{4})) == 8);
}

TEST_CASE("a worker killed from outside fails its call and the others go on") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(2);
  auto outcome = runtime->run([]() -> Task<std::tuple<Result<std::int64_t>, Result<std::int64_t>>> {
    auto killer = [](std::int64_t) -> Task<std::int64_t> {
      // Wait until the nap has started, then kill whichever worker is busy with it.
      Context& context = co_await current_context();
      co_await sleep(200ms);
      auto pids = context.runtime->processes().pids();
      ::kill(pids.at(0), SIGKILL);
      co_return co_await call_in_process<std::int64_t>(kNap, std::int64_t{1});
    };
    co_return co_await gather_settled(call_in_process<std::int64_t>(kNap, std::int64_t{5000}), killer(0));
  }());
  const auto& [killed, other] = outcome;
  REQUIRE_FALSE(killed.ok());
  CHECK_THAT(killed.error_message(), Catch::Contains("SIGKILL"));
  CHECK(other.ok());
}

TEST_CASE("a timeout kills a worker in an endless loop and the call fails with Timeout") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(1);
  pid_t before = runtime->processes().pids().at(0);
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(runtime->run(with_timeout(100ms, call_in_process<std::int64_t>(kSpin))), TimeoutError);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < 10s);  // generous: the point is that it returns at all
  pid_t after = runtime->processes().pids().at(0);
  CHECK(after != before);
  CHECK(runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{1})) == 2);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// Sanitizers reserve terabytes of address space: an address-space limit cannot
// apply to their workers.
TEST_CASE("a worker over its memory limit is a WorkerCrashed that says so") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(1, std::uint64_t{256} << 20);
  try {
    runtime->run(call_in_process<std::int64_t>(kHog));
    FAIL("no error");
  } catch (const WorkerCrashedError& error) {
    CHECK_THAT(error.message(), Catch::Contains("ran out of memory") && Catch::Contains("256 MiB"));
  }
  CHECK(runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{3})) == 6);
}
#endif

TEST_CASE("no worker outlives its runtime") {
  {
    auto runtime = make_runtime(3);
    CHECK(runtime->processes().pids().size() == 3);
    CHECK(children().size() >= 3);
  }
  CHECK(children().empty());
  errno = 0;
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("calls queued behind a crash, a timeout or a cancelled call still get the right answers") {
  NoChildrenLeft no_children_left;
  auto runtime = make_runtime(1);  // one worker: every call queues behind the first
  using Settled = Result<std::int64_t>;
  auto outcome = runtime->run([]() -> Task<std::vector<Settled>> {
    std::vector<Task<std::int64_t>> calls;
    calls.push_back(call_in_process<std::int64_t>(kCrash));  // crashes the worker
    for (std::int64_t i = 0; i < 5; ++i) calls.push_back(call_in_process<std::int64_t>(kTwice, i));
    calls.push_back(with_timeout(100ms, call_in_process<std::int64_t>(kSpin)));  // killed by its timeout
    for (std::int64_t i = 5; i < 10; ++i) calls.push_back(call_in_process<std::int64_t>(kTwice, i));
    calls.push_back(call_in_process<std::int64_t>(kNap, std::int64_t{300}));  // long: the next call waits
    calls.push_back(with_timeout(50ms, call_in_process<std::int64_t>(kTwice, std::int64_t{99})));  // gives up queued
    for (std::int64_t i = 10; i < 15; ++i) calls.push_back(call_in_process<std::int64_t>(kTwice, i));
    co_return co_await gather_settled(std::move(calls));
  }());
  REQUIRE(outcome.size() == 19);
  CHECK(outcome[0].kind_name() == "WorkerCrashed");
  for (std::int64_t i = 0; i < 5; ++i) CHECK(outcome[static_cast<std::size_t>(1 + i)].value() == 2 * i);
  CHECK(outcome[6].kind_name() == "Timeout");
  for (std::int64_t i = 5; i < 10; ++i) CHECK(outcome[static_cast<std::size_t>(2 + i)].value() == 2 * i);
  CHECK(outcome[12].ok());
  CHECK(outcome[13].kind_name() == "Timeout");
  for (std::int64_t i = 10; i < 15; ++i) CHECK(outcome[static_cast<std::size_t>(4 + i)].value() == 2 * i);
  CHECK(runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{7})) == 14);
}

// Fault injection: one call in ten crashes its worker, in turn by abort,
// SIGSEGV and _Exit. Exactly those calls fail; every call queued behind a
// crash (up to kDepth per worker) is sent again and answered.
TEST_CASE("with one call in ten crashing its worker, exactly the crashing calls fail") {
  NoChildrenLeft no_children_left;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  constexpr std::int64_t kCalls = 1'000;  // each crash starts a worker: slow under the sanitizers
#else
  constexpr std::int64_t kCalls = 10'000;
#endif
  auto runtime = make_runtime(2);
  auto outcome = runtime->run([]() -> Task<std::vector<Result<std::int64_t>>> {
    std::vector<Task<std::int64_t>> calls;
    for (std::int64_t i = 0; i < kCalls; ++i) {
      std::int64_t how = i % 10 == 3 ? 1 + (i / 10) % 3 : 0;
      calls.push_back(call_in_process<std::int64_t>(kTwiceOrCrash, i, how));
    }
    co_return co_await gather_settled(std::move(calls));
  }());
  REQUIRE(outcome.size() == static_cast<std::size_t>(kCalls));
  std::int64_t wrongly_failed = 0;
  std::int64_t crashed = 0;
  for (std::int64_t i = 0; i < kCalls; ++i) {
    const auto& result = outcome[static_cast<std::size_t>(i)];
    if (i % 10 == 3) {
      crashed += result.kind_name() == "WorkerCrashed" ? 1 : 0;
    } else if (!result.ok() || result.value() != 2 * i) {
      ++wrongly_failed;
      if (wrongly_failed <= 3) UNSCOPED_INFO("call " << i << ": " << result.error_message());
    }
  }
  CHECK(wrongly_failed == 0);
  CHECK(crashed == kCalls / 10);
}

TEST_CASE("start-up stops at an interrupt, and a pool past its bound is refused, with no worker left") {
  NoChildrenLeft no_children_left;
  std::stop_source interrupt;
  interrupt.request_stop();
  ProcessPoolOptions options;
  options.workers = 4;
  options.tasks = kTasks;
  options.interrupt = interrupt.get_token();
  CHECK_THROWS_AS(ProcessPool(options), CancelledError);
  options.workers = ProcessPool::kMaxWorkers + 1;
  options.interrupt = {};
  CHECK_THROWS_AS(ProcessPool(options), FailedError);
}

TEST_CASE("a pool that could not start fails every caller the same way, and none waits forever") {
  NoChildrenLeft no_children_left;
  std::stop_source interrupt;
  interrupt.request_stop();
  RuntimeOptions options;
  options.cpu_threads = 1;
  options.procs = 2;
  options.interrupt = interrupt.get_token();  // no process_tasks: the pool starts on first use
  auto runtime = Runtime::create(options);
  for (int caller = 0; caller < 3; ++caller) {
    CHECK_THROWS_WITH(runtime->processes(), "starting the worker processes was interrupted");
  }
}
