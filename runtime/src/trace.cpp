#include "taskrt/trace.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>

namespace taskrt {
namespace detail {

std::atomic<bool> g_recording{false};

namespace {

// Each thread appends to its own buffer (a deque: records never move, so a
// span can keep a pointer to its own). The lock is only ever contended while
// the recorder starts or stops.
struct SpanBuffer {
  std::mutex mutex;
  std::deque<SpanRecord> records;
};

struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<SpanBuffer>> buffers;  // never shrinks: threads keep pointers
  std::uint32_t threads = 0;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

SpanBuffer& thread_buffer() {
  thread_local SpanBuffer* buffer = [] {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.buffers.push_back(std::make_unique<SpanBuffer>());
    return r.buffers.back().get();
  }();
  return *buffer;
}

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::uint32_t thread_number() {
  thread_local std::uint32_t number = [] {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    return ++r.threads;
  }();
  return number;
}

}  // namespace

SpanRecord* begin_span(const TaskSite& site) {
  // Both may take the registry's lock on a thread's first span: before the
  // buffer's, the order start() and stop() take them in.
  SpanBuffer& buffer = thread_buffer();
  std::uint32_t thread = thread_number();
  std::lock_guard lock(buffer.mutex);
  buffer.records.push_back(SpanRecord{&site, now_ns(), 0, thread, 0, false, false});
  return &buffer.records.back();
}

void end_span(SpanRecord* record) noexcept {
  record->end_thread = thread_number();
  record->end_ns = now_ns();
}

}  // namespace detail

namespace {

std::string json_string(const char* text) {
  std::string out = "\"";
  for (const char* p = text; *p; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string short_duration(std::int64_t ns) {
  double value = static_cast<double>(ns);
  if (ns >= 1'000'000'000) return fmt::format("{:.2f}s", value / 1e9);
  if (ns >= 1'000'000) return fmt::format("{:.2f}ms", value / 1e6);
  if (ns >= 1'000) return fmt::format("{:.2f}us", value / 1e3);
  return fmt::format("{}ns", ns);
}

}  // namespace

void TaskRecorder::start() {
  detail::Registry& r = detail::registry();
  {
    std::lock_guard lock(r.mutex);
    for (auto& buffer : r.buffers) {
      std::lock_guard buffer_lock(buffer->mutex);
      buffer->records.clear();
    }
  }
  detail::g_recording.store(true, std::memory_order_relaxed);
}

std::vector<SpanRecord> TaskRecorder::stop() {
  detail::g_recording.store(false, std::memory_order_relaxed);
  std::vector<SpanRecord> all;
  detail::Registry& r = detail::registry();
  std::lock_guard lock(r.mutex);
  for (auto& buffer : r.buffers) {
    std::lock_guard buffer_lock(buffer->mutex);
    for (const SpanRecord& record : buffer->records) {
      if (record.end_ns != 0) all.push_back(record);  // calls still running are left out
    }
    buffer->records.clear();
  }
  std::sort(all.begin(), all.end(), [](const SpanRecord& a, const SpanRecord& b) { return a.begin_ns < b.begin_ns; });
  return all;
}

namespace {

// "file:line"; a site the runtime made (line 0) says where in its own words.
std::string where_defined(const TaskSite& site) {
  return site.line > 0 ? fmt::format("{}:{}", site.file, site.line) : std::string(site.file);
}

}  // namespace

void TaskRecorder::write_chrome_trace(const std::vector<SpanRecord>& records, std::ostream& out) {
  std::int64_t origin = records.empty() ? 0 : records.front().begin_ns;
  auto micros = [origin](std::int64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns - origin) / 1e3); };
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
  std::size_t id = 0;
  for (const SpanRecord& r : records) {
    ++id;
    std::string common =
        fmt::format("\"name\":{},\"cat\":\"{}\",\"id\":{},\"pid\":1", json_string(r.site->name), r.site->kind, id);
    out << (id == 1 ? "\n" : ",\n")
        << fmt::format("{{{},\"ph\":\"b\",\"ts\":{},\"tid\":{},\"args\":{{\"at\":{}}}}}", common, micros(r.begin_ns),
                       r.begin_thread, json_string(where_defined(*r.site).c_str()));
    out << fmt::format(",\n{{{},\"ph\":\"e\",\"ts\":{},\"tid\":{},\"args\":{{\"failed\":{},\"cancelled\":{}}}}}",
                       common, micros(r.end_ns), r.end_thread, r.failed ? "true" : "false",
                       r.cancelled ? "true" : "false");
  }
  out << "\n]}\n";
}

std::string TaskRecorder::stats_table(const std::vector<SpanRecord>& records) {
  struct Row {
    const TaskSite* site;
    std::vector<std::int64_t> durations;
    std::size_t failed = 0;
    std::size_t cancelled = 0;
    std::int64_t total = 0;
  };
  std::map<const TaskSite*, Row> rows;
  for (const SpanRecord& r : records) {
    Row& row = rows[r.site];
    row.site = r.site;
    row.durations.push_back(r.end_ns - r.begin_ns);
    row.total += r.end_ns - r.begin_ns;
    row.failed += r.failed ? 1 : 0;
    row.cancelled += r.cancelled ? 1 : 0;
  }
  std::vector<Row*> ordered;
  for (auto& [site, row] : rows) ordered.push_back(&row);
  std::sort(ordered.begin(), ordered.end(), [](const Row* a, const Row* b) { return a->total > b->total; });

  std::string out =
      fmt::format("{:<24} {:<4} {:>9} {:>7} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}  {}\n", "task", "kind", "calls",
                  "failed", "cancelled", "total", "mean", "p50", "p99", "max", "defined at");
  for (Row* row : ordered) {
    std::vector<std::int64_t>& d = row->durations;
    std::sort(d.begin(), d.end());
    // Nearest rank: the smallest duration that p of the calls do not exceed.
    auto percentile = [&d](double p) {
      auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(d.size())));
      return d[rank == 0 ? 0 : rank - 1];
    };
    out +=
        fmt::format("{:<24} {:<4} {:>9} {:>7} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}  {}\n", row->site->name,
                    row->site->kind, d.size(), row->failed, row->cancelled, short_duration(row->total),
                    short_duration(row->total / static_cast<std::int64_t>(d.size())), short_duration(percentile(0.5)),
                    short_duration(percentile(0.99)), short_duration(d.back()), where_defined(*row->site));
  }
  if (ordered.empty()) out += "(no task ran)\n";
  return out;
}

}  // namespace taskrt
