// C++ functions behind the extern tasks of extern.task.
#pragma once

#include <taskrt/taskrt.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace helpers {

// An ordinary blocking call: runs on the blocking-I/O pool.
inline std::string lookup(const std::string& key) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return "value-of-" + key;
}

// A coroutine: runs on the event loop like an io task.
inline taskrt::Task<std::int64_t> fetch_length(std::string url) {
  co_await taskrt::sleep(std::chrono::milliseconds(5));
  co_return static_cast<std::int64_t>(url.size());
}

// A plain CPU function.
inline std::string shout(const std::string& word) {
  std::string out = word;
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out + "!";
}

// A CPU function that takes the caller's stop token: it spins until it is
// cancelled, so only cooperative cancellation can end it.
inline std::int64_t spin_until_stopped(std::int64_t step, const taskrt::StopToken& stop) {
  std::int64_t total = 0;
  while (!stop.stop_requested()) total += step;
  return total;
}

// Fails the way a library would: with a C++ exception.
inline std::int64_t parse_port(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("empty port");
  return std::stoll(text);
}

}  // namespace helpers
