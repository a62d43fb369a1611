// Tasks for the worker processes of the process-pool and ranks tests: each
// decodes its arguments and encodes its result as generated code does.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "taskrt/taskrt.hpp"

namespace taskrt::testing {

inline Task<std::string> twice(std::string_view arguments) {
  Reader in(arguments);
  auto n = decode_value<std::int64_t>(in);
  co_return encode_values(n * 2);
}

inline Task<std::string> fail(std::string_view) {
  FailedError error("no good");
  error.add_frame({"fail", "test.task", 7});
  throw error;
  co_return "";
}

inline Task<std::string> crash(std::string_view) {
  std::abort();
  co_return "";
}

inline Task<std::string> spin(std::string_view) {
  volatile std::uint64_t n = 0;
  while (true) n = n + 1;  // never checks for cancellation
  co_return "";
}

// Prints `lines` lines of `width` characters, each on stdout and on stderr,
// then returns how many it printed.
inline Task<std::string> shout(std::string_view arguments) {
  Reader in(arguments);
  auto lines = decode_value<std::int64_t>(in);
  auto width = decode_value<std::int64_t>(in);
  for (std::int64_t line = 0; line < lines; ++line) {
    std::string text = "line " + std::to_string(line) + " ";
    text.resize(static_cast<std::size_t>(width), '.');
    print(text);
    eprint(text);
  }
  co_return encode_values(lines);
}

// Sleeps the milliseconds it is given, then returns its worker's pid.
inline Task<std::string> nap(std::string_view arguments) {
  Reader in(arguments);
  auto ms = decode_value<std::int64_t>(in);
  co_await sleep(std::chrono::milliseconds(ms));
  co_return encode_values(std::int64_t{::getpid()});
}

}  // namespace taskrt::testing
