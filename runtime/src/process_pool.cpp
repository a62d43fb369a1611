#include "taskrt/process_pool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "memory_pipe.hpp"
#include "pidfd.hpp"
#include "process_protocol.hpp"
#include "taskrt/error.hpp"
#include "taskrt/fd_wait.hpp"
#include "taskrt/schedule.hpp"
#include "taskrt/timeout.hpp"

extern char** environ;

namespace taskrt {
namespace {

// One read from a worker: a large result in few reads, a small one in one.
constexpr std::size_t kReadBufferBytes = 64 * 1024;
// How long a worker whose connection closed may take to exit (a crash that
// writes a core dump takes a while) before the pool kills it.
constexpr auto kExitGrace = std::chrono::seconds(1);

Task<std::uint32_t> readable(int fd) {
  co_return co_await wait_readable(fd);
}

// Waits, as a task (the loop goes on), until the child `pid` has exited:
// false when it has not within kExitGrace. It is not reaped here.
Task<bool> exits_within_grace(pid_t pid) {
  int pidfd = detail::pidfd_open(pid);
  if (pidfd < 0) co_return true;  // cannot watch it: stop() waits for it, as it did before pidfds
  bool exited = true;
  try {
    co_await with_timeout(kExitGrace, readable(pidfd));
  } catch (const TimeoutError&) {
    exited = false;
  } catch (...) {
    ::close(pidfd);
    throw;
  }
  ::close(pidfd);
  co_return exited;
}

unsigned worker_count(const ProcessPoolOptions& options) {
  if (options.workers > 0) return options.workers;
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

// "killed by SIGSEGV (Segmentation fault)", "exited with status 3".
std::string describe_end(int status, std::uint64_t memory_limit) {
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    const char* abbreviation = ::sigabbrev_np(signal);
    std::string out = std::string("was killed by ") + (abbreviation ? std::string("SIG") + abbreviation : "a signal") +
                      " (" + ::strsignal(signal) + ")";
    if (signal == SIGKILL) out += "; out of memory, or killed from outside";
    return out;
  }
  int code = WEXITSTATUS(status);
  if (code == detail::kOutOfMemoryStatus) {
    return "ran out of memory (its limit is " + std::to_string(memory_limit >> 20) + " MiB, set by --proc-mem)";
  }
  return "exited with status " + std::to_string(code);
}

}  // namespace

ProcessPool::Worker::Worker() {
  send_hook.owner = this;
  send_hook.run = [](PollHook* hook) { send_and_wake(*static_cast<Worker*>(hook->owner)); };
}

ProcessPool::Worker::~Worker() = default;

ProcessPool::ProcessPool(const ProcessPoolOptions& options)
    : options_(options), slots_(static_cast<std::int64_t>(worker_count(options) * kDepth)) {
  if (std::getenv(detail::kWorkerEnvironment) != nullptr && !detail::serving_as_worker()) {
    // Started as a worker, but main() ran instead of serving: starting workers
    // now would start copies of copies.
    throw FailedError(
        "this program was started as a worker process, but its main() does not call "
        "taskrt::serve_if_worker() first (see docs/runtime.md, \"The process pool\")");
  }
  unsigned count = worker_count(options);
  if (count > kMaxWorkers) {
    throw FailedError(std::to_string(count) + " worker processes asked for; at most " + std::to_string(kMaxWorkers));
  }
  try {
    for (unsigned i = 0; i < count; ++i) {
      if (options.interrupt.stop_requested()) throw CancelledError("starting the worker processes was interrupted");
      workers_.push_back(std::make_unique<Worker>());
      spawn(*workers_.back());
    }
  } catch (...) {
    stop_all();  // no destructor runs for a half-built pool
    throw;
  }
}

ProcessPool::~ProcessPool() {
  stop_all();
}

void ProcessPool::stop_all() {
  // Closing a worker's end of the connection is its signal to exit.
  for (auto& worker : workers_) {
    if (worker->fd >= 0) ::close(worker->fd);
    worker->fd = -1;
  }
  for (auto& worker : workers_) {
    if (worker->pid > 0) stop(*worker, !worker->queue.empty());
  }
  reap_killed(true);  // no worker outlives the pool, not even as a zombie
}

void ProcessPool::reap_killed(bool wait) {
  std::erase_if(killed_, [wait](pid_t pid) {
    while (true) {
      int status = 0;
      pid_t done = ::waitpid(pid, &status, wait ? 0 : WNOHANG);
      if (done < 0 && errno == EINTR) continue;
      return done != 0;  // reaped, or not ours to reap any more
    }
  });
}

void ProcessPool::spawn(Worker& worker) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw WorkerCrashedError(std::string("cannot start a worker process: socketpair: ") + std::strerror(errno));
  }
  // Made after the socket pair, so that its descriptor is not the channel's
  // number, which the dup2 below would overwrite first.
  detail::MemoryPipe pipe;
  try {
    pipe = detail::MemoryPipe::create(fds[0]);
  } catch (...) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw;
  }
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the new descriptor (also when fds[1] is 3
  // already). Output first: its descriptor may be the channel's number.
  if (options_.stdout_fd >= 0) ::posix_spawn_file_actions_adddup2(&actions, options_.stdout_fd, STDOUT_FILENO);
  if (options_.stderr_fd >= 0) ::posix_spawn_file_actions_adddup2(&actions, options_.stderr_fd, STDERR_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, fds[1], detail::kChannelFd);
  ::posix_spawn_file_actions_adddup2(&actions, pipe.memory_fd(), detail::kMemoryFd);
  ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  // The runtime's threads may block signals (SIGINT handling); workers start
  // clean, but for SIGQUIT: Ctrl-\ reaches the whole process group, and asks
  // the program for its report (interrupts.hpp), not the workers to dump core.
  sigset_t none;
  sigemptyset(&none);
  sigaddset(&none, SIGQUIT);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  ::posix_spawnattr_setsigmask(&attributes, &none);
  ::posix_spawnattr_setsigdefault(&attributes, &defaults);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::string program = "taskrt-worker";
  std::string flag = detail::kWorkerFlag;
  std::string limit = std::to_string(options_.memory_limit);
  std::string parent = std::to_string(::getpid());
  char* argv[] = {program.data(), flag.data(), limit.data(), parent.data(), nullptr};
  std::vector<char*> environment;
  std::string marker = std::string(detail::kWorkerEnvironment) + "=1";
  for (char** variable = environ; *variable != nullptr; ++variable) environment.push_back(*variable);
  environment.push_back(marker.data());
  environment.push_back(nullptr);
  pid_t pid = -1;
  int error = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, environment.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  pipe.close_memory_fd();  // the worker has its own, and the mapping stays
  if (error != 0) {
    ::close(fds[0]);
    throw WorkerCrashedError(std::string("cannot start a worker process: ") + std::strerror(error));
  }
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  worker.pid = pid;
  worker.fd = fds[0];
  worker.pipe = std::make_unique<detail::MemoryPipe>(std::move(pipe));
  worker.queue.clear();
  worker.outbox.clear();
  worker.inbox.clear();
  ++spawned_;
}

