// The launcher `taskc build --mpi` links in (distributed.hpp): under mpirun,
// rank 0 runs the program with its `in process` calls sent to the other
// ranks, and every other rank serves them. Without mpirun it declines.
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include "mpi_link.hpp"
#include "output_relay.hpp"
#include "rank_server.hpp"
#include "remote_ranks.hpp"
#include "taskrt/distributed.hpp"
#include "taskrt/error.hpp"
#include "taskrt/print.hpp"

namespace taskrt::mpi {
namespace {

// mpirun binds each rank to one core when there are no more ranks than
// cores (Open MPI's default for -np 2 or less): the workers of a serving rank
// would then share that core, and rank 0's CPU pool too. A rank's runtime is
// meant to use the node (a pool worker or CPU thread per core), so each rank
// widens its own binding to every core it may use (a cgroup's cpuset, as
// Slurm's, still limits it); its threads and workers inherit that.
void use_every_core() {
  long cores = ::sysconf(_SC_NPROCESSORS_CONF);
  cpu_set_t every;
  CPU_ZERO(&every);
  for (long core = 0; core < cores && core < CPU_SETSIZE; ++core) CPU_SET(static_cast<int>(core), &every);
  ::sched_setaffinity(0, sizeof every, &every);  // best effort: a refusal leaves the binding as it was
}

// Makes `made` in place, or says on stderr why it could not (false).
template <typename T>
bool make_or_say_why(std::optional<T>& made) {
  try {
    made.emplace();
    return true;
  } catch (const Error& error) {
    write_stderr_line("error: " + error.describe());
    return false;
  }
}

std::optional<int> run_on_ranks(const RuntimeOptions& options, const std::function<Task<int>()>& make_root) {
  if (!MpiLink::launched()) return std::nullopt;
  std::optional<MpiLink> link;
  if (!make_or_say_why(link)) return 1;
  use_every_core();
  if (link->size() == 1) return run_program_here(options, make_root);
  if (link->rank() == 0) {
    RemoteRanks ranks(*link, options.process_tasks);
    RuntimeOptions here = options;
    here.process_calls = &ranks;
    here.process_tasks = {};  // this rank runs none: its pool would be idle
    int status = run_program_here(here, make_root);
    ranks.shut_down();
    return status;
  }
  std::optional<OutputRelay> relay;
  if (!make_or_say_why(relay)) return 1;
  RankServer server(*link, &*relay);
  RuntimeOptions here = options;
  here.worker_stdout = relay->stdout_fd();
  here.worker_stderr = relay->stderr_fd();
  // Rank 0 writes --trace and --stats, with the rank of each call: another
  // rank would write over its file, and has no task calls of its own to show.
  here.trace_file.clear();
  here.stats = false;
  int status = run_program_here(here, [&server] { return server.serve(); });
  relay->stop();  // what workers printed as the runtime ended, or failed to start
  // Its runtime could not start (its workers, say): rank 0 must not wait for it.
  server.leave("it could not start; its error is above");
  return status;
}

// Installed when the program starts: the object file holding this is linked
// whole (taskc build --mpi), so nothing needs to name it.
const bool installed = [] {
  install_distributed_launcher(&run_on_ranks);
  return true;
}();

}  // namespace
}  // namespace taskrt::mpi
