// Skynet: a tree of CPU tasks, each spawning 10 children by a nested gather,
// down to `depth` levels (depth 6: 1,111,111 tasks); leaves return their
// number and parents sum. The peer is skynet_tbb.cpp.
#include <cstdlib>

#include "bench/bench_common.hpp"
#include "taskrt/taskrt.hpp"

namespace {

taskrt::Task<long> skynet(long number, int depth) {
  if (depth == 0) co_return number;
  std::vector<taskrt::Task<long>> children;
  children.reserve(10);
  for (long i = 0; i < 10; ++i) children.push_back(skynet(number * 10 + i, depth - 1));
  std::vector<long> sums = co_await taskrt::gather(std::move(children));
  long total = 0;
  for (long s : sums) total += s;
  co_return total;
}

taskrt::Task<long> root(int depth) {
  co_await taskrt::to_cpu();
  co_return co_await skynet(0, depth);
}

long expected(int depth) {
  long leaves = 1;
  for (int i = 0; i < depth; ++i) leaves *= 10;
  return leaves * (leaves - 1) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int depth = argc > 1 ? std::atoi(argv[1]) : 6;
  unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  taskrt::RuntimeOptions options;
  options.cpu_threads = threads;
  options.io_threads = 16;
  auto runtime = taskrt::Runtime::create(options);
  runtime->run(root(depth));  // warm-up
  double best = 1e9;
  for (int round = 0; round < 5; ++round) {
    auto start = std::chrono::steady_clock::now();
    long sum = runtime->run(root(depth));
    best = std::min(best, bench::seconds_since(start));
    if (sum != expected(depth)) return 1;
  }
  bench::report("skynet_taskrt_d" + std::to_string(depth) + "_t" + std::to_string(runtime->cpu().size()), best);
  return 0;
}
