// The worker side of the process pool: serve_if_worker().
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "memory_pipe.hpp"
#include "process_protocol.hpp"
#include "taskrt/process_pool.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt {
namespace {

// Writes all of `data` to the parent, waiting for room as it reads; false
// when the parent has gone.
bool write_all(detail::MemoryPipe& pipe, std::string_view data) {
  while (!data.empty()) {
    std::size_t n = pipe.write(data);
    data.remove_prefix(n);
    if (n == 0 && !pipe.wait(true)) return false;
  }
  return true;
}

// Reads what the parent has written, waiting until it has written something;
// 0 when the parent has gone.
std::size_t read_some(detail::MemoryPipe& pipe, char* buffer, std::size_t capacity) {
  while (true) {
    std::size_t n = pipe.read(buffer, capacity);
    if (n > 0) return n;
    if (!pipe.wait(false)) return 0;
  }
}

std::string run_request(Runtime& runtime, std::span<const ProcessTask> tasks, std::string_view request) {
  std::uint32_t index = 0;
  std::memcpy(&index, request.data(), sizeof index);
  std::string_view arguments = request.substr(4);
  try {
    if (index >= tasks.size()) throw FailedError("a worker was asked for unknown task #" + std::to_string(index));
    std::string result = runtime.run(tasks[index].run(arguments));
    return detail::frame_response(detail::ResponseStatus::kOk, result);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (...) {
    return detail::frame_response(detail::ResponseStatus::kError, detail::encode_error(std::current_exception()));
  }
}

// Requests come in batches when the pool queues several: one read takes them
// all. Each answer is written as soon as it is ready, into memory the parent
// reads without a system call while it is busy: the doorbell rings only for
// a parent that sleeps.
int serve(std::span<const ProcessTask> tasks) {
  RuntimeOptions options;
  // A worker is one core's worth of work, and runs one call at a time: its
  // cpu tasks run on the thread that reads the calls (no hand-off per call).
  options.cpu_threads = 1;
  options.cpu_work_on_loop = true;
  options.io_threads = 4;
  detail::MemoryPipe pipe;
  if (!pipe.attach(detail::kChannelFd, detail::kMemoryFd)) {
    std::fprintf(stderr, "taskrt worker: cannot map the memory shared with its parent\n");
    return 1;
  }
  auto runtime = Runtime::create(options);
  std::string inbox;
  char chunk[65536];
  while (true) {
    std::size_t n = read_some(pipe, chunk, sizeof chunk);
    if (n == 0) return 0;  // the parent is done
    inbox.append(chunk, n);
    std::size_t used = 0;
    while (inbox.size() - used >= 4) {
      std::uint32_t length = detail::frame_length(std::string_view(inbox).substr(used));
      if (inbox.size() - used - 4 < length) break;
      if (length < 4) return 1;
      std::string answer;
      try {
        answer = run_request(*runtime, tasks, std::string_view(inbox).substr(used + 4, length));
      } catch (const std::bad_alloc&) {
        // Out of memory (--proc-mem): nothing can be relied on now. The pool
        // reads this status as "ran out of memory".
        ::_exit(detail::kOutOfMemoryStatus);
      }
      if (!write_all(pipe, answer)) return 1;
      used += 4 + static_cast<std::size_t>(length);
    }
    inbox.erase(0, used);
  }
}

}  // namespace

std::optional<int> serve_if_worker(int argc, char** argv, std::span<const ProcessTask> tasks) {
  if (argc < 2 || std::strcmp(argv[1], detail::kWorkerFlag) != 0) return std::nullopt;
  char* end = nullptr;
  std::uint64_t limit = argc == 4 ? std::strtoull(argv[2], &end, 10) : 0;
  if (argc != 4 || end == argv[2] || *end != '\0' || std::getenv(detail::kWorkerEnvironment) == nullptr) {
    std::fprintf(stderr, "%s: error: %s is how this program starts its own worker processes; it is not an option\n",
                 argv[0], detail::kWorkerFlag);
    return 2;
  }
  detail::serving_as_worker() = true;
  // Die with the parent, however it ends; and if it is already gone, now.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != static_cast<pid_t>(std::atoll(argv[3]))) return 1;
  // An interrupt is the parent's to handle: it cancels, then kills or closes us.
  ::signal(SIGINT, SIG_IGN);
  if (limit > 0) {
    rlimit bound{limit, limit};
    ::setrlimit(RLIMIT_AS, &bound);
  }
  try {
    return serve(tasks);
  } catch (const std::bad_alloc&) {
    return detail::kOutOfMemoryStatus;
  }
}

}  // namespace taskrt
