// OutputRelay: a serving rank's workers print into two pipes instead of the
// rank's stdout and stderr, and the relay sends what they print to rank 0
// (kOutput), which writes it to its own. mpirun forwards each rank's output
// on a path of its own, so a line a call printed on rank 1 could come out
// after the line rank 0 printed once the call had returned; the relay sends
// a call's lines ahead of its response (flush), and rank 0 writes them before
// it hands the result to the caller, so they come out where they would alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "rank_link.hpp"
#include "taskrt/event_loop.hpp"

namespace taskrt::mpi {

class OutputRelay {
 public:
  // Makes the pipes; throws IoError when it cannot.
  OutputRelay();
  ~OutputRelay();
  OutputRelay(const OutputRelay&) = delete;
  OutputRelay& operator=(const OutputRelay&) = delete;

  // Where the workers print (RuntimeOptions::worker_stdout, worker_stderr).
  int stdout_fd() const noexcept { return streams_[0].write_fd; }
  int stderr_fd() const noexcept { return streams_[1].write_fd; }

  // Sends what the workers print as it comes, on `loop`'s thread, until stop().
  void start(EventLoop& loop, RankLink& link);
  // Sends every whole line printed so far. Before a call's response: its
  // worker wrote its lines before it answered, so they are in the pipes.
  void flush();
  // Rank 0 has written `bytes` of what was sent (kWritten). Past
  // kMostUnwritten bytes sent and not yet written, the relay stops reading
  // the pipes until half of them are, so workers that print faster than rank
  // 0's stdout is read wait on their pipe, as they would alone on a full
  // stdout. flush() reads regardless: what one call printed is in the pipes.
  void written(std::uint64_t bytes);
  bool paused() const noexcept { return paused_; }

  // Sends the rest, a line without its end included, and stops watching.
  // Once stopped, or before it starts, what the workers print is written to
  // this rank's own stdout and stderr instead, when flushed or stopped.
  void stop();

 private:
  struct Stream {
    int read_fd = -1;          // ours, non-blocking
    int write_fd = -1;         // the workers'
    std::size_t capacity = 0;  // the pipe's, in bytes
    std::uint8_t number = 0;
    std::string unsent;  // read, not sent: the start of a line
    FdWaiter waiter;
    OutputRelay* relay = nullptr;
  };
  // Reads what the pipe holds, then sends its whole lines (all of it, when
  // `everything` or when a line has grown past kLongestLine).
  void relay(Stream& stream, bool everything);
  static void on_readable(FdWaiter* waiter, std::uint32_t events);

  void close_pipes() noexcept;
  // Stops or starts watching the pipes.
  void pause(bool paused);

  // Past this, a line without its end goes in parts.
  static constexpr std::size_t kLongestLine = 64 * 1024;
  static constexpr std::uint64_t kMostUnwritten = 1 << 20;

  Stream streams_[2];
  EventLoop* loop_ = nullptr;
  RankLink* link_ = nullptr;
  std::uint64_t unwritten_ = 0;  // bytes sent, not yet written by rank 0
  bool paused_ = false;
};

}  // namespace taskrt::mpi
