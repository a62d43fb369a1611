#include "taskrt/interrupts.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace taskrt {
namespace {

sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  return set;
}

}  // namespace

InterruptWatcher::InterruptWatcher() {
  sigset_t set = interrupt_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { run(); });
}

InterruptWatcher::~InterruptWatcher() {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(signal_fd_);
  ::close(wake_fd_);
  sigset_t set = interrupt_signals();
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void InterruptWatcher::watch(Runtime* runtime) {
  std::lock_guard lock(mutex_);
  runtime_ = runtime;
}

void InterruptWatcher::run() {
  pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;  // the watcher is done
    signalfd_siginfo info{};
    if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    int signal = static_cast<int>(info.ssi_signo);
    std::lock_guard lock(mutex_);
    if (signal == SIGQUIT) {
      // Not an interrupt: the program reports what it waits on, and goes on.
      if (runtime_ != nullptr) runtime_->report_task_tree();
      continue;
    }
    int none = 0;
    if (!received_.compare_exchange_strong(none, signal)) {
      // The second interrupt: do not wait for cancellation. Worker processes
      // die with us (PR_SET_PDEATHSIG).
      ::_exit(128 + signal);
    }
    interrupted_.request_stop();
    if (runtime_ != nullptr) runtime_->cancel();
  }
}

}  // namespace taskrt
