// N io tasks that each sleep for D, all in one gather (default: 1,000,000 x 1 s).
// The peer is sleep_million.py (asyncio.gather of asyncio.sleep).
#include <cstdlib>

#include "bench/bench_common.hpp"
#include "taskrt/taskrt.hpp"

namespace {

taskrt::Task<void> sleeper(std::chrono::milliseconds duration) {
  co_await taskrt::sleep(duration);
}

taskrt::Task<void> all(long count, std::chrono::milliseconds duration) {
  std::vector<taskrt::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) tasks.push_back(sleeper(duration));
  co_await taskrt::gather(std::move(tasks));
}

}  // namespace

int main(int argc, char** argv) {
  long count = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  std::chrono::milliseconds duration(argc > 2 ? std::atol(argv[2]) : 1000);
  auto runtime = taskrt::Runtime::create();
  auto start = std::chrono::steady_clock::now();
  runtime->run(all(count, duration));
  bench::report("sleep_million_taskrt", bench::seconds_since(start), static_cast<double>(count), "tasks");
  return 0;
}
