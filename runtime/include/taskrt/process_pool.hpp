// ProcessPool: `in process` tasks in worker processes.
//
// Workers are this same executable started again in worker mode (posix_spawn
// of /proc/self/exe, never fork() of a threaded process): main() calls
// serve_if_worker() first, which serves requests until its parent closes the
// connection. Each call sends the task's number and its encoded arguments
// through memory shared with the worker, and reads back the encoded result
// (or error, with its kind, message and task trace); a Unix socket pair wakes
// a side that sleeps, and tells each when the other has gone. The event loop
// waits by suspension.
//
// Guarantees (docs/runtime.md, "The process pool"):
//  - A worker that dies fails only the call it was running, with
//    WorkerCrashedError naming the signal or exit status, and is replaced.
//  - Cancelling a running call (a timeout, a failing sibling, SIGINT) kills
//    its worker with SIGKILL at once and replaces it.
//  - Workers die with their parent (PR_SET_PDEATHSIG) and are reaped when the
//    pool is destroyed; none outlives the program.
//
// Loop thread only: call() moves itself there first.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "taskrt/event.hpp"
#include "taskrt/event_loop.hpp"
#include "taskrt/process_calls.hpp"
#include "taskrt/semaphore.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

namespace detail {
class MemoryPipe;
}

// A task that workers can run: its name, and the function that decodes the
// arguments, runs the task and encodes its result.
struct ProcessTask {
  const char* name;
  Task<std::string> (*run)(std::string_view arguments);
};

struct ProcessPoolOptions {
  unsigned workers = 0;                // 0: one per hardware thread
  std::uint64_t memory_limit = 0;      // bytes of address space per worker; 0: none
  std::span<const ProcessTask> tasks;  // for names in messages
  std::stop_token interrupt;           // start-up ends (CancelledError) when stopped
  int stdout_fd = -1;                  // where the workers print; -1: where this process does
  int stderr_fd = -1;
};

class ProcessPool final : public InProcessCalls {
 public:
  // Starts every worker (a few milliseconds each); throws FailedError past
  // kMaxWorkers, WorkerCrashedError when one cannot start, CancelledError
  // when options.interrupt stops first, with every worker started so far reaped.
  explicit ProcessPool(const ProcessPoolOptions& options);
  // Closes the workers' connections, waits briefly for them to exit, kills
  // the rest, and reaps every one.
  ~ProcessPool();
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  // Runs task `index` with the encoded `arguments` in a worker; the encoded result.
  Task<std::string> call(std::uint32_t index, std::string arguments) override;

  // Calls queued per worker at most: a worker reads the next request while
  // it answers one, and one read can bring back several answers, so tiny
  // tasks cost much less than a round trip each. The least-loaded worker
  // gets each call, so a queue only forms when every worker is busy.
  static constexpr std::size_t kDepth = 8;
  // Workers at most (--procs): each is a copy of the program, a megabyte or
  // more, and a few milliseconds to start.
  static constexpr unsigned kMaxWorkers = 1024;

  std::size_t size() const noexcept { return workers_.size(); }
  // How many calls of one gather to make at once (`limit`: the gather's
  // own, 0 for none): twice what the workers can queue. More would only wait
  // for a slot, each in a frame of its own; made as slots free, calls reuse
  // the frames of finished ones.
  std::size_t call_window(std::size_t limit) const noexcept override {
    std::size_t window = 2 * workers_.size() * kDepth;
    return limit == 0 || limit > window ? window : limit;
  }
  // The worker processes now running (for tests and diagnostics).
  std::vector<pid_t> pids() const;
  // Workers started since the pool was created, replacements included.
  std::size_t spawned() const noexcept { return spawned_; }

 private:
  // One call waiting for, or holding, the front of a worker's queue.
  struct Pending {
    Event turn;  // set once: now at the front, or (resubmit) sent again elsewhere
    bool resubmit = false;
  };
  struct Worker {
    pid_t pid = -1;
    int fd = -1;                               // our end of the socket pair (non-blocking)
    std::unique_ptr<detail::MemoryPipe> pipe;  // the calls' bytes; null when fd is -1
    // Calls sent to this worker, answered in this order: the front one is
    // running there. Null: a call whose caller was cancelled before its turn.
    std::deque<Pending*> queue;
    std::string outbox;  // request bytes not yet written
    std::string inbox;   // response bytes read, not yet consumed
    PollHook send_hook;  // writes the outbox when the loop next polls

    // Out of line: MemoryPipe is the runtime's own (memory_pipe.hpp).
    Worker();
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
  };

  void spawn(Worker& worker);
  // Closes every connection, then stops and reaps every worker.
  void stop_all();
  // Stops the worker and returns how it ended: reaped at once when it ends by
  // itself; killed (when `kill`) and reaped later, by reap_killed.
  std::string stop(Worker& worker, bool kill);
  // Reaps the workers killed so far that have ended (all of them, when `wait`).
  void reap_killed(bool wait);
  Worker& least_loaded();
  // Queues `request` to the worker: in its memory at once, and the worker
  // woken, if it sleeps, once for all the requests queued before `loop` next polls.
  void submit(Worker& worker, Pending& pending, std::string_view request, EventLoop& loop);
  // Writes what the pipe takes of the worker's outbox, leaving the worker
  // asleep if it is: its send_hook wakes it.
  static void send_queued(Worker& worker);
  // The send_hook: sends, and wakes the worker if it sleeps.
  static void send_and_wake(Worker& worker);
  // The front call's part: flush, read its own response, hand the front on.
  Task<std::string> finish_front(Worker& worker, std::uint32_t index);
  // The worker had to go (crash, cancellation): replace it and send every
  // other queued call again elsewhere. Returns how it ended.
  std::string replace(Worker& worker, bool kill);
  // Gives the front to the next call still waiting, skipping (or, when it is
  // running, killing the worker for) calls whose callers left.
  void hand_off(Worker& worker);
  void abandon(Worker& worker, Pending* pending);
  bool has_frame(const Worker& worker) const;
  std::string task_name(std::uint32_t index) const;

  ProcessPoolOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Semaphore slots_;  // calls in flight: workers × kDepth
  std::size_t spawned_ = 0;
  // What finish_front reads into: the pool's, not each call's frame, which
  // would then be 64 KiB (calls run on the loop thread, one read at a time).
  std::unique_ptr<char[]> read_buffer_;
  std::vector<pid_t> killed_;  // killed by stop(), not reaped yet
};

// Call first in main(): when this process was started as a worker, serves
// requests for `tasks` until its parent goes away and returns the exit status.
std::optional<int> serve_if_worker(int argc, char** argv, std::span<const ProcessTask> tasks);

}  // namespace taskrt
