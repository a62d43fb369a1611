#include "taskrt/program.hpp"

#include <signal.h>
#include <string.h>

#include <cstdio>

#include "taskrt/distributed.hpp"
#include "taskrt/interrupts.hpp"

namespace taskrt {

int exit_status(std::int64_t main_result) {
  if (main_result >= 0 && main_result <= 255) return static_cast<int>(main_result);
  std::fprintf(stderr, "error: main returned %lld, which is not an exit status (0 to 255); exiting with 1\n",
               static_cast<long long>(main_result));
  return 1;
}

namespace {
DistributedLauncher installed_launcher = nullptr;
}  // namespace

void install_distributed_launcher(DistributedLauncher launcher) noexcept {
  installed_launcher = launcher;
}

int run_program(const RuntimeOptions& options, const std::function<Task<int>()>& make_root) {
  if (installed_launcher != nullptr) {
    if (std::optional<int> status = installed_launcher(options, make_root)) return *status;
  }
  return run_program_here(options, make_root);
}

int run_program_here(const RuntimeOptions& options, const std::function<Task<int>()>& make_root) {
  InterruptWatcher interrupts;
  RuntimeOptions interruptible = options;
  interruptible.interrupt = interrupts.token();  // start-up stops at a signal too
  int status = 1;
  bool started = false;
  try {
    auto runtime = Runtime::create(interruptible);
    interrupts.watch(runtime.get());
    // A signal read before watch() cancelled nothing: then nothing starts.
    if (interrupts.received() == 0) {
      started = true;
      try {
        status = runtime->run(make_root());
      } catch (...) {
        interrupts.watch(nullptr);
        if (interrupts.received() == 0) throw;
      }
    }
    interrupts.watch(nullptr);
  } catch (const Error& error) {
    if (interrupts.received() == 0) write_stderr_line("error: " + error.describe());
  } catch (const std::exception& error) {
    if (interrupts.received() == 0) write_stderr_line(std::string("error: Failed: ") + error.what());
  }
  // The runtime is gone: every task has ended and every worker is reaped.
  if (int signal = interrupts.received()) {
    std::string name = std::string("SIG") + ::sigabbrev_np(signal);
    write_stderr_line(started ? "interrupted by " + name + "; every task was cancelled"
                              : "interrupted by " + name + " while starting; no task ran");
    return 128 + signal;
  }
  return status;
}

}  // namespace taskrt
