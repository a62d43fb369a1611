// RankServer: what a rank other than 0 runs instead of `main`. It serves the
// `in process` calls rank 0 sends (rank_protocol.hpp) through this rank's own
// process pool, each call a task of its own, until rank 0 says to shut down.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <stop_token>
#include <string>
#include <unordered_map>

#include "output_relay.hpp"
#include "rank_link.hpp"
#include "taskrt/event.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt::mpi {

class RankServer {
 public:
  // `relay`: where this rank's workers print, sent on to rank 0 (null: they
  // print to this rank's stdout and stderr).
  explicit RankServer(RankLink& link, OutputRelay* relay = nullptr) : link_(link), relay_(relay) {}
  RankServer(const RankServer&) = delete;
  RankServer& operator=(const RankServer&) = delete;

  // The root task: serves until shut down (status 0). Cancelled (SIGTERM),
  // it cancels the calls it runs and ends with CancelledError.
  Task<int> serve();
  // Tells rank 0 that this rank serves no more, and why (empty: it was asked
  // to), unless serve() has. For a rank whose runtime could not even start.
  void leave(const std::string& why);

 private:
  // A call being run; its stop source cancels it alone (kCancel).
  struct Running {
    std::stop_source stop;
    const std::stop_token token = stop.get_token();
  };
  struct Detached;

  static std::string why_stopped(const std::exception_ptr& failure);
  // On the loop thread, as each message arrives.
  void receive(Message message);
  void start_call(std::uint64_t id, std::uint32_t index, std::string arguments);
  static Detached run_call(RankServer& server, std::uint64_t id, std::uint32_t index, std::string arguments);
  void call_ended(std::uint64_t id);

  RankLink& link_;
  OutputRelay* relay_;
  Runtime* runtime_ = nullptr;
  Context context_;  // the serve task's: its calls' parent
  std::unordered_map<std::uint64_t, std::unique_ptr<Running>> running_;
  // Until no call runs. Not cancellable: the shutdown it waits in is often
  // the cancellation itself.
  struct IdleAwaiter {
    RankServer& server;
    bool await_ready() const noexcept { return server.running_.empty(); }
    void await_suspend(std::coroutine_handle<> waiting) noexcept { server.idle_waiter_ = waiting; }
    void await_resume() const noexcept {}
  };

  Event shutdown_;  // rank 0 sent kShutdown
  bool stopping_ = false;
  bool left_ = false;                    // kShutdown sent
  std::string where_;                    // "(on MPI rank N, host H)": said of a crashed worker
  std::coroutine_handle<> idle_waiter_;  // serve(), waiting for the last call to end
};

}  // namespace taskrt::mpi
