#include "memory_pipe.hpp"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "taskrt/error.hpp"

namespace taskrt::detail {

// What both processes map: per direction, how far its writer has written and
// how far its reader has read (each on a cache line of its own, since the two
// sides write them), each side's sleep mark, then the two rings' bytes.
// Counts only grow; a count modulo kRingBytes is a place in the ring.
struct MemoryPipe::Region {
  struct alignas(64) Count {
    std::atomic<std::uint64_t> value{0};
  };
  struct alignas(64) Mark {
    std::atomic<std::uint32_t> wants{0};
  };
  Count written[2];           // [side]: bytes that side has written
  Count read[2];              // [side]: bytes that side has read of what the other wrote
  Mark asleep[2];             // [side]: what that side sleeps waiting for (Wants)
  char bytes[2][kRingBytes];  // [side]: the ring that side writes
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free,
              "the counts are shared between processes: they must not hide a lock");

namespace {

int index_of(MemoryPipe::Side side) {
  return static_cast<int>(side);
}

}  // namespace

MemoryPipe MemoryPipe::create(int socket_fd) {
  int memory_fd = ::memfd_create("taskrt-worker-pipe", MFD_CLOEXEC);
  if (memory_fd < 0 || ::ftruncate(memory_fd, sizeof(Region)) != 0) {
    std::string reason = std::strerror(errno);
    if (memory_fd >= 0) ::close(memory_fd);
    throw WorkerCrashedError("cannot start a worker process: no shared memory for its calls: " + reason);
  }
  void* memory = ::mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_SHARED, memory_fd, 0);
  if (memory == MAP_FAILED) {
    std::string reason = std::strerror(errno);
    ::close(memory_fd);
    throw WorkerCrashedError("cannot start a worker process: cannot map the memory for its calls: " + reason);
  }
  // A new memfd reads as zeros: every count and mark starts at 0.
  return MemoryPipe(Side::kParent, socket_fd, memory_fd, static_cast<Region*>(memory));
}

bool MemoryPipe::attach(int socket_fd, int memory_fd) {
  struct stat status {};
  if (::fstat(memory_fd, &status) != 0 || static_cast<std::size_t>(status.st_size) != sizeof(Region)) return false;
  void* memory = ::mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_SHARED, memory_fd, 0);
  if (memory == MAP_FAILED) return false;
  release();
  side_ = Side::kWorker;
  socket_fd_ = socket_fd;
  memory_fd_ = memory_fd;
  region_ = static_cast<Region*>(memory);
  close_memory_fd();  // the mapping stays
  return true;
}

MemoryPipe::MemoryPipe(MemoryPipe&& other) noexcept
    : side_(other.side_),
      socket_fd_(std::exchange(other.socket_fd_, -1)),
      memory_fd_(std::exchange(other.memory_fd_, -1)),
      region_(std::exchange(other.region_, nullptr)) {}

MemoryPipe& MemoryPipe::operator=(MemoryPipe&& other) noexcept {
  if (this != &other) {
    release();
    side_ = other.side_;
    socket_fd_ = std::exchange(other.socket_fd_, -1);
    memory_fd_ = std::exchange(other.memory_fd_, -1);
    region_ = std::exchange(other.region_, nullptr);
  }
  return *this;
}

MemoryPipe::~MemoryPipe() {
  release();
}

void MemoryPipe::release() noexcept {
  close_memory_fd();
  if (region_ != nullptr) ::munmap(region_, sizeof(Region));
  region_ = nullptr;
  socket_fd_ = -1;
}

void MemoryPipe::close_memory_fd() noexcept {
  if (memory_fd_ >= 0) ::close(memory_fd_);
  memory_fd_ = -1;
}

std::size_t MemoryPipe::write(std::string_view bytes, Wake wake) noexcept {
  int me = index_of(side_);
  std::uint64_t written = region_->written[me].value.load(std::memory_order_relaxed);
  std::uint64_t read = region_->read[1 - me].value.load(std::memory_order_acquire);
  std::size_t count = std::min<std::size_t>(kRingBytes - (written - read), bytes.size());
  if (count == 0) return 0;
  std::size_t at = written % kRingBytes;
  std::size_t first = std::min(count, kRingBytes - at);
  std::memcpy(region_->bytes[me] + at, bytes.data(), first);
  std::memcpy(region_->bytes[me], bytes.data() + first, count - first);
  region_->written[me].value.store(written + count, std::memory_order_seq_cst);
  if (wake == Wake::kNow) wake_reader();
  return count;
}

std::size_t MemoryPipe::read(char* buffer, std::size_t capacity) noexcept {
  int me = index_of(side_);
  int other = 1 - me;
  std::uint64_t read = region_->read[me].value.load(std::memory_order_relaxed);
  std::uint64_t written = region_->written[other].value.load(std::memory_order_acquire);
  std::size_t count = std::min<std::size_t>(written - read, capacity);
  if (count == 0) return 0;
  std::size_t at = read % kRingBytes;
  std::size_t first = std::min(count, kRingBytes - at);
  std::memcpy(buffer, region_->bytes[other] + at, first);
  std::memcpy(buffer + first, region_->bytes[other], count - first);
  region_->read[me].value.store(read + count, std::memory_order_seq_cst);
  wake_other(kWantsRoom);
  return count;
}

bool MemoryPipe::going_to_sleep(bool writing) noexcept {
  int me = index_of(side_);
  int other = 1 - me;
  std::uint32_t wants = writing ? kWantsBytes | kWantsRoom : kWantsBytes;
  region_->asleep[me].wants.store(wants, std::memory_order_seq_cst);
  bool readable = region_->written[other].value.load(std::memory_order_seq_cst) !=
                  region_->read[me].value.load(std::memory_order_relaxed);
  bool room = writing && region_->written[me].value.load(std::memory_order_relaxed) -
                                 region_->read[other].value.load(std::memory_order_seq_cst) <
                             kRingBytes;
  if (readable || room) {
    woke();
    return false;
  }
  return true;
}

void MemoryPipe::woke() noexcept {
  region_->asleep[index_of(side_)].wants.store(0, std::memory_order_relaxed);
}

void MemoryPipe::wake_other(Wants what) noexcept {
  std::atomic<std::uint32_t>& mark = region_->asleep[1 - index_of(side_)].wants;
  if ((mark.load(std::memory_order_seq_cst) & what) == 0) return;
  // Whoever clears the mark rings, once per sleep.
  if (mark.exchange(0, std::memory_order_seq_cst) == 0) return;
  char ring = 1;
  // Nothing to do when it fails: a full socket holds rings already, and a
  // closed one means the other side is gone, which its owner learns by reading.
  (void)::send(socket_fd_, &ring, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

bool MemoryPipe::drain_doorbell() noexcept {
  char rings[64];
  while (true) {
    ssize_t n = ::recv(socket_fd_, rings, sizeof rings, MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

bool MemoryPipe::wait_for_doorbell() noexcept {
  char rings[64];
  while (true) {
    ssize_t n = ::recv(socket_fd_, rings, sizeof rings, 0);
    if (n > 0) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

bool MemoryPipe::wait(bool writing) noexcept {
  if (!going_to_sleep(writing)) return true;
  bool open = wait_for_doorbell();
  woke();
  return open;
}

}  // namespace taskrt::detail
