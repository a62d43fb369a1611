// MemoryPipe: one end of the two-way byte stream between the process pool
// and one of its workers. The bytes go through two rings in memory that both
// processes map (one ring each way); their Unix socket stays, as the
// doorbell, and as the way each learns that the other has gone.
//
// Why: through the socket alone, every answer was a `write` and a wake-up of
// the parent, and tiny calls cost little else (docs/runtime.md, "The process
// pool"). Through memory, a side that is busy takes what the other wrote
// without a system call; the doorbell rings only for a side that said it is
// going to sleep. An answer is in the parent's memory as soon as the worker
// has written it, so a worker that crashes on its next call cannot take the
// answer with it.
//
// Waking without losing a wake-up: a side about to sleep first marks itself
// asleep, then looks at the rings once more; a side that has written (or made
// room) first publishes that, then looks at the mark. Both are sequentially
// consistent, so at least one of them sees the other.
//
// One thread per side: the parent's loop thread, the worker's serving thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace taskrt::detail {

class MemoryPipe {
 public:
  enum class Side : std::uint8_t { kParent = 0, kWorker = 1 };
  // Bytes each ring holds: a result larger than this waits for the other
  // side to read some, as it would in a socket's buffer.
  static constexpr std::size_t kRingBytes = 256 * 1024;

  // The parent's end, in new shared memory; the worker gets memory_fd().
  // Throws WorkerCrashedError when the memory cannot be had.
  static MemoryPipe create(int socket_fd);
  // The worker's end, in the memory the parent made; false on failure.
  bool attach(int socket_fd, int memory_fd);

  MemoryPipe() = default;
  MemoryPipe(MemoryPipe&& other) noexcept;
  MemoryPipe& operator=(MemoryPipe&& other) noexcept;
  MemoryPipe(const MemoryPipe&) = delete;
  MemoryPipe& operator=(const MemoryPipe&) = delete;
  // Unmaps the memory and closes memory_fd (never the socket: its owner's).
  ~MemoryPipe();

  // The memory's descriptor until close_memory_fd() (the parent hands it to
  // the worker it starts); -1 after.
  int memory_fd() const noexcept { return memory_fd_; }
  void close_memory_fd() noexcept;

  // Copies as much of `bytes` as the outgoing ring has room for; how much.
  // A reader asleep is woken now, or (kLater) by wake_reader(): several
  // writes, one doorbell.
  enum class Wake : std::uint8_t { kNow, kLater };
  std::size_t write(std::string_view bytes, Wake wake = Wake::kNow) noexcept;
  // Rings the doorbell if the other side sleeps waiting for bytes.
  void wake_reader() noexcept { wake_other(kWantsBytes); }
  // Takes up to `capacity` bytes from the incoming ring; how many.
  std::size_t read(char* buffer, std::size_t capacity) noexcept;

  // Before waiting on the socket for the other side: marks this side asleep,
  // waiting for bytes to read, and for room to write when `writing`. False
  // (and not asleep) when there is something to do already.
  bool going_to_sleep(bool writing) noexcept;
  // After the wait (the other side may have cleared the mark already).
  void woke() noexcept;
  // Takes the doorbell's rings off the socket without blocking: false when
  // the other side has closed its end.
  bool drain_doorbell() noexcept;
  // Blocks until the doorbell rings: false when the other side has closed
  // its end (the worker's wait; the parent waits on its event loop).
  bool wait_for_doorbell() noexcept;
  // The three above, for a side that may block: returns once there may be
  // bytes to read (or, when `writing`, room to write); false when the other
  // side has closed its end.
  bool wait(bool writing) noexcept;

 private:
  struct Region;
  enum Wants : std::uint32_t { kWantsBytes = 1, kWantsRoom = 2 };

  MemoryPipe(Side side, int socket_fd, int memory_fd, Region* region) noexcept
      : side_(side), socket_fd_(socket_fd), memory_fd_(memory_fd), region_(region) {}
  // Rings the other side's doorbell if it sleeps waiting for `what`.
  void wake_other(Wants what) noexcept;
  void release() noexcept;

  Side side_ = Side::kParent;
  int socket_fd_ = -1;
  int memory_fd_ = -1;
  Region* region_ = nullptr;
};

}  // namespace taskrt::detail
