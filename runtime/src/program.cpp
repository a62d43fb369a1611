#include "taskrt/program.hpp"

#include <signal.h>
#include <string.h>

#include <cstdio>

#include "taskrt/interrupts.hpp"

namespace taskrt {

int run_program(const RuntimeOptions& options, const std::function<Task<int>()>& make_root) {
  InterruptWatcher interrupts;
  int status = 1;
  try {
    auto runtime = Runtime::create(options);
    interrupts.watch(runtime.get());
    try {
      status = runtime->run(make_root());
    } catch (...) {
      interrupts.watch(nullptr);
      if (interrupts.received() == 0) throw;
    }
    interrupts.watch(nullptr);
  } catch (const Error& error) {
    write_stderr_line("error: " + error.describe());
  } catch (const std::exception& error) {
    write_stderr_line(std::string("error: Failed: ") + error.what());
  }
  // The runtime is gone: every task has ended and every worker is reaped.
  if (int signal = interrupts.received()) {
    write_stderr_line(std::string("interrupted by SIG") + ::sigabbrev_np(signal) + "; every task was cancelled");
    return 128 + signal;
  }
  return status;
}

}  // namespace taskrt
