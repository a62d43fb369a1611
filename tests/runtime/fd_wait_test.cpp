// Waiting for file descriptors on the event loop.
#include <fcntl.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    ::close(read_end);
    ::close(write_end);
  }
};

}  // namespace

TEST_CASE("a task waits for a pipe to become readable without blocking the loop") {
  auto runtime = testing::make_runtime();
  Pipe pipe;
  std::vector<std::string> events;
  auto reader = [&]() -> Task<void> {
    std::uint32_t ready = co_await wait_readable(pipe.read_end);
    char buffer[16] = {};
    ssize_t n = ::read(pipe.read_end, buffer, sizeof buffer);
    events.push_back((ready & EPOLLIN) ? "readable" : "?");
    events.push_back(std::string(buffer, static_cast<std::size_t>(n)));
  };
  auto writer = [&]() -> Task<void> {
    co_await sleep(2ms);
    events.push_back("writing");
    REQUIRE(::write(pipe.write_end, "hi", 2) == 2);
  };
  auto body = [&]() -> Task<void> { co_await gather(reader(), writer()); };
  runtime->run(body());
  CHECK(events == std::vector<std::string>{"writing", "readable", "hi"});
}

TEST_CASE("a writable pipe is ready at once, and the wait works from a cpu task") {
  auto runtime = testing::make_runtime();
  Pipe pipe;
  auto body = [&]() -> Task<bool> {
    co_await to_cpu();
    std::uint32_t ready = co_await wait_writable(pipe.write_end);
    co_return (ready & EPOLLOUT) != 0;
  };
  CHECK(runtime->run(body()));
}

TEST_CASE("cancellation wakes a task waiting for a descriptor") {
  auto runtime = testing::make_runtime();
  Pipe pipe;
  auto body = [&]() -> Task<void> {
    co_await with_timeout(5ms, [&]() -> Task<void> { co_await wait_readable(pipe.read_end); }());
  };
  CHECK_THROWS_AS(runtime->run(body()), TimeoutError);
  // The registration is gone: the descriptor can be waited on again.
  REQUIRE(::write(pipe.write_end, "x", 1) == 1);
  auto again = [&]() -> Task<std::uint32_t> { co_return co_await wait_readable(pipe.read_end); };
  CHECK((runtime->run(again()) & EPOLLIN) != 0);
}

TEST_CASE("waiting on a descriptor that is not open is an IoError") {
  auto runtime = testing::make_runtime();
  auto body = []() -> Task<void> { co_await wait_readable(-1); };
  CHECK_THROWS_AS(runtime->run(body()), IoError);
}
