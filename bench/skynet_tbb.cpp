// Skynet on oneTBB's task_group, the peer of skynet.cpp: the same tree, the
// same sums, best of five rounds after a warm-up.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_group.h>

#include <array>
#include <cstdlib>
#include <string>

#include "bench/bench_common.hpp"

namespace {

long skynet(long number, int depth) {
  if (depth == 0) return number;
  std::array<long, 10> sums{};
  tbb::task_group group;
  for (long i = 0; i < 10; ++i) {
    group.run([&sums, number, depth, i] { sums[static_cast<std::size_t>(i)] = skynet(number * 10 + i, depth - 1); });
  }
  group.wait();
  long total = 0;
  for (long s : sums) total += s;
  return total;
}

long expected(int depth) {
  long leaves = 1;
  for (int i = 0; i < depth; ++i) leaves *= 10;
  return leaves * (leaves - 1) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int depth = argc > 1 ? std::atoi(argv[1]) : 6;
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  skynet(0, depth);  // warm-up
  double best = 1e9;
  for (int round = 0; round < 5; ++round) {
    auto start = std::chrono::steady_clock::now();
    long sum = skynet(0, depth);
    best = std::min(best, bench::seconds_since(start));
    if (sum != expected(depth)) return 1;
  }
  bench::report("skynet_tbb_d" + std::to_string(depth) + "_t" + std::to_string(threads), best);
  return 0;
}
