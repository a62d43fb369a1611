// exec(): output capture, exit codes, failures to start, cancellation.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using testing::run;
using namespace std::chrono_literals;

namespace {

// Whether this process has any child, running or not yet reaped.
bool has_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
}

}  // namespace

TEST_CASE("exec captures stdout, stderr and the exit code") {
  ExecResult result = run(exec("sh", {"-c", "echo out; echo err >&2; exit 3"}));
  CHECK(result.code == 3);
  CHECK(result.stdout == "out\n");
  CHECK(result.stderr == "err\n");
  CHECK_FALSE(has_children());
}

TEST_CASE("exec drains both pipes together, so large outputs never deadlock") {
  // 1 MB on each stream: far more than a pipe holds.
  ExecResult result = run(exec("sh", {"-c", "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"}));
  CHECK(result.code == 0);
  CHECK(result.stdout.size() == 1'000'000);
  CHECK(result.stderr.size() == 1'000'000);
}

TEST_CASE("arguments are passed as they are, without a shell") {
  ExecResult result = run(exec("printf", {"%s|", "a b", "$HOME", "*"}));
  CHECK(result.stdout == "a b|$HOME|*|");
}

TEST_CASE("the child's stdin is empty") {
  CHECK(run(exec("cat", {})).stdout.empty());
}

TEST_CASE("a child killed by a signal reports minus the signal") {
  CHECK(run(exec("sh", {"-c", "kill -TERM $$"})).code == -SIGTERM);
}

TEST_CASE("the child does not inherit the runtime's blocked signals") {
  // The runtime's threads block SIGINT; a child that inherited the mask would
  // survive this and exit 0.
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigset_t old;
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  ExecResult result = run(exec("sh", {"-c", "kill -INT $$; exit 0"}));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  CHECK(result.code == -SIGINT);
}

TEST_CASE("a command that does not exist is an IoError naming it") {
  try {
    run(exec("taskrt-no-such-command", {}));
    FAIL("expected an IoError");
  } catch (const IoError& e) {
    CHECK(std::string(e.what()) == "exec `taskrt-no-such-command`: command not found");
  }
  CHECK_FALSE(has_children());
}

TEST_CASE("a NUL inside an argument or the command is an IoError, never a shorter argument") {
  CHECK_THROWS_WITH(run(exec("printf", {"%s", std::string("a\0b", 3)})),
                    "exec `printf`: argument 2 contains a NUL character");
  CHECK_THROWS_WITH(run(exec(std::string("printf\0x", 8), {})), Catch::Contains("NUL"));
  CHECK_FALSE(has_children());
}

TEST_CASE("a file that is not executable is an IoError") {
  std::string path =
      (std::filesystem::temp_directory_path() / ("taskrt-not-exec-" + std::to_string(::getpid()))).string();
  std::ofstream(path) << "echo hi\n";
  CHECK_THROWS_AS(run(exec(path, {})), IoError);
  std::filesystem::remove(path);
}

TEST_CASE("a timeout kills the child and reaps it before returning") {
  auto body = []() -> Task<ExecResult> {
    std::string command = "sleep";
    std::vector<std::string> args{"30"};
    co_return co_await with_timeout(50ms, exec(command, args));
  };
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(run(body()), TimeoutError);
  CHECK(std::chrono::steady_clock::now() - started < 20s);
  CHECK_FALSE(has_children());
}

TEST_CASE("many children at once") {
  auto body = []() -> Task<std::vector<ExecResult>> {
    std::vector<Task<ExecResult>> runs;
    for (int i = 0; i < 50; ++i) runs.push_back(exec("sh", {"-c", "echo " + std::to_string(i)}));
    co_return co_await gather(std::move(runs));
  };
  std::vector<ExecResult> results = run(body());
  REQUIRE(results.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(results[i].stdout == std::to_string(i) + "\n");
  CHECK_FALSE(has_children());
}

TEST_CASE("an ExecResult prints like a record") {
  CHECK(format_value(ExecResult{0, "a\n", ""}) == R"(ExecResult { code: 0, stdout: "a\n", stderr: "" })");
}
