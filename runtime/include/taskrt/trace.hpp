// Task tracing: where each task call began and ended, for `--trace FILE`
// (Chrome trace JSON, for chrome://tracing or ui.perfetto.dev) and `--stats`
// (per-task counts and latencies on exit).
//
// Generated code gives every task body a TaskSpan, which is also the call's
// node in the live task tree (task_tree.hpp). While no recorder is running,
// recording costs one relaxed atomic load; while one is, beginning a span
// appends a record to its thread's buffer (an uncontended lock) and ending it
// fills in the end.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "taskrt/error.hpp"
#include "taskrt/executor.hpp"
#include "taskrt/task_tree.hpp"

namespace taskrt {

// Where a task is defined: constant, one per task of a program.
struct TaskSite {
  const char* name;
  const char* kind;  // "io", "cpu" or "flow"
  const char* file;
  int line;

  // So that generated code can write `error.add_frame(site)`.
  operator TraceFrame() const { return TraceFrame{name, file, line}; }
};

// One task call. end_ns stays 0 until the call ends.
struct SpanRecord {
  const TaskSite* site;
  std::int64_t begin_ns;  // steady clock
  std::int64_t end_ns;
  std::uint32_t begin_thread;  // small thread numbers, in order of first use
  std::uint32_t end_thread;
  // Ended by an error: cancellation (a race's loser, a sibling's failure,
  // Ctrl-C) is not a failure of the task, so it is counted apart.
  bool failed;
  bool cancelled;
};

namespace detail {
extern std::atomic<bool> g_recording;
// A new record in this thread's buffer; its address stays valid until the
// recorder is started again.
SpanRecord* begin_span(const TaskSite& site);
void end_span(SpanRecord* record) noexcept;
}  // namespace detail

// One task call from its construction to its destruction: its node in the
// live task tree (task_tree.hpp), and its record while a recorder runs (null
// otherwise).
class TaskSpan {
 public:
  // A call with no parent in the tree.
  explicit TaskSpan(const TaskSite& site) { begin(site, nullptr); }
  // A call under the one running in `context` (the call's own coroutine's):
  // this call's node becomes the context's, so the tasks it starts are its
  // children in the tree.
  TaskSpan(const TaskSite& site, Context& context) { start(site, context); }
  // Not begun yet: a lowered body's span, which lives in its frame from the
  // frame's making and begins only when the body starts.
  TaskSpan() = default;
  ~TaskSpan() { end(); }

  // Begins the call (once), as the constructor above does.
  void start(const TaskSite& site, Context& context) {
    begin(site, context.node);
    context.node = &node_;
  }
  // Ends the call now, if it began; the destructor then has nothing to do.
  void end() noexcept {
    if (node_.slot == nullptr) return;
    detail::leave_node(node_);
    node_.slot = nullptr;
    if (record_) detail::end_span(std::exchange(record_, nullptr));
  }
  TaskSpan(const TaskSpan&) = delete;
  TaskSpan& operator=(const TaskSpan&) = delete;

  void mark_failed() noexcept {
    if (record_) record_->failed = true;
  }
  void mark_cancelled() noexcept {
    if (record_) record_->cancelled = true;
  }
  // The call ends with `error`: failed, or cancelled if it is Cancelled.
  void mark_ended_by(const Error& error) noexcept {
    if (error.kind() == ErrorKind::kCancelled) {
      mark_cancelled();
    } else {
      mark_failed();
    }
  }

 private:
  void begin(const TaskSite& site, const TaskNode* parent) {
    detail::enter_node(node_, parent, site);
    if (detail::g_recording.load(std::memory_order_relaxed)) record_ = detail::begin_span(site);
  }

  TaskNode node_;
  SpanRecord* record_ = nullptr;
};

// The process-wide recorder. Start it before the runtime runs tasks; stop it
// only after the runtime is gone (its threads joined, every span ended).
class TaskRecorder {
 public:
  static void start();
  // Stops recording and returns every finished call since start(), by begin time.
  static std::vector<SpanRecord> stop();

  // Chrome's trace event format: one async begin/end pair per call.
  static void write_chrome_trace(const std::vector<SpanRecord>& records, std::ostream& out);
  // A table of calls, failures and latencies per task, slowest total first.
  static std::string stats_table(const std::vector<SpanRecord>& records);
};

}  // namespace taskrt
