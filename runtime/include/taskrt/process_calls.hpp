// InProcessCalls: where the calls of `in process` tasks go. The runtime's own
// process pool (process_pool.hpp) on one machine; the ranks of an MPI job
// when the program was built with `taskc build --mpi` and started by mpirun
// (runtime/mpi/, docs/cluster.md). Loop thread only, as the pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "taskrt/task.hpp"

namespace taskrt {

class InProcessCalls {
 public:
  // Runs task `index` with the encoded `arguments` somewhere else; the
  // encoded result, or the error the call failed with (WorkerCrashed for a
  // worker that died running it).
  virtual Task<std::string> call(std::uint32_t index, std::string arguments) = 0;
  // How many calls of one gather to make at once (`limit`: the gather's
  // own, 0 for none): enough to keep every worker busy, no more.
  virtual std::size_t call_window(std::size_t limit) const noexcept = 0;

 protected:
  ~InProcessCalls() = default;
};

}  // namespace taskrt
