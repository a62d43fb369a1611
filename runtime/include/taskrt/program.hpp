// run_program(): what a generated main() runs — the runtime with the
// program's options, the root task, and an escaping error printed with its
// task trace. The pieces generated code calls by name live in one header
// each (shared.hpp, clauses.hpp, gather_each.hpp, fallback.hpp,
// call_on_cpu.hpp, call_in_process.hpp); this header gathers them.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>

#include "taskrt/call_in_process.hpp"
#include "taskrt/call_on_cpu.hpp"
#include "taskrt/clauses.hpp"
#include "taskrt/error.hpp"
#include "taskrt/fallback.hpp"
#include "taskrt/gather_each.hpp"
#include "taskrt/runtime.hpp"
#include "taskrt/shared.hpp"

namespace taskrt {

// Whether an error is one of `kinds` (0: any kind but Cancelled).
inline bool error_matches(const std::exception_ptr& error, ErrorKindSet kinds) {
  ErrorKind kind = kind_of(error);
  if (kinds == 0) return kind != ErrorKind::kCancelled;
  return (kinds & kind_bit(kind)) != 0;
}

// The exit status for the int `main` returned. A process's status is 8 bits,
// so 256 would read as 0, success: a value outside 0..255 is reported on
// stderr and becomes 1, never a status that means something else.
int exit_status(std::int64_t main_result);

// Runs a program's root task: returns its exit status, or prints an escaping
// error with its task trace and returns 1.
int run_program(const RuntimeOptions& options, const std::function<Task<int>()>& make_root);

}  // namespace taskrt
