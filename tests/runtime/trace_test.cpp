// Task tracing (--trace, --stats) and the runtime options of generated programs.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

constexpr TaskSite kLeaf{"leaf", "cpu", "demo.task", 3};
constexpr TaskSite kRoot{"root", "flow", "demo.task", 9};

Task<int> leaf(int n) {
  TaskSpan span{kLeaf};
  co_await ensure_cpu();
  if (n < 0) {
    span.mark_failed();
    throw FailedError("negative");
  }
  co_return n * 2;
}

Task<int> root() {
  TaskSpan span{kRoot};
  auto [a, b] = co_await gather(leaf(1), leaf(2));
  int c = 0;
  try {
    c = co_await leaf(-1);
  } catch (const FailedError&) {
  }
  co_return a + b + c;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("spans are recorded only while a recorder runs") {
  auto runtime = testing::make_runtime();
  CHECK(runtime->run(root()) == 6);
  CHECK(TaskRecorder::stop().empty());

  TaskRecorder::start();
  CHECK(runtime->run(root()) == 6);
  runtime.reset();  // every thread joined: every span has ended
  std::vector<SpanRecord> records = TaskRecorder::stop();
  REQUIRE(records.size() == 4);
  CHECK(records[0].site == &kRoot);  // ordered by begin time
  std::size_t failed = 0;
  for (const SpanRecord& r : records) {
    CHECK(r.end_ns >= r.begin_ns);
    failed += r.failed ? 1 : 0;
  }
  CHECK(failed == 1);

  std::string table = TaskRecorder::stats_table(records);
  CHECK(table.find("leaf") != std::string::npos);
  CHECK(table.find("demo.task:3") != std::string::npos);
  CHECK(table.find("demo.task:9") != std::string::npos);

  std::ostringstream trace;
  TaskRecorder::write_chrome_trace(records, trace);
  CHECK(count(trace.str(), "\"ph\":\"b\"") == 4);
  CHECK(count(trace.str(), "\"ph\":\"e\"") == 4);
  CHECK(count(trace.str(), "\"failed\":true") == 1);
}

TEST_CASE("a runtime with a trace file writes it when it is destroyed") {
  std::string path = "/tmp/taskrt_trace_test_" + std::to_string(::getpid()) + ".json";
  {
    RuntimeOptions options;
    options.cpu_threads = 2;
    options.trace_file = path;
    auto runtime = Runtime::create(options);
    CHECK(runtime->run(root()) == 6);
  }
  std::string json = read(path);
  std::remove(path.c_str());
  CHECK(json.rfind("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 0) == 0);
  CHECK(count(json, "\"name\":\"leaf\"") == 6);  // three calls, a begin and an end each
  CHECK(json.find("\"at\":\"demo.task:9\"") != std::string::npos);
}

TEST_CASE("a trace file that cannot be written fails before anything runs") {
  RuntimeOptions options;
  options.trace_file = "/nonexistent-directory/trace.json";
  CHECK_THROWS_AS(Runtime::create(options), IoError);
}

TEST_CASE("programs accept --trace, --stats and --progress") {
  ProgramArgs args("demo", "", {{"n", "int"}});
  std::vector<std::string> words = {"demo", "--stats", "--trace", "out.json", "--progress", "7"};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  CHECK_FALSE(args.parse(static_cast<int>(argv.size()), argv.data()).has_value());
  CHECK(args.options().stats);
  CHECK(args.options().progress);
  CHECK(args.options().trace_file == "out.json");
  CHECK(args.get_int(0) == 7);

  ProgramArgs missing("demo", "", {});
  std::vector<std::string> bad = {"demo", "--trace"};
  std::vector<char*> bad_argv;
  for (std::string& w : bad) bad_argv.push_back(w.data());
  CHECK(missing.parse(static_cast<int>(bad_argv.size()), bad_argv.data()) == 2);
}

TEST_CASE("no progress bar without --progress, for small gathers, or off a terminal") {
  auto runtime = testing::make_runtime();
  Context context{runtime.get(), &runtime->loop(), &kNeverStopped};
  CHECK(ProgressBar::for_gather(context, 10'000, "g") == nullptr);  // not asked for
  RuntimeOptions options;
  options.progress = true;
  auto with_progress = Runtime::create(options);
  Context asked{with_progress.get(), &with_progress->loop(), &kNeverStopped};
  CHECK(ProgressBar::for_gather(asked, ProgressBar::kMinimumCount - 1, "g") == nullptr);
  if (!::isatty(STDERR_FILENO)) CHECK(ProgressBar::for_gather(asked, 10'000, "g") == nullptr);
}

TEST_CASE("programs accept --procs and --proc-mem, and reject bad values") {
  auto parse = [](std::vector<std::string> words, ProgramArgs& args) {
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    return args.parse(static_cast<int>(argv.size()), argv.data());
  };
  ProgramArgs good("demo", "", {});
  CHECK_FALSE(parse({"demo", "--procs", "3", "--proc-mem", "512M"}, good).has_value());
  CHECK(good.options().procs == 3);
  CHECK(good.options().proc_memory == (std::uint64_t{512} << 20));
  ProgramArgs gib("demo", "", {});
  CHECK_FALSE(parse({"demo", "--proc-mem", "2G"}, gib).has_value());
  CHECK(gib.options().proc_memory == (std::uint64_t{2} << 30));
  ProgramArgs http("demo", "", {});
  CHECK_FALSE(parse({"demo", "--http-timeout", "1.5s", "--http-max-body", "0"}, http).has_value());
  CHECK(http.options().http_timeout == std::chrono::milliseconds(1500));
  CHECK(http.options().http_max_body == 0);
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{{"demo", "--procs", "0"},
                                                                            {"demo", "--procs"},
                                                                            {"demo", "--procs", "100000"},
                                                                            {"demo", "--http-timeout", "-1s"},
                                                                            {"demo", "--http-timeout", "5"},
                                                                            {"demo", "--http-max-body", "lots"},
                                                                            {"demo", "--proc-mem", "lots"},
                                                                            {"demo", "--proc-mem", "1M"},
                                                                            {"demo", "--proc-mem", "12X"}}) {
    ProgramArgs args("demo", "", {});
    CHECK(parse(bad, args) == 2);
  }
}

TEST_CASE("a call ended by cancellation is counted as cancelled, not failed") {
  TaskRecorder::start();
  {
    TaskSpan cancelled{kLeaf};
    cancelled.mark_ended_by(CancelledError("cancelled"));
    TaskSpan failed{kLeaf};
    failed.mark_ended_by(FailedError("boom"));
  }
  std::vector<SpanRecord> records = TaskRecorder::stop();
  REQUIRE(records.size() == 2);
  CHECK((records[0].cancelled && !records[0].failed));
  CHECK((records[1].failed && !records[1].cancelled));
  std::string table = TaskRecorder::stats_table(records);
  CHECK(table.find("calls  failed cancelled") != std::string::npos);
  CHECK(table.find("      2       1         1") != std::string::npos);
}

TEST_CASE("command-line numbers and durations are taken whole, or refused with exit status 2") {
  auto parse = [](std::vector<std::string> words, ProgramArgs& args) {
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    return args.parse(static_cast<int>(argv.size()), argv.data());
  };
  for (const char* bad : {"1.2.3s", ".s", "s", "1e3s", "-", "99999999999999h", "-99999999999999h", "5", "1.5"}) {
    INFO(bad);
    ProgramArgs args("demo", "", {{"wait", "duration"}});
    CHECK(parse({"demo", bad}, args) == 2);
  }
  ProgramArgs negative("demo", "", {{"wait", "duration"}});
  REQUIRE_FALSE(parse({"demo", "-250ms"}, negative).has_value());
  CHECK(negative.get_duration(0) == std::chrono::milliseconds(-250));
  ProgramArgs fraction("demo", "", {{"wait", "duration"}});
  REQUIRE_FALSE(parse({"demo", "1.5s"}, fraction).has_value());
  CHECK(fraction.get_duration(0) == std::chrono::milliseconds(1500));
  ProgramArgs huge("demo", "", {{"x", "float"}});
  CHECK(parse({"demo", "1e999"}, huge) == 2);
  ProgramArgs tiny("demo", "", {{"x", "float"}});
  CHECK_FALSE(parse({"demo", "1e-999"}, tiny).has_value());
}

TEST_CASE("deep recursion in a trace is folded: a repeated frame or cycle is counted, not printed") {
  FailedError error("too deep");
  error.add_frame({"leaf", "a.task", 1});
  for (int i = 0; i < 100'000; ++i) error.add_frame({"down", "a.task", 5});
  for (int i = 0; i < 500; ++i) {
    error.add_frame({"ping", "a.task", 9});
    error.add_frame({"pong", "a.task", 12});
  }
  error.add_frame({"main", "a.task", 20});
  error.add_frame({"main", "a.task", 20});  // twice only: printed twice
  CHECK(error.describe() ==
        "Failed: too deep\n"
        "  in leaf (a.task:1)\n"
        "  in down (a.task:5)\n"
        "  [the frame above repeated 99999 more times]\n"
        "  in ping (a.task:9)\n"
        "  in pong (a.task:12)\n"
        "  [the 2 frames above repeated 499 more times]\n"
        "  in main (a.task:20)\n"
        "  in main (a.task:20)");
}
