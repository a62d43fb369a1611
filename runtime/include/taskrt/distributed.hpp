// How a program runs as the ranks of an MPI job. The runtime itself knows no
// MPI: `taskc build --mpi` links runtime/mpi/ (libtaskrt_mpi.a), which
// installs its launcher when the program starts. run_program() hands the
// program to it first; started without mpirun, it declines and the program
// runs as it always does.
#pragma once

#include <functional>
#include <optional>

#include "taskrt/runtime.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

// Runs the program across the job's processes and returns this process's
// exit status, or nullopt when this process was not started by a launcher.
using DistributedLauncher = std::optional<int> (*)(const RuntimeOptions& options,
                                                   const std::function<Task<int>()>& make_root);

// Called once, by a static initializer of the linked-in launcher.
void install_distributed_launcher(DistributedLauncher launcher) noexcept;

// What run_program() does on one machine (and what a launcher runs on each
// rank): the runtime with `options`, the root task, an escaping error printed
// with its task trace, SIGINT/SIGTERM turned into cancellation.
int run_program_here(const RuntimeOptions& options, const std::function<Task<int>()>& make_root);

}  // namespace taskrt
