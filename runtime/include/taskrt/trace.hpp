// Task tracing: where each task call began and ended, for `--trace FILE`
// (Chrome trace JSON, for chrome://tracing or ui.perfetto.dev) and `--stats`
// (per-task counts and latencies on exit).
//
// Generated code gives every task body a TaskSpan. While no recorder is
// running a span costs one relaxed atomic load; while one is, ending a span
// appends a record to its thread's buffer (an uncontended lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "taskrt/error.hpp"

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

// One finished task call.
struct SpanRecord {
  const TaskSite* site;
  std::int64_t begin_ns;  // steady clock
  std::int64_t end_ns;
  std::uint32_t begin_thread;  // small thread numbers, in order of first use
  std::uint32_t end_thread;
  bool failed;
};

namespace detail {
extern std::atomic<bool> g_recording;
std::int64_t now_ns() noexcept;
void record_span(const SpanRecord& record);
std::uint32_t thread_number();
}  // namespace detail

// Records one task call from its construction to its destruction.
class TaskSpan {
 public:
  explicit TaskSpan(const TaskSite& site) noexcept : site_(&site) {
    if (detail::g_recording.load(std::memory_order_relaxed)) {
      begin_ns_ = detail::now_ns();
      begin_thread_ = detail::thread_number();
    }
  }
  ~TaskSpan() {
    if (begin_ns_ >= 0 && detail::g_recording.load(std::memory_order_relaxed)) {
      detail::record_span({site_, begin_ns_, detail::now_ns(), begin_thread_, detail::thread_number(), failed_});
    }
  }
  TaskSpan(const TaskSpan&) = delete;
  TaskSpan& operator=(const TaskSpan&) = delete;

  void mark_failed() noexcept { failed_ = true; }

 private:
  const TaskSite* site_;
  std::int64_t begin_ns_ = -1;
  std::uint32_t begin_thread_ = 0;
  bool failed_ = false;
};

// The process-wide recorder. Start it before the runtime runs tasks; collect
// after the runtime is gone (every span has ended).
class TaskRecorder {
 public:
  static void start();
  // Stops recording and returns every record since start(), by begin time.
  static std::vector<SpanRecord> stop();

  // Chrome's trace event format: one async begin/end pair per call.
  static void write_chrome_trace(const std::vector<SpanRecord>& records, std::ostream& out);
  // A table of calls, failures and latencies per task, slowest total first.
  static std::string stats_table(const std::vector<SpanRecord>& records);
};

}  // namespace taskrt
