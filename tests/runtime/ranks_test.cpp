// The ranks of an MPI job, without MPI: rank 0's RemoteRanks and the other
// ranks' RankServers, each with a runtime of its own, exchange messages over
// a link in this process whose threads deliver them as MpiLink's does. So
// the code of runtime/mpi/ but MpiLink runs here under ASan and TSan, which
// cannot follow Open MPI itself (tests/golden/mpi covers mpirun).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "output_relay.hpp"
#include "rank_link.hpp"
#include "rank_server.hpp"
#include "remote_ranks.hpp"
#include "tests/runtime/runtime_helpers.hpp"
#include "tests/runtime/worker_tasks.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

const ProcessTask kTasks[] = {{"twice", testing::twice}, {"fail", testing::fail}, {"crash", testing::crash},
                              {"spin", testing::spin},   {"nap", testing::nap},   {"shout", testing::shout}};
enum : std::uint32_t { kTwice, kFail, kCrash, kSpin, kNap, kShout };

// One rank's end of a job in this process: what is sent to a rank is
// delivered by that rank's own thread, in order, as MpiLink's thread does.
class LoopbackLink final : public mpi::RankLink {
 public:
  LoopbackLink(std::vector<std::unique_ptr<LoopbackLink>>& job, int rank) : job_(job), rank_(rank) {
    thread_ = std::thread([this] { deliver_all(); });
  }
  ~LoopbackLink() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return static_cast<int>(job_.size()); }
  void send(mpi::Message message) override {
    LoopbackLink& to = *job_.at(static_cast<std::size_t>(message.rank));
    message.rank = rank_;
    {
      std::lock_guard lock(to.mutex_);
      to.inbox_.push_back(std::move(message));
    }
    to.wake_.notify_one();
  }

 private:
  void deliver_all() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !inbox_.empty(); });
      if (inbox_.empty()) return;
      mpi::Message message = std::move(inbox_.front());
      inbox_.pop_front();
      lock.unlock();
      deliver(std::move(message));
      lock.lock();
    }
  }

  std::vector<std::unique_ptr<LoopbackLink>>& job_;
  int rank_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<mpi::Message> inbox_;
  bool stopping_ = false;
  std::thread thread_;
};

// Rank 0's runtime, whose `in process` calls go to ranks 1… (`procs` workers
// each), each serving on a thread of its own.
struct Job {
  // `broken`: rank 1's runtime cannot start (as with workers that cannot be
  // spawned); its thread does what run_on_ranks() does then.
  explicit Job(int ranks, unsigned procs = 1, bool broken = false) {
    for (int rank = 0; rank < ranks; ++rank) links.push_back(std::make_unique<LoopbackLink>(links, rank));
    remote = std::make_unique<mpi::RemoteRanks>(*links[0], kTasks, ::fileno(printed[0]), ::fileno(printed[1]));
    for (int rank = 1; rank < ranks; ++rank) {
      relays.push_back(std::make_unique<mpi::OutputRelay>());
      RuntimeOptions options;
      options.cpu_threads = 1;
      options.procs = procs;
      options.process_tasks = kTasks;
      options.worker_stdout = relays.back()->stdout_fd();
      options.worker_stderr = relays.back()->stderr_fd();
      runtimes.push_back(Runtime::create(options));
      servers.push_back(std::make_unique<mpi::RankServer>(*links[static_cast<std::size_t>(rank)], relays.back().get()));
      statuses.push_back(-1);
    }
    for (std::size_t i = 0; i < servers.size(); ++i) {
      threads.emplace_back([this, i, broken] {
        if (broken && i == 0) {
          statuses[i] = 1;
          servers[i]->leave("it could not start; its error is above");
          return;
        }
        try {
          statuses[i] = runtimes[i]->run(servers[i]->serve());
        } catch (const CancelledError&) {
          statuses[i] = 130;
        }
      });
    }
    RuntimeOptions options;
    options.cpu_threads = 1;
    options.process_calls = remote.get();
    runtime = Runtime::create(options);
  }
  // Rank 0's program is over: the other ranks are told, and end.
  void shut_down() {
    runtime.reset();
    remote->shut_down();
    for (auto& thread : threads) thread.join();
    threads.clear();
  }
  ~Job() {
    if (!threads.empty()) shut_down();
    remote.reset();
    runtimes.clear();
    for (std::FILE* file : printed) std::fclose(file);
  }
  // What the calls printed to stdout (0) or stderr (1), as rank 0 wrote it.
  std::string output(int stream) const {
    std::string text;
    char buffer[4096];
    for (off_t at = 0;;) {
      ssize_t n = ::pread(::fileno(printed[stream]), buffer, sizeof buffer, at);
      if (n <= 0) return text;
      text.append(buffer, static_cast<std::size_t>(n));
      at += n;
    }
  }

