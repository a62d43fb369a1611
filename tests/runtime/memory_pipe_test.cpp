// The process pool's MemoryPipe, both ends in this process: bytes arrive
// whole and in order across the rings' wrap-around and when a ring fills,
// the doorbell rings exactly for a side that said it sleeps, and a stream of
// random pieces between two threads that sleep when they must neither loses
// a byte nor hangs.
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <thread>

#include "runtime/src/memory_pipe.hpp"

using taskrt::detail::MemoryPipe;

namespace {

// Both ends of one pipe, as the pool and a worker hold them.
struct Ends {
  int sockets[2] = {-1, -1};
  MemoryPipe parent;
  MemoryPipe worker;

  Ends() {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) == 0);
    parent = MemoryPipe::create(sockets[0]);
    // The worker gets its own descriptor of the memory, as posix_spawn gives it.
    REQUIRE(worker.attach(sockets[1], ::dup(parent.memory_fd())));
    parent.close_memory_fd();
  }
  ~Ends() {
    for (int fd : sockets) {
      if (fd >= 0) ::close(fd);
    }
  }
  void close_worker_socket() {
    ::close(sockets[1]);
    sockets[1] = -1;
  }
};

std::string read_all(MemoryPipe& pipe) {
  std::string out;
  char buffer[4096];
  while (std::size_t n = pipe.read(buffer, sizeof buffer)) out.append(buffer, n);
  return out;
}

// Whether a doorbell ring waits on `fd`, taking it.
bool rang(int fd) {
  char ring = 0;
  return ::recv(fd, &ring, 1, MSG_DONTWAIT) == 1;
}

std::string pattern(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::mt19937 random(seed);
  for (char& c : out) c = static_cast<char>(random());
  return out;
}

}  // namespace

TEST_CASE("a memory pipe carries bytes both ways, in order, across the end of its rings") {
  Ends ends;
  std::string sent;
  std::string received;
  // Pieces of a prime size, so that the ring wraps in the middle of one.
  for (unsigned i = 0; sent.size() < 3 * MemoryPipe::kRingBytes; ++i) {
    std::string piece = pattern(7919, i);
    REQUIRE(ends.parent.write(piece) == piece.size());
    sent += piece;
    received += read_all(ends.worker);
  }
  CHECK(received == sent);
  REQUIRE(ends.worker.write("answer") == 6);
  CHECK(read_all(ends.parent) == "answer");
  CHECK(read_all(ends.parent).empty());
}

TEST_CASE("a full ring takes what fits, and the rest once the reader has made room") {
  Ends ends;
  std::string big = pattern(MemoryPipe::kRingBytes + 1000, 1);
  std::size_t taken = ends.worker.write(big);
  CHECK(taken == MemoryPipe::kRingBytes);
  CHECK(ends.worker.write("more") == 0);
  char buffer[1500];
  REQUIRE(ends.parent.read(buffer, sizeof buffer) == sizeof buffer);
  CHECK(ends.worker.write(std::string_view(big).substr(taken)) == 1000);
  CHECK(std::string(buffer, sizeof buffer) + read_all(ends.parent) == big);
}

TEST_CASE("the doorbell rings only for a side that said it sleeps, once per sleep") {
  Ends ends;
  int parent_socket = ends.sockets[0];
  int worker_socket = ends.sockets[1];

  // Awake: no ring.
  REQUIRE(ends.parent.write("a") == 1);
  CHECK_FALSE(rang(worker_socket));
  // Something to read already: it does not go to sleep.
  CHECK_FALSE(ends.worker.going_to_sleep(false));
  CHECK(read_all(ends.worker) == "a");

  // Asleep waiting for bytes: the first write rings, the second does not.
  REQUIRE(ends.worker.going_to_sleep(false));
  REQUIRE(ends.parent.write("b") == 1);
  REQUIRE(ends.parent.write("c") == 1);
  CHECK(ends.worker.wait_for_doorbell());
  CHECK_FALSE(rang(worker_socket));
  ends.worker.woke();
  CHECK(read_all(ends.worker) == "bc");

  // Asleep waiting for bytes only: making room for it rings nothing.
  REQUIRE(ends.parent.going_to_sleep(false));
  REQUIRE(ends.worker.write("d") == 1);
  CHECK(ends.parent.drain_doorbell());
  ends.parent.woke();
  REQUIRE(ends.worker.going_to_sleep(false));
  CHECK(read_all(ends.parent) == "d");
  CHECK_FALSE(rang(worker_socket));
  ends.worker.woke();

  // Asleep waiting for room: the reader's read rings.
  std::string big = pattern(MemoryPipe::kRingBytes, 2);
  REQUIRE(ends.worker.write(big) == big.size());
  REQUIRE(ends.worker.going_to_sleep(true));
  char buffer[10];
  REQUIRE(ends.parent.read(buffer, sizeof buffer) == sizeof buffer);
  CHECK(rang(worker_socket));
  ends.worker.woke();
  // Room already: it does not go to sleep.
  CHECK_FALSE(ends.worker.going_to_sleep(true));
  CHECK_FALSE(rang(parent_socket));
}

TEST_CASE("a side learns that the other has closed its end") {
  Ends ends;
  CHECK(ends.parent.drain_doorbell());
  REQUIRE(ends.worker.write("last words") == 10);
  ends.close_worker_socket();
  CHECK_FALSE(ends.parent.drain_doorbell());
  // What it wrote before it went is still there to read.
  CHECK(read_all(ends.parent) == "last words");
}

TEST_CASE("two threads stream random pieces through a memory pipe, sleeping when they must") {
  Ends ends;
  constexpr std::size_t kTotal = 8 * MemoryPipe::kRingBytes + 12345;
  std::string sent = pattern(kTotal, 3);
  std::string received;
  bool reader_lost_the_writer = false;  // Catch2's checks are for the test's own thread
  std::thread reader([&] {
    std::mt19937 random(4);
    std::string buffer(3 * MemoryPipe::kRingBytes / 2, '\0');
    while (received.size() < kTotal) {
      std::size_t n = ends.worker.read(buffer.data(), 1 + random() % buffer.size());
      if (n > 0) {
        received.append(buffer.data(), n);
      } else if (ends.worker.going_to_sleep(false)) {
        reader_lost_the_writer = !ends.worker.wait_for_doorbell();
        ends.worker.woke();
        if (reader_lost_the_writer) return;
      }
    }
  });
  std::mt19937 random(5);
  std::string_view left = sent;
  while (!left.empty()) {
    std::size_t n = ends.parent.write(left.substr(0, 1 + random() % (MemoryPipe::kRingBytes / 3)));
    left.remove_prefix(n);
    if (n == 0 && ends.parent.going_to_sleep(true)) {
      // The parent's wait is its event loop's; a blocking one does the same here.
      char ring = 0;
      REQUIRE(::recv(ends.sockets[0], &ring, 1, 0) == 1);
      ends.parent.woke();
    }
  }
  reader.join();
  CHECK_FALSE(reader_lost_the_writer);
  CHECK(received == sent);
}