std::string ProcessPool::stop(Worker& worker, bool kill) {
  if (worker.fd >= 0) ::close(worker.fd);
  worker.fd = -1;
  worker.pipe.reset();
  reap_killed(false);
  if (worker.pid <= 0) return "was not running";  // never waitpid(-1): that reaps any child
  if (kill) {
    // We know how it ends, and nobody needs its status: the kernel's tearing
    // down of a large worker can take a while, and this runs on the event
    // loop's thread, so it is reaped later (at the latest when the pool goes).
    ::kill(worker.pid, SIGKILL);
    killed_.push_back(worker.pid);
    worker.pid = -1;
    return "was killed by the pool";
  }
  int status = 0;
  // A worker whose connection closed is exiting (a crashed one has been
  // waited for as a task already: it has exited); give it a second, then kill it.
  auto deadline = std::chrono::steady_clock::now() + kExitGrace;
  while (true) {
    pid_t done = ::waitpid(worker.pid, &status, WNOHANG);
    if (done == worker.pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(worker.pid, SIGKILL);
      while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  worker.pid = -1;
  return describe_end(status, options_.memory_limit);
}

std::string ProcessPool::task_name(std::uint32_t index) const {
  return index < options_.tasks.size() ? options_.tasks[index].name : "task #" + std::to_string(index);
}

std::vector<pid_t> ProcessPool::pids() const {
  std::vector<pid_t> out;
  for (const auto& worker : workers_) {
    if (worker->pid > 0) out.push_back(worker->pid);
  }
  return out;
}

ProcessPool::Worker& ProcessPool::least_loaded() {
  Worker* best = workers_.front().get();
  for (auto& worker : workers_) {
    if (worker->queue.size() < best->queue.size()) best = worker.get();
  }
  return *best;
}

bool ProcessPool::has_frame(const Worker& worker) const {
  const std::string& inbox = worker.inbox;
  return inbox.size() >= 4 && inbox.size() - 4 >= detail::frame_length(inbox);
}

void ProcessPool::submit(Worker& worker, Pending& pending, std::string_view request, EventLoop& loop) {
  worker.queue.push_back(&pending);
  worker.outbox.append(request);
  // A worker busy with earlier calls finds this one without a system call; a
  // sleeping one is woken once for all the calls queued before the loop next
  // polls (with tiny tasks, a system call per call was most of their cost).
  if (worker.queue.size() == 1) {
    send_and_wake(worker);  // an idle worker starts at once
  } else {
    send_queued(worker);
    loop.before_next_poll(&worker.send_hook);
  }
}

void ProcessPool::send_queued(Worker& worker) {
  // What does not fit waits in the outbox: the front call writes the rest as
  // the worker makes room. A worker that has gone takes bytes until its ring
  // is full; the front call's wait tells that it has gone.
  if (worker.fd >= 0 && !worker.outbox.empty()) {
    worker.outbox.erase(0, worker.pipe->write(worker.outbox, detail::MemoryPipe::Wake::kLater));
  }
}

void ProcessPool::send_and_wake(Worker& worker) {
  send_queued(worker);
  if (worker.fd >= 0) worker.pipe->wake_reader();
}

Task<std::string> ProcessPool::call(std::uint32_t index, std::string arguments) {
  co_await to_loop();
  EventLoop& loop = (co_await current_context()).runtime->loop();
  std::string request = detail::frame_request(index, arguments);
  Semaphore::Permit slot = co_await slots_.acquire();
  while (true) {
    Worker& worker = least_loaded();
    if (worker.pid <= 0) spawn(worker);  // an earlier replacement failed to start
    Pending pending;
    bool front = worker.queue.empty();
    submit(worker, pending, request, loop);
    if (!front) {
      try {
        co_await pending.turn.wait();
      } catch (const CancelledError&) {
        abandon(worker, &pending);
        throw;
      }
      if (pending.resubmit) continue;  // that worker went; this call never ran
    }
    co_return co_await finish_front(worker, index);
  }
}

void ProcessPool::abandon(Worker& worker, Pending* pending) {
  auto it = std::find(worker.queue.begin(), worker.queue.end(), pending);
  if (it == worker.queue.end()) return;  // already sent elsewhere: nothing runs it
  if (it == worker.queue.begin()) {
    // Cancelled just as it reached the front: it is running now.
    replace(worker, true);
  } else {
    *it = nullptr;  // its answer is dropped when it comes, or its worker killed
  }
}

Task<std::string> ProcessPool::finish_front(Worker& worker, std::uint32_t index) {
  bool crashed = false;
  try {
    bool gone = false;  // the socket said end of file
    while (!crashed && !has_frame(worker)) {
      send_and_wake(worker);
      if (!read_buffer_) read_buffer_ = std::make_unique<char[]>(kReadBufferBytes);
      std::size_t n = worker.pipe->read(read_buffer_.get(), kReadBufferBytes);
      if (n > 0) {
        worker.inbox.append(read_buffer_.get(), n);
        continue;
      }
      // A worker that has gone wrote all it will; what it wrote before it
      // went (this call's answer, if it died running a later one) is read.
      if (gone) {
        crashed = true;
        continue;
      }
      if (!worker.pipe->going_to_sleep(!worker.outbox.empty())) continue;
      FdWaitAwaiter doorbell(worker.fd, EPOLLIN, "waiting on a worker process");
      try {
        co_await doorbell;
      } catch (...) {
        worker.pipe->woke();
        throw;
      }
      worker.pipe->woke();
      gone = !worker.pipe->drain_doorbell();
    }
    // The worker closed its connection: it is exiting. Its status says how
    // it ended; waiting for it must not stop the loop.
    if (crashed && !co_await exits_within_grace(worker.pid)) {
      pid_t pid = worker.pid;
      replace(worker, true);
      throw WorkerCrashedError("the worker process (pid " + std::to_string(pid) + ") running `" + task_name(index) +
                               "` closed its connection but did not exit; it was killed by the pool");
    }
  } catch (const CancelledError&) {
    // A running call cannot be interrupted more gently: its worker goes.
    replace(worker, true);
    throw;
  }
  if (crashed) {
    pid_t pid = worker.pid;
    std::string how = replace(worker, false);
    throw WorkerCrashedError("the worker process (pid " + std::to_string(pid) + ") running `" + task_name(index) +
                             "` " + how);
  }
  std::uint32_t length = detail::frame_length(worker.inbox);
  auto status = static_cast<detail::ResponseStatus>(worker.inbox[4]);
  std::string payload = worker.inbox.substr(5, length - 1);
  worker.inbox.erase(0, 4 + static_cast<std::size_t>(length));
  worker.queue.pop_front();
  hand_off(worker);
  if (status != detail::ResponseStatus::kOk) std::rethrow_exception(detail::decode_error(payload));
  co_return payload;
}

void ProcessPool::hand_off(Worker& worker) {
  while (!worker.queue.empty() && worker.queue.front() == nullptr) {
    if (has_frame(worker)) {
      // An answer nobody waits for any more.
      worker.inbox.erase(0, 4 + static_cast<std::size_t>(detail::frame_length(worker.inbox)));
      worker.queue.pop_front();
      continue;
    }
    // The worker is running a call whose caller was cancelled: stop it.
    replace(worker, true);
    return;
  }
  if (!worker.queue.empty()) worker.queue.front()->turn.set();
}

std::string ProcessPool::replace(Worker& worker, bool kill) {
  // The front call (the one running) is the caller's business; the rest never
  // started and go to whichever worker is least loaded.
  std::vector<Pending*> waiting;
  if (!worker.queue.empty()) waiting.assign(worker.queue.begin() + 1, worker.queue.end());
  worker.queue.clear();
  worker.outbox.clear();
  worker.inbox.clear();
  std::string how = stop(worker, kill);
  try {
    spawn(worker);
  } catch (const WorkerCrashedError&) {
    // No replacement now: call() starts one when it next picks this worker.
  }
  for (Pending* pending : waiting) {
    if (pending == nullptr) continue;
    pending->resubmit = true;
    pending->turn.set();
  }
  return how;
}

}  // namespace taskrt
