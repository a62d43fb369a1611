// RankLink: the messages between the ranks of a job. MpiLink carries them
// over MPI; the tests carry them between ranks in one process, so that the
// ranks' code (RemoteRanks, RankServer) runs under the sanitizers without
// Open MPI, whose own locks ThreadSanitizer cannot follow.
//
// A message is a tag and bytes (rank_protocol.hpp). Messages between two
// ranks arrive in the order they were sent.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace taskrt::mpi {

struct Message {
  int rank = 0;  // where it came from, or where it goes
  int tag = 0;
  std::string bytes;
};

class RankLink {
 public:
  // The largest message's bytes: what one MPI message of bytes can carry
  // (an int count), less its frame.
  static constexpr std::size_t kMaxMessageBytes = 0x7fffffff - 8;

  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;
  // Queues `message` (at most kMaxMessageBytes) for its rank. Thread-safe.
  virtual void send(Message message) = 0;

  // Who gets the messages received, on the link's own thread; those received
  // before there was one are given to it now. Null: keep them. Thread-safe;
  // once it returns, the receiver it replaced is not running and never will.
  void set_receiver(std::function<void(Message)> receiver);

 protected:
  RankLink() = default;
  ~RankLink() = default;
  // Hands a message received to the receiver, or keeps it for the next one.
  void deliver(Message message);

 private:
  std::mutex receiver_mutex_;
  std::function<void(Message)> receiver_;
  std::vector<Message> unclaimed_;
};

}  // namespace taskrt::mpi