  std::FILE* printed[2] = {std::tmpfile(), std::tmpfile()};
  std::vector<std::unique_ptr<LoopbackLink>> links;
  std::unique_ptr<mpi::RemoteRanks> remote;
  std::vector<std::unique_ptr<mpi::OutputRelay>> relays;  // ranks 1…, which outlive their runtimes
  std::vector<std::unique_ptr<Runtime>> runtimes;         // ranks 1…
  std::vector<std::unique_ptr<mpi::RankServer>> servers;
  std::vector<int> statuses;
  std::vector<std::thread> threads;
  std::unique_ptr<Runtime> runtime;  // rank 0's
};

}  // namespace

// Workers are this test executable again: tests/catch_main.cpp calls this first.
std::optional<int> serve_test_worker(int argc, char** argv) {
  return serve_if_worker(argc, argv, kTasks);
}

TEST_CASE("calls sent to two ranks come back right, spread over both, and the ranks end at shutdown") {
  Job job(3);
  auto results = job.runtime->run([]() -> Task<std::vector<std::int64_t>> {
    std::vector<Task<std::int64_t>> calls;
    for (std::int64_t i = 0; i < 500; ++i) calls.push_back(call_in_process<std::int64_t>(kTwice, i));
    co_return co_await gather(std::move(calls));
  }());
  REQUIRE(results.size() == 500);
  for (std::int64_t i = 0; i < 500; ++i) CHECK(results[static_cast<std::size_t>(i)] == 2 * i);
  // Calls that take a while spread over both ranks' workers.
  auto pids = job.runtime->run([]() -> Task<std::vector<std::int64_t>> {
    std::vector<Task<std::int64_t>> calls;
    for (int i = 0; i < 8; ++i) calls.push_back(call_in_process<std::int64_t>(kNap, std::int64_t{50}));
    co_return co_await gather(std::move(calls));
  }());
  std::set<std::int64_t> ran(pids.begin(), pids.end());
  std::vector<pid_t> pids1 = job.runtimes[0]->processes().pids();
  std::vector<pid_t> pids2 = job.runtimes[1]->processes().pids();
  std::set<std::int64_t> rank1(pids1.begin(), pids1.end());
  std::set<std::int64_t> rank2(pids2.begin(), pids2.end());
  CHECK(ran.size() == 2);
  CHECK(std::count_if(ran.begin(), ran.end(), [&](std::int64_t pid) { return rank1.count(pid) > 0; }) == 1);
  CHECK(std::count_if(ran.begin(), ran.end(), [&](std::int64_t pid) { return rank2.count(pid) > 0; }) == 1);
  job.shut_down();
  CHECK(job.statuses == std::vector<int>{0, 0});
}

