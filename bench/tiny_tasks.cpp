// N tiny tasks on the CPU pool, spawned and joined by one gather from a CPU
// task (default 100,000); reports the amortised cost per task. The peer is
// tiny_tasks.py (ThreadPoolExecutor.submit + result).
#include <cstdlib>

#include "bench/bench_common.hpp"
#include "taskrt/taskrt.hpp"

namespace {

taskrt::Task<long> tiny(long i) {
  co_return i * 2;
}

taskrt::Task<long> all(long count) {
  co_await taskrt::to_cpu();
  std::vector<taskrt::Task<long>> tasks;
  tasks.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) tasks.push_back(tiny(i));
  std::vector<long> results = co_await taskrt::gather(std::move(tasks));
  long sum = 0;
  for (long r : results) sum += r;
  co_return sum;
}

}  // namespace

int main(int argc, char** argv) {
  long count = argc > 1 ? std::atol(argv[1]) : 100'000;
  unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  taskrt::RuntimeOptions options;
  options.cpu_threads = threads;
  options.io_threads = 16;
  auto runtime = taskrt::Runtime::create(options);
  // One untimed round warms the frame caches, as a long-running program would be.
  runtime->run(all(count));
  auto start = std::chrono::steady_clock::now();
  long sum = runtime->run(all(count));
  double seconds = bench::seconds_since(start);
  if (sum != count * (count - 1)) return 1;
  bench::report("tiny_tasks_taskrt", seconds, seconds / static_cast<double>(count) * 1e6, "us_per_task");
  return 0;
}
