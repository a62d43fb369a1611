// N tiny tasks in the process pool (each a round trip to a worker process),
// then the same tasks on the CPU pool: the peer is process_tasks.py
// (ProcessPoolExecutor). Prints one key=value line per side for bench/run.
//   process_tasks [count] [workers]
#include <cstdlib>

#include "bench/bench_common.hpp"
#include "taskrt/taskrt.hpp"

namespace {

taskrt::Task<std::string> tiny_remote(std::string_view arguments) {
  taskrt::Reader in(arguments);
  auto i = taskrt::decode_value<std::int64_t>(in);
  co_return taskrt::encode_values(i * 2);
}

const taskrt::ProcessTask kTasks[] = {{"tiny", tiny_remote}};

taskrt::Task<std::int64_t> tiny_local(std::int64_t i) {
  co_await taskrt::ensure_cpu();
  co_return i * 2;
}

taskrt::Task<std::int64_t> in_processes(std::int64_t count) {
  std::vector<taskrt::Task<std::int64_t>> calls;
  calls.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) calls.push_back(taskrt::call_in_process<std::int64_t>(0, i));
  std::int64_t total = 0;
  for (std::int64_t x : co_await taskrt::gather(std::move(calls))) total += x;
  co_return total;
}

taskrt::Task<std::int64_t> on_cpu_pool(std::int64_t count) {
  std::vector<taskrt::Task<std::int64_t>> calls;
  calls.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) calls.push_back(tiny_local(i));
  std::int64_t total = 0;
  for (std::int64_t x : co_await taskrt::gather(std::move(calls))) total += x;
  co_return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (auto status = taskrt::serve_if_worker(argc, argv, kTasks)) return *status;
  std::int64_t count = argc > 1 ? std::atoll(argv[1]) : 20'000;
  taskrt::RuntimeOptions options;
  options.procs = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  options.process_tasks = kTasks;
  auto runtime = taskrt::Runtime::create(options);
  runtime->run(in_processes(1000));  // warm up, as the Python side does
  auto start = std::chrono::steady_clock::now();
  std::int64_t total = runtime->run(in_processes(count));
  double seconds = bench::seconds_since(start);
  if (total != count * (count - 1)) return 1;
  bench::report("process_tasks_taskrt", seconds, seconds / static_cast<double>(count) * 1e6, "us_per_task");
  start = std::chrono::steady_clock::now();
  total = runtime->run(on_cpu_pool(count));
  seconds = bench::seconds_since(start);
  if (total != count * (count - 1)) return 1;
  bench::report("process_tasks_cpu_pool", seconds, seconds / static_cast<double>(count) * 1e6, "us_per_task");
  return 0;
}
