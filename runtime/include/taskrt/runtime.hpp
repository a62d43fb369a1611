// Runtime: owns the event loop, the CPU pool, the blocking pool and the
// process pool, and drives a root task to completion. There are no globals: code reaches its runtime
// through its task's Context.
//
// Threading: run() takes over the calling thread as the event loop's thread
// until the root task finishes. cancel() is thread-safe (signal handlers use
// it through a self-pipe, see docs/runtime.md). Built by create(); shutdown()
// or the destructor stops every pool and wakes every thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "taskrt/blocking_pool.hpp"
#include "taskrt/cpu_pool.hpp"
#include "taskrt/event_loop.hpp"
#include "taskrt/parked_waits.hpp"
#include "taskrt/process_calls.hpp"
#include "taskrt/process_pool.hpp"
#include "taskrt/task.hpp"

namespace taskrt {

namespace detail {
class HttpClient;
class PlainHttpClient;
}  // namespace detail

// The limits of `serve` (http_server.hpp), each a command-line option of the
// program; the defaults are safe for a server facing the internet.
struct ServerLimits {
  std::size_t max_header = 16 * 1024;              // request line and headers: 431 beyond
  std::uint64_t max_body = 8 * 1024 * 1024;        // decoded request body: 413 beyond
  std::chrono::milliseconds read_timeout{30'000};  // to receive a request, or send an answer: 408
  std::size_t max_conns = 10'000;                  // open connections; more are answered 503
  std::chrono::milliseconds grace{5'000};          // for requests in flight at SIGINT/SIGTERM
};

struct RuntimeOptions {
  // CPU pool workers; 0: one per hardware thread.
  unsigned cpu_threads = 0;
  // Run cpu tasks on the event loop's thread instead of the CPU pool. For a
  // process-pool worker, which runs one call at a time and is one core's
  // worth of work: a call then costs no hand-off to a pool thread and back.
  bool cpu_work_on_loop = false;
  // Most threads the blocking pool may start.
  unsigned io_threads = 512;
  // Draw progress bars for large gathers on stderr when it is a terminal.
  bool progress = false;
  // Record every task call (trace.hpp) while the runtime lives, and when it
  // is destroyed write them to this file as Chrome trace JSON...
  std::string trace_file;
  // ...and/or print per-task counts and latencies to stderr.
  bool stats = false;
  // The process pool (`in process` tasks): worker processes (0: one per
  // hardware thread), each one's address-space limit in bytes (0: none), and
  // the tasks they can run. With tasks given, the workers start with the
  // runtime; otherwise on the first call.
  unsigned procs = 0;
  std::uint64_t proc_memory = 0;
  std::span<const ProcessTask> process_tasks;
  // Where the workers print (-1: where this process does): an MPI rank's
  // pipes, whose output it sends to the rank that runs `main`. Not owned.
  int worker_stdout = -1;
  int worker_stderr = -1;
  // Where `in process` calls go instead of the pool (in_process()): the
  // other ranks of an MPI job (distributed.hpp). Not owned; outlives the runtime.
  InProcessCalls* process_calls = nullptr;
  // HTTP requests (http.hpp): the largest response body accepted, decoded
  // size (bytes; 0: no limit), and the longest a request may take, from
  // connecting to the body's last byte (0: no limit).
  std::uint64_t http_max_body = std::uint64_t{256} << 20;
  std::chrono::milliseconds http_timeout = std::chrono::minutes(5);
  // Every HTTP request through libcurl (--http-via-curl), not only those the
  // runtime's own client for plain http:// does not take: a way round that
  // client should a server need curl's ways, and how the tests run each
  // case by both.
  bool http_via_curl = false;
  // The largest file read_file and read_lines read (bytes; 0: no limit).
  std::uint64_t file_max_size = std::uint64_t{1} << 30;
  // `--limit NAME=N` given on the command line: a program's semaphores
  // resized at start (generated code applies them: apply_limits()).
  std::vector<std::pair<std::string, std::int64_t>> limits;
  // `--seed N`: the random generators' seed (random.hpp).
  std::optional<std::uint64_t> seed;
  ServerLimits server;
  // Fail the root task with DeadlockError when every task waits on another
  // and nothing else can wake one (docs/runtime.md, "Deadlocks"). C++ code
  // that suspends a task on something of its own — a thread, a library's
  // callback — holds a ForeignWait while it does, or it could be taken for
  // a deadlock.
  bool detect_deadlocks = true;
  // A request to stop from outside (InterruptWatcher::token()): start-up,
  // which can take seconds with many worker processes, then ends with
  // CancelledError.
  std::stop_token interrupt;
};

class Runtime {
 public:
  // Throws IoError when options.trace_file cannot be written. Only one
  // runtime at a time may record (the recorder is process-wide).
  static std::unique_ptr<Runtime> create(const RuntimeOptions& options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs `root` on the event loop, on the calling thread, until it finishes;
  // returns its result or rethrows its error. Not reentrant.
  template <typename T>
  T run(Task<T> root) {
    run_root(root.handle().promise(), root.handle());
    return root.take_result();
  }

  // Cancels the running root task and everything it started.
  void cancel() noexcept;

  EventLoop& loop() noexcept { return *loop_; }
  CpuPool& cpu() noexcept { return *cpu_; }
  // Where cpu tasks run: the CPU pool, or the loop (cpu_work_on_loop).
  Executor& cpu_work() noexcept { return *cpu_work_; }
  BlockingPool& blocking() noexcept { return *blocking_; }
  // The process pool, started on first use (thread-safe).
  ProcessPool& processes();
  // Where `in process` calls run: options().process_calls, else processes().
  InProcessCalls& in_process() { return options_.process_calls != nullptr ? *options_.process_calls : processes(); }
  // The HTTP client (http.hpp), created on first use. Loop thread only.
  detail::HttpClient& http_client();
  // The HTTP client's own path for plain http:// (plain_http_client.hpp),
  // created on first use. Loop thread only.
  detail::PlainHttpClient& plain_http_client();
  const RuntimeOptions& options() const noexcept { return options_; }
  void shutdown();

  // Prints on stderr, from the loop thread as soon as it is free, the live
  // task tree (every call, nested, with its age and what it waits on) and the
  // timers, descriptors, pool work and foreign waits pending (SIGQUIT).
  // Thread-safe.
  void report_task_tree();
  // The tasks parked on channels, semaphores, locks and flow steps.
  ParkedWaits& parked_waits() noexcept { return *parked_; }
  // Waits the runtime cannot see the end of (ForeignWait): while any is
  // pending, no deadlock is declared.
  void begin_foreign_wait() noexcept { foreign_waits_.fetch_add(1, std::memory_order_relaxed); }
  void end_foreign_wait() noexcept { foreign_waits_.fetch_sub(1, std::memory_order_release); }

 private:
  explicit Runtime(const RuntimeOptions& options);
  void run_root(detail::PromiseBase& promise, std::coroutine_handle<> handle);

  void finish_recording();
  // The loop's idle check: the sleep before asking again (-1: none needed).
  int check_for_deadlock();

  RuntimeOptions options_;
  std::unique_ptr<std::ofstream> trace_out_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<ParkedWaits> parked_;
  std::atomic<int> foreign_waits_{0};
  // Set on the loop thread when a deadlock is found: the report the root
  // fails with once cancellation has unwound every task.
  std::optional<std::string> deadlock_;
  std::unique_ptr<CpuPool> cpu_;
  Executor* cpu_work_ = nullptr;
  std::unique_ptr<BlockingPool> blocking_;
  std::unique_ptr<ProcessPool> processes_;
  std::unique_ptr<detail::HttpClient> http_;
  std::unique_ptr<detail::PlainHttpClient> plain_http_;
  std::mutex processes_mutex_;            // the pool starts on first use unless process_tasks are given
  std::exception_ptr processes_failure_;  // why it could not start: every caller is told
  std::mutex stop_mutex_;                 // cancel() comes from other threads; run() replaces stop_
  std::stop_source stop_;
  // The root task's token; tasks point at it through their Context.
  std::stop_token root_token_;
};

}  // namespace taskrt
