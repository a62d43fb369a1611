// N GETs of one URL with at most K in flight, on taskrt's HTTP client (one
// event-loop thread). Every response is checked (status 200, the expected
// length) so that a fast failure cannot pass for a fast success.
//
//   http_get URL N K  ->  bench=http_get seconds=… peak_rss_mib=… req_per_s=…
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_common.hpp"
#include "taskrt/taskrt.hpp"

namespace {

// One of K workers: takes request numbers until all N are taken.
taskrt::Task<void> worker(const std::string& url, int& next, int total, std::size_t& bytes, int& bad) {
  while (next < total) {
    ++next;  // the loop thread is the only one here: no atomics needed
    taskrt::HttpResponse response = co_await taskrt::http_get(url);
    if (response.status != 200) ++bad;
    bytes += response.body.size();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: http_get URL N IN_FLIGHT\n");
    return 2;
  }
  std::string url = argv[1];
  int total = std::atoi(argv[2]);
  int in_flight = std::atoi(argv[3]);
  auto runtime = taskrt::Runtime::create();
  int next = 0;
  int bad = 0;
  std::size_t bytes = 0;
  auto body = [&]() -> taskrt::Task<void> {
    std::vector<taskrt::Task<void>> workers;
    for (int i = 0; i < in_flight; ++i) workers.push_back(worker(url, next, total, bytes, bad));
    co_await taskrt::gather(std::move(workers));
  };
  // A first, untimed round opens the connections, as wrk's warm-up does.
  runtime->run(body());
  next = 0;
  bytes = 0;
  auto start = std::chrono::steady_clock::now();
  runtime->run(body());
  double seconds = bench::seconds_since(start);
  if (bad != 0) {
    std::fprintf(stderr, "http_get: %d responses were not 200\n", bad);
    return 1;
  }
  bench::report("http_get", seconds, total / seconds, "req_per_s");
  std::fprintf(stderr, "http_get: %zu body bytes\n", bytes);
  return 0;
}
