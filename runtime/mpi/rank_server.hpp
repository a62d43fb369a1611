// RankServer: what a rank other than 0 runs instead of `main`. It serves the
// `in process` calls rank 0 sends (rank_protocol.hpp) through this rank's own
// process pool, each call a task of its own, until rank 0 says to shut down.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <unordered_map>

#include "mpi_link.hpp"
#include "taskrt/event.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt::mpi {

class RankServer {
 public:
  explicit RankServer(MpiLink& link) : link_(link) {}
  RankServer(const RankServer&) = delete;
  RankServer& operator=(const RankServer&) = delete;

  // The root task: serves until shut down (status 0). Cancelled (SIGTERM),
  // it cancels the calls it runs and ends with CancelledError.
  Task<int> serve();

 private:
  // A call being run; its stop source cancels it alone (kCancel).
  struct Running {
    std::stop_source stop;
    const std::stop_token token = stop.get_token();
  };
  struct Detached;

  // On the loop thread, as each message arrives.
  void receive(Message message);
  void start_call(std::uint64_t id, std::uint32_t index, std::string arguments);
  static Detached run_call(RankServer& server, std::uint64_t id, std::uint32_t index, std::string arguments);
  void call_ended(std::uint64_t id);

  MpiLink& link_;
  Runtime* runtime_ = nullptr;
  Context context_;  // the serve task's: its calls' parent
  std::unordered_map<std::uint64_t, std::unique_ptr<Running>> running_;
  Event shutdown_;  // rank 0 sent kShutdown
  Event idle_;      // set when shutting down and no call runs
  bool stopping_ = false;
};

}  // namespace taskrt::mpi
