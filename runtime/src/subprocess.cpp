#include "taskrt/subprocess.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pidfd.hpp"
#include "taskrt/detail/loop_operation.hpp"
#include "taskrt/print.hpp"

extern char** environ;

namespace taskrt {
namespace {

using detail::pidfd_kill;
using detail::pidfd_open;

// A file descriptor that closes itself.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) noexcept : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~OwnedFd() { reset(); }
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// The child's side of a pipe blocks as programs expect; ours does not.
void make_pipe(OwnedFd& ours, OwnedFd& theirs, const std::string& command) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw IoError(fmt::format("exec `{}`: pipe: {}", command, std::strerror(errno)));
  ours.reset(fds[0]);
  theirs.reset(fds[1]);
  ::fcntl(ours.get(), F_SETFL, ::fcntl(ours.get(), F_GETFL) | O_NONBLOCK);
}

// Starts the child with its stdout and stderr on the given pipes; returns its pid.
pid_t spawn(const std::string& command, const std::vector<std::string>& args, int out, int err) {
  // A C string ends at a NUL: the program would see a shorter argument than was passed.
  if (command.find('\0') != std::string::npos) {
    throw IoError("exec: the command's name contains a NUL character");
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].find('\0') != std::string::npos) {
      throw IoError(fmt::format("exec `{}`: argument {} contains a NUL character", command, i + 1));
    }
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(command.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  // The runtime's threads block SIGINT and SIGTERM (they are read from a
  // signalfd); the child must not inherit that, nor any ignored signal.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = 0;
  int error = ::posix_spawnp(&pid, command.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error == ENOENT) throw IoError(fmt::format("exec `{}`: command not found", command));
  if (error != 0) throw IoError(fmt::format("exec `{}`: cannot start it: {}", command, std::strerror(error)));
  return pid;
}

class ExecAwaiter final : public detail::LoopOperation {
 public:
  ExecAwaiter(std::string command, std::vector<std::string> args)
      : LoopOperation("waiting on a child process (exec)"), command_(std::move(command)), args_(std::move(args)) {}

  ExecResult await_resume() {
    rethrow_failure(fmt::format("cancelled while running `{}`", command_));
    return std::move(result_);
  }

 private:
  // One watched descriptor of the child: a pipe, or its pidfd.
  struct Watch {
    OwnedFd fd;
    FdWaiter waiter;
    ExecAwaiter* self = nullptr;
  };

  void start() override {
    OwnedFd child_out;
    OwnedFd child_err;
    make_pipe(out_.fd, child_out, command_);
    make_pipe(err_.fd, child_err, command_);
    pid_t pid = spawn(command_, args_, child_out.get(), child_err.get());
    int pidfd = pidfd_open(pid);
    if (pidfd < 0) {
      // Without a pidfd we cannot watch it; do not leave it running.
      int error = errno;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      throw IoError(fmt::format("exec `{}`: pidfd_open: {}", command_, std::strerror(error)));
    }
    exit_.fd.reset(pidfd);
    try {
      watch(out_, &ExecAwaiter::on_output);
      watch(err_, &ExecAwaiter::on_output);
      watch(exit_, &ExecAwaiter::on_exit);
    } catch (...) {
      stop();  // the child must not outlive a failure to watch it
      throw;
    }
  }

  void stop() noexcept override {
    if (exit_.fd) {
      pidfd_kill(exit_.fd.get());
      // SIGKILL cannot be caught: the wait is short, and afterwards nothing
      // of the child is left.
      siginfo_t info{};
      while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(exit_.fd.get()), &info, WEXITED) != 0 &&
             errno == EINTR) {
      }
    }
    unwatch(out_);
    unwatch(err_);
    unwatch(exit_);
  }

  void watch(Watch& w, void (*ready)(FdWaiter*, std::uint32_t)) {
    w.self = this;
    w.waiter.fd = w.fd.get();
    w.waiter.events = EPOLLIN;
    w.waiter.persistent = true;
    w.waiter.ready = ready;
    w.waiter.owner = &w;
    loop().add_fd_waiter(&w.waiter);
  }

  void unwatch(Watch& w) noexcept {
    if (!w.fd) return;
    if (w.self != nullptr) loop().remove_fd_waiter(&w.waiter);
    w.fd.reset();
  }

  static void on_output(FdWaiter* waiter, std::uint32_t) {
    auto* w = static_cast<Watch*>(waiter->owner);
    ExecAwaiter* self = w->self;
    std::string& sink = w == &self->out_ ? self->result_.stdout : self->result_.stderr;
    char buffer[65536];
    while (true) {
      ssize_t n = ::read(w->fd.get(), buffer, sizeof buffer);
      if (n > 0) {
        sink.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      break;  // end of output (or a read error, which ends it too)
    }
    self->unwatch(*w);
    self->finish_if_done();
  }

  static void on_exit(FdWaiter* waiter, std::uint32_t) {
    auto* w = static_cast<Watch*>(waiter->owner);
    ExecAwaiter* self = w->self;
    siginfo_t info{};
    if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(w->fd.get()), &info, WEXITED | WNOHANG) != 0 ||
        info.si_pid == 0) {
      return;  // not yet
    }
    self->result_.code = info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
    self->unwatch(*w);
    self->finish_if_done();
  }

  // Done when the child has exited and both pipes are at their end (a
  // grandchild holding them open keeps us reading, as Python's does).
  void finish_if_done() {
    if (!out_.fd && !err_.fd && !exit_.fd) finish();
  }

  std::string command_;
  std::vector<std::string> args_;
  Watch out_;
  Watch err_;
  Watch exit_;
  ExecResult result_;
};

}  // namespace

Task<ExecResult> exec(std::string command, std::vector<std::string> args) {
  co_return co_await ExecAwaiter(std::move(command), std::move(args));
}

std::string format_value(const ExecResult& result) {
  return "ExecResult { code: " + format_value(result.code) + ", stdout: " + format_value(result.stdout) +
         ", stderr: " + format_value(result.stderr) + " }";
}

void encode(Writer& out, const ExecResult& result) {
  encode(out, result.code);
  encode(out, result.stdout);
  encode(out, result.stderr);
}

void decode(Reader& in, ExecResult& result) {
  decode(in, result.code);
  decode(in, result.stdout);
  decode(in, result.stderr);
}

}  // namespace taskrt
