// MpiLink: the RankLink of an MPI job — the one thread of a rank that talks MPI.
//
// MPI gives no descriptor to wait on, and a blocking MPI call would stop
// whatever thread made it, so no task ever calls MPI: this thread initialises
// it (MPI_THREAD_FUNNELED: only this thread calls it), posts nonblocking
// sends for messages queued by send(), receives whatever arrives, and hands
// each message to the receiver. It polls, backing off from 20 µs to 1 ms of
// sleep while nothing happens; a send wakes it at once. The messages queued
// for one rank while the thread was busy go as one MPI message.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rank_link.hpp"

namespace taskrt::mpi {

class MpiLink final : public RankLink {
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

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }
  void send(Message message) override;
  // Sends what is queued, then ends MPI (MPI_Finalize) and the thread.
  void finish();

 private:
  void run();

  int rank_ = 0;
  int size_ = 1;
  std::string start_error_;  // why MPI did not start (empty: it did)

  std::mutex mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool finishing_ = false;
  std::vector<Message> outbox_;

  std::thread thread_;
};

}  // namespace taskrt::mpi