TEST_CASE("an error, a crash and a timeout on another rank are the caller's, as on one machine") {
  Job job(2);
  auto outcome = job.runtime->run([]() -> Task<std::tuple<Result<std::int64_t>, Result<std::int64_t>>> {
    co_return co_await gather_settled(call_in_process<std::int64_t>(kFail), call_in_process<std::int64_t>(kCrash));
  }());
  const auto& [failed, crashed] = outcome;
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.kind_name() == "Failed");
  CHECK(failed.error_message() == "no good");
  REQUIRE_FALSE(crashed.ok());
  CHECK(crashed.kind_name() == "WorkerCrashed");
  CHECK_THAT(crashed.error_message(),
             Catch::Contains("SIGABRT") && Catch::Contains("`crash`") && Catch::Contains("(on MPI rank 1, host "));
  // A call that never ends is cancelled on its rank: its worker is killed and replaced.
  std::size_t spawned = job.runtimes[0]->processes().spawned();
  CHECK_THROWS_AS(job.runtime->run(with_timeout(100ms, call_in_process<std::int64_t>(kSpin))), TimeoutError);
  CHECK(job.runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{21})) == 42);
  job.shut_down();
  CHECK(job.runtimes[0]->processes().spawned() == spawned + 1);
  CHECK(job.statuses == std::vector<int>{0});
}

TEST_CASE("what a call prints on another rank is written by rank 0 before the call returns") {
  Job job(3);
  std::string expected;
  for (std::int64_t call = 0; call < 100; ++call) {
    // Short lines, and lines longer than the pipes hold, which go in parts.
    std::int64_t width = call % 10 == 9 ? 150'000 : 20;
    CHECK(job.runtime->run(call_in_process<std::int64_t>(kShout, std::int64_t{3}, width)) == 3);
    for (int line = 0; line < 3; ++line) {
      std::string text = "line " + std::to_string(line) + " ";
      text.resize(static_cast<std::size_t>(width), '.');
      expected += text + "\n";
    }
    REQUIRE(job.output(0) == expected);
    REQUIRE(job.output(1) == expected);
  }
  job.shut_down();
  CHECK(job.statuses == std::vector<int>{0, 0});
}

TEST_CASE("a rank that stops fails the calls it had, and later calls go to the ranks left") {
  Job job(3);
  auto outcome = job.runtime->run([](Job& job) -> Task<std::vector<Result<std::int64_t>>> {
    std::vector<Task<std::int64_t>> calls;
    for (int i = 0; i < 4; ++i) calls.push_back(call_in_process<std::int64_t>(kNap, std::int64_t{1'500}));
    // Rank 1 is interrupted (as by SIGTERM) once the calls have reached it.
    auto interrupt = [](Job& job) -> Task<std::int64_t> {
      co_await sleep(300ms);
      job.runtimes[0]->cancel();
      co_return 0;
    };
    calls.push_back(interrupt(job));
    co_return co_await gather_settled(std::move(calls));
  }(job));
  REQUIRE(outcome.size() == 5);
  int failed = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (outcome[i].ok()) continue;
    ++failed;
    CHECK(outcome[i].kind_name() == "WorkerCrashed");
    CHECK_THAT(outcome[i].error_message(), Catch::Contains("MPI rank 1") && Catch::Contains("interrupted"));
  }
  CHECK(failed == 2);  // the least loaded rank first: two calls each
  for (int i = 0; i < 4; ++i) CHECK(job.runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{i})) == 2 * i);
  job.shut_down();
  CHECK(job.statuses == std::vector<int>{130, 0});
}

TEST_CASE("a rank that cannot start is left out, and when none is left calls fail instead of waiting") {
  {
    Job job(3, 1, true);
    for (int i = 0; i < 8; ++i)
      CHECK(job.runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{i})) == 2 * i);
    job.shut_down();
    CHECK(job.statuses == std::vector<int>{1, 0});
  }
  Job job(2, 1, true);
  // Whether the call is made before or after rank 1 says so, it fails.
  try {
    job.runtime->run(call_in_process<std::int64_t>(kTwice, std::int64_t{1}));
    FAIL("the call succeeded with no rank to run it");
  } catch (const WorkerCrashedError& error) {
    CHECK_THAT(error.what(), Catch::Contains("rank") && Catch::Contains("stopped"));
  }
  job.shut_down();
}
