// MpiLink: the one thread of a rank that talks MPI.
//
// MPI gives no descriptor to wait on, and a blocking MPI call would stop
// whatever thread made it, so no task ever calls MPI: this thread initialises
// it (MPI_THREAD_FUNNELED: only this thread calls it), posts nonblocking
// sends for messages queued by send(), receives whatever arrives, and hands
// each message to the receiver. It polls, backing off from 20 µs to 1 ms of
// sleep while nothing happens; a send wakes it at once.
//
// A message is a tag and bytes (rank_protocol.hpp). Messages between two
// ranks arrive in the order they were sent; those queued for one rank while
// the thread was busy go as one MPI message.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace taskrt::mpi {

struct Message {
  int rank = 0;  // where it came from, or where it goes
  int tag = 0;
  std::string bytes;
};

class MpiLink {
 public:
  // Whether this process was started by an MPI launcher (mpirun, mpiexec,
  // srun): one of the variables they set is in the environment.
  static bool launched();

  // Starts the thread and initialises MPI there; throws FailedError when
  // MPI cannot start.
  MpiLink();
  // finish(), if not done yet.
  ~MpiLink();
  MpiLink(const MpiLink&) = delete;
  MpiLink& operator=(const MpiLink&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }

  // The largest message's bytes: what one MPI message of bytes can carry
  // (an int count), less its frame.
  static constexpr std::size_t kMaxMessageBytes = 0x7fffffff - 8;

  // Queues `message` (at most kMaxMessageBytes) for its rank. Thread-safe.
  void send(Message message);
  // Who gets the messages received, on this link's thread; those received
  // before there was one are given to it now. Null: keep them. Thread-safe;
  // once it returns, the receiver it replaced is not running and never will.
  void set_receiver(std::function<void(Message)> receiver);
  // Sends what is queued, then ends MPI (MPI_Finalize) and the thread.
  void finish();

 private:
  void run();
  void deliver(Message message);

  int rank_ = 0;
  int size_ = 1;
  std::string start_error_;  // why MPI did not start (empty: it did)

  std::mutex mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool finishing_ = false;
  std::vector<Message> outbox_;

  std::mutex receiver_mutex_;
  std::function<void(Message)> receiver_;
  std::vector<Message> unclaimed_;

  std::thread thread_;
};

}  // namespace taskrt::mpi
