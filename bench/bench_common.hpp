// Shared by the C++ benchmarks: wall time and peak memory, printed as one
// `key=value` line that bench/run parses.
#pragma once

#include <sys/resource.h>
#include <chrono>
#include <cstdio>
#include <string>

namespace bench {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Peak resident set size of this process, in MiB.
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

inline void report(const std::string& name, double seconds, double extra_value = 0, const char* extra_key = nullptr) {
  std::printf("bench=%s seconds=%.6f peak_rss_mib=%.1f", name.c_str(), seconds, peak_rss_mib());
  if (extra_key != nullptr) std::printf(" %s=%.6f", extra_key, extra_value);
  std::printf("\n");
}

}  // namespace bench
