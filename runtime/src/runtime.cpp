#include "taskrt/runtime.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "http_client.hpp"
#include "plain_http_client.hpp"
#include "taskrt/error.hpp"
#include "taskrt/files.hpp"
#include "taskrt/print.hpp"
#include "taskrt/random.hpp"
#include "taskrt/task_tree.hpp"
#include "taskrt/trace.hpp"

namespace taskrt {
namespace {

// Stops the loop when the root task finishes, wherever it finishes.
class RootObserver final : public detail::CompletionObserver {
 public:
  explicit RootObserver(EventLoop& loop) : loop_(loop) {}
  std::coroutine_handle<> on_child_done(detail::PromiseBase&) noexcept override {
    loop_.stop();
    return std::noop_coroutine();
  }

 private:
  EventLoop& loop_;
};

// While another thread still works, the loop looks for a deadlock again this
// often (ms): the other thread's last task may park without waking the loop.
constexpr int kDeadlockRecheckMs = 100;
// A deadlock report names this many waits, then counts the rest.
constexpr std::size_t kDeadlockReportWaits = 20;
// SIGQUIT's task tree is at most this many lines.
constexpr std::size_t kTreeReportLines = 200;

// The first kDeadlockReportWaits of `waits`, one per line after `indent`.
std::string wait_lines(const std::vector<std::string>& waits, const std::string& indent) {
  std::string lines;
  for (std::size_t i = 0; i < waits.size() && i < kDeadlockReportWaits; ++i) lines += "\n" + indent + waits[i];
  if (waits.size() > kDeadlockReportWaits) {
    lines += "\n" + indent + "… and " + std::to_string(waits.size() - kDeadlockReportWaits) + " more";
  }
  return lines;
}

std::string deadlock_report(const std::vector<std::string>& waits) {
  return "no task can go on: " + std::to_string(waits.size()) + (waits.size() == 1 ? " task waits" : " tasks wait") +
         ", and nothing pending (a timer, I/O, other work) could wake one:" + wait_lines(waits, "  ");
}

}  // namespace

std::unique_ptr<Runtime> Runtime::create(const RuntimeOptions& options) {
  return std::unique_ptr<Runtime>(new Runtime(options));
}

Runtime::Runtime(const RuntimeOptions& options) : options_(options) {
  detail::set_file_max_size(options.file_max_size);
  if (options.seed) seed_random(*options.seed);
  if (!options.trace_file.empty()) {
    // Opened now, so a bad path fails before any work is done.
    trace_out_ = std::make_unique<std::ofstream>(options.trace_file, std::ios::trunc);
    if (!*trace_out_) {
      throw IoError("cannot write the trace to `" + options.trace_file + "`: " + std::strerror(errno));
    }
  }
  if (trace_out_ || options.stats) TaskRecorder::start();
  loop_ = EventLoop::create();
  parked_ = std::make_unique<ParkedWaits>(*loop_);
  cpu_ = CpuPool::create(options.cpu_threads);
  cpu_work_ = options.cpu_work_on_loop ? static_cast<Executor*>(loop_.get()) : cpu_.get();
  blocking_ = BlockingPool::create(options.io_threads);
  if (!options.process_tasks.empty()) processes();
}

ProcessPool& Runtime::processes() {
  // Not std::call_once: a start that fails (interrupted, fork refused) must
  // fail every later caller the same way, and an exception leaving
  // pthread_once keeps the flag taken under ThreadSanitizer's interceptor, so
  // the next caller would wait forever.
  std::lock_guard lock(processes_mutex_);
  if (!processes_ && !processes_failure_) {
    ProcessPoolOptions pool;
    pool.workers = options_.procs;
    pool.memory_limit = options_.proc_memory;
    pool.tasks = options_.process_tasks;
    pool.interrupt = options_.interrupt;
    pool.stdout_fd = options_.worker_stdout;
    pool.stderr_fd = options_.worker_stderr;
    try {
      processes_ = std::make_unique<ProcessPool>(pool);
    } catch (...) {
      processes_failure_ = std::current_exception();
    }
  }
  if (processes_failure_) std::rethrow_exception(processes_failure_);
  return *processes_;
}

detail::HttpClient& Runtime::http_client() {
  if (!http_) {
    detail::HttpLimits limits{options_.http_max_body, options_.http_timeout};
    http_ = std::make_unique<detail::HttpClient>(*loop_, limits);
  }
  return *http_;
}

detail::PlainHttpClient& Runtime::plain_http_client() {
  if (!plain_http_) {
    detail::HttpLimits limits{options_.http_max_body, options_.http_timeout};
    plain_http_ = std::make_unique<detail::PlainHttpClient>(*loop_, limits);
  }
  return *plain_http_;
}

Runtime::~Runtime() {
  http_.reset();  // before the loop it is registered with
  plain_http_.reset();
  shutdown();
  processes_.reset();  // reaps every worker
  finish_recording();
}

void Runtime::finish_recording() {
  if (!trace_out_ && !options_.stats) return;
  std::vector<SpanRecord> records = TaskRecorder::stop();
  if (trace_out_) {
    TaskRecorder::write_chrome_trace(records, *trace_out_);
    trace_out_->flush();
    if (!*trace_out_) write_stderr_line("error: could not finish writing the trace to `" + options_.trace_file + "`");
  }
  if (options_.stats) {
    std::string table = TaskRecorder::stats_table(records);
    table.pop_back();  // write_stderr_line ends the line
    write_stderr_line(std::move(table));
  }
}

void Runtime::shutdown() {
  cpu_->shutdown();
  blocking_->shutdown();
}

void Runtime::cancel() noexcept {
  std::lock_guard lock(stop_mutex_);
  stop_.request_stop();
}

void Runtime::run_root(detail::PromiseBase& promise, std::coroutine_handle<> handle) {
  RootObserver observer(*loop_);
  {
    std::lock_guard lock(stop_mutex_);
    root_token_ = stop_.get_token();
  }
  promise.set_context(Context{this, loop_.get(), &root_token_});
  promise.set_observer(&observer);
  deadlock_.reset();
  if (options_.detect_deadlocks) loop_->set_idle_check([this] { return check_for_deadlock(); });
  loop_->run(handle);
  loop_->set_idle_check(nullptr);
  {
    // A new stop source for the next run(), so one cancel() does not poison it.
    std::lock_guard lock(stop_mutex_);
    stop_ = std::stop_source();
  }
  // Whatever the root made of its cancellation, the program deadlocked.
  if (deadlock_) throw DeadlockError(*std::exchange(deadlock_, std::nullopt));
}

void Runtime::report_task_tree() {
  loop_->post([this] {
    std::vector<NodeWaitLine> waits = parked_->describe_by_task();
    std::vector<TaskNodeView> calls = snapshot_task_nodes();
    std::string report = "SIGQUIT: the live task tree (the program goes on):";
    report += calls.empty() && waits.empty()
                  ? "\n  no task call is running"
                  : render_task_tree(calls, waits, detail::coarse_now_ns(), "  ", kTreeReportLines);
    report += "\n  pending in the runtime:";
    report +=
        "\n    timers pending (sleeps, timeouts, rate limits, deadlines): " + std::to_string(loop_->pending_timers());
    report +=
        "\n    descriptors watched (sockets, pipes of workers and children): " + std::to_string(loop_->watched_fds());
    report += std::string("\n    CPU pool: ") + (cpu_->quiescent() ? "idle" : "busy") +
              "; blocking pool: " + (blocking_->busy() ? "busy" : "idle") +
              "; foreign waits (extern io tasks): " + std::to_string(foreign_waits_.load());
    write_stderr_line(std::move(report));
  });
}

int Runtime::check_for_deadlock() {
  if (deadlock_ || foreign_waits_.load(std::memory_order_acquire) > 0) return -1;
  // A blocking job or a cpu task wakes the loop (queues its coroutine there)
  // before it counts itself idle; so once both pools are idle, everything
  // they did is in the loop's queue, which is read last. The blocking pool
  // is asked again because a cpu task may have handed it a job meanwhile.
  if (blocking_->busy() || !cpu_->quiescent() || blocking_->busy()) return kDeadlockRecheckMs;
  if (loop_->has_remote_work()) return 0;
  // Nothing parked, yet nothing pending: whatever the tasks wait for, the
  // runtime does not know of it (a thread without a ForeignWait); no report.
  if (parked_->empty()) return -1;
  deadlock_ = deadlock_report(parked_->describe());
  // Every wait is on something that gives way to cancellation: the tasks
  // unwind as at SIGINT, and run() then fails with the report.
  cancel();
  return 0;
}

}  // namespace taskrt
