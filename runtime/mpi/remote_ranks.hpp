// RemoteRanks: rank 0's InProcessCalls. Each `in process` call goes to the
// serving rank with the least work per worker process; that rank runs it in
// its own process pool and sends back the result, or the error (a worker
// that crashed fails that call alone, as on one machine). A cancelled call
// (timeout, failed sibling, SIGINT) is cancelled on its rank too, which kills
// the worker running it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rank_link.hpp"
#include "taskrt/event.hpp"
#include "taskrt/process_calls.hpp"
#include "taskrt/process_pool.hpp"
#include "taskrt/trace.hpp"

namespace taskrt::mpi {

class RemoteRanks final : public InProcessCalls {
 public:
  // `link` is rank 0's, with at least one other rank; starts receiving.
  // `tasks` names the calls in --stats and --trace. What the calls print
  // (kOutput) goes to `stdout_fd` and `stderr_fd`.
  RemoteRanks(RankLink& link, std::span<const ProcessTask> tasks, int stdout_fd = 1, int stderr_fd = 2);
  // Stops receiving (no call may be waiting).
  ~RemoteRanks();
  RemoteRanks(const RemoteRanks&) = delete;
  RemoteRanks& operator=(const RemoteRanks&) = delete;

  Task<std::string> call(std::uint32_t index, std::string arguments) override;
  std::size_t call_window(std::size_t limit) const noexcept override;

  // Tells every serving rank to stop and waits until each has answered.
  void shut_down();

 private:
  // A call sent and not answered yet.
  struct Waiting {
    Event answered;
    bool failed = false;
    bool resend = false;  // its rank stopped before it started: send it elsewhere
    std::string payload;
    int rank = 0;
  };
  struct Rank {
    std::size_t workers = 1;  // until it says how many (kReady)
    std::size_t calls = 0;    // sent, not answered or cancelled
    bool ready = false;       // it has started serving (kReady)
    bool gone = false;        // it has stopped serving (kShutdown)
  };

  void receive(Message message);
  // What --stats and --trace call task `index` run on `rank`: the task's
  // name, "ran on MPI rank N" where a task's definition would be.
  const TaskSite& site_of(std::uint32_t index, int rank);
  // The serving rank to send a call to; -1 when every one has stopped.
  int least_loaded() const;
  // Fails every call waiting on `rank`, which has stopped.
  void fail_calls_on(int rank, const std::string& why);

  RankLink& link_;
  int stdout_fd_;
  int stderr_fd_;
  mutable std::mutex mutex_;  // what follows: the link's thread answers calls
  std::condition_variable shut_;
  std::vector<Rank> ranks_;  // by rank; ranks_[0] is this one, which serves none
  std::unordered_map<std::uint64_t, Waiting*> waiting_;
  std::uint64_t next_id_ = 1;
  int ranks_shut_ = 0;
  std::span<const ProcessTask> tasks_;
  std::deque<std::string> site_text_;                     // what sites_ point into; a deque never moves them
  std::deque<TaskSite> sites_;                            // records point at these until the runtime has gone
  std::vector<std::vector<const TaskSite*>> site_index_;  // [task][rank], made on first use
};

}  // namespace taskrt::mpi
