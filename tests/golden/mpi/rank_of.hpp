// For rank_spread.task: which MPI rank, and which worker process, ran a call.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace helpers {

inline std::string rank_of(std::int64_t) {
  // Open MPI gives every rank its number; the workers a rank starts inherit it.
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  return std::string(rank != nullptr ? rank : "none") + ":" + std::to_string(::getpid());
}

}  // namespace helpers
