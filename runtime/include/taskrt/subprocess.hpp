// exec(): runs a program to completion and captures what it wrote. The child's
// pipes and its pidfd are watched by the event loop: no thread per child, and
// stdout and stderr are drained together, so a child that fills one pipe
// while we read the other never deadlocks.
//
// The command is looked up in PATH unless it contains a slash. The child gets
// the parent's environment and working directory, stdin from /dev/null, and
// the default disposition of every signal (the runtime blocks SIGINT and
// SIGTERM in its own threads). `code` is the exit status, or -N when the
// child was killed by signal N (as Python's subprocess reports it).
//
// Errors: IoError naming the command when it cannot be started (not found,
// not executable). Cancellation kills the child with SIGKILL and reaps it
// before the task resumes, so nothing is left running.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "taskrt/serialize.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

struct ExecResult {
  std::int64_t code{};
  std::string stdout{};
  std::string stderr{};
  friend bool operator==(const ExecResult&, const ExecResult&) = default;
};

Task<ExecResult> exec(std::string command, std::vector<std::string> args);

// As print shows it, and as `in process` tasks send it.
std::string format_value(const ExecResult& result);
void encode(Writer& out, const ExecResult& result);
void decode(Reader& in, ExecResult& result);

}  // namespace taskrt
