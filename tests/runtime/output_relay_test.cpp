// OutputRelay (runtime/mpi/): what a serving rank's workers print reaches
// rank 0 as whole lines, all of it by the time flush() returns, and none is
// lost when it is not relaying.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "output_relay.hpp"
#include "rank_protocol.hpp"

using namespace taskrt;

namespace {

// Keeps what is sent to rank 0.
class RecordingLink final : public mpi::RankLink {
 public:
  int rank() const noexcept override { return 1; }
  int size() const noexcept override { return 2; }
  void send(mpi::Message message) override { sent.push_back(std::move(message)); }

  // What was sent for stream 1 (stdout) or 2 (stderr), joined.
  std::string received(char stream) const {
    std::string text;
    for (const mpi::Message& message : sent) {
      REQUIRE(message.rank == 0);
      REQUIRE(message.tag == mpi::kOutput);
      REQUIRE_FALSE(message.bytes.empty());
      if (message.bytes[0] == stream) text += message.bytes.substr(1);
    }
    return text;
  }
  std::vector<mpi::Message> sent;
};

void write_text(int fd, const std::string& text) {
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

}  // namespace

TEST_CASE("flush sends the whole lines written so far, stop the rest") {
  auto loop = EventLoop::create();
  RecordingLink link;
  mpi::OutputRelay relay;
  relay.start(*loop, link);
  write_text(relay.stdout_fd(), "one\ntwo\nthr");
  write_text(relay.stderr_fd(), "err\n");
  relay.flush();
  CHECK(link.received(1) == "one\ntwo\n");
  CHECK(link.received(2) == "err\n");
  write_text(relay.stdout_fd(), "ee\nfour");
  relay.flush();
  CHECK(link.received(1) == "one\ntwo\nthree\n");
  relay.stop();
  CHECK(link.received(1) == "one\ntwo\nthree\nfour");
  CHECK(link.received(2) == "err\n");
}

TEST_CASE("a line longer than the pipe holds goes in parts, none lost") {
  auto loop = EventLoop::create();
  RecordingLink link;
  mpi::OutputRelay relay;
  relay.start(*loop, link);
  // What a worker blocked on a full pipe would see: the relay reads as the
  // loop finds the pipe readable, here one flush per pipeful.
  std::string line(300'000, 'x');
  line += '\n';
  for (std::size_t written = 0; written < line.size();) {
    std::size_t part = std::min<std::size_t>(line.size() - written, 16 * 1024);
    write_text(relay.stdout_fd(), line.substr(written, part));
    written += part;
    relay.flush();
  }
  CHECK(link.received(1) == line);
  CHECK(link.sent.size() > 1);
  relay.stop();
}

TEST_CASE("past a megabyte unwritten by rank 0, the relay stops reading until half is written") {
  auto loop = EventLoop::create();
  RecordingLink link;
  mpi::OutputRelay relay;
  relay.start(*loop, link);
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += std::string(99, 'x') + "\n";  // 100,000 bytes
  for (int i = 0; i < 10; ++i) {
    for (std::size_t at = 0; at < lines.size(); at += 50'000) {
      write_text(relay.stdout_fd(), lines.substr(at, 50'000));
      relay.flush();
    }
    CHECK_FALSE(relay.paused());
  }
  write_text(relay.stdout_fd(), lines.substr(0, 50'000));
  relay.flush();
  CHECK(relay.paused());  // 1,050,000 bytes sent, none written
  relay.written(400'000);
  CHECK(relay.paused());
  relay.written(200'000);  // 450,000 unwritten: under half the limit
  CHECK_FALSE(relay.paused());
  relay.stop();
  CHECK(link.received(1).size() == 1'050'000);
}

TEST_CASE("before it starts and once it stops, the relay writes to this process's own output") {
  // stdout, for the length of this case, is a file we can read back.
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  std::fflush(stdout);
  int saved = ::dup(STDOUT_FILENO);
  ::dup2(::fileno(file), STDOUT_FILENO);
  {
    mpi::OutputRelay relay;
    write_text(relay.stdout_fd(), "before the runtime\npartial");
    relay.stop();
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  char buffer[64] = {};
  ssize_t n = ::pread(::fileno(file), buffer, sizeof buffer - 1, 0);
  std::fclose(file);
  CHECK(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0) == "before the runtime\npartial");
}
