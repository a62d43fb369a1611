// The C++ behind the extern tasks of ok_every_construct.task, so that the
// program builds and runs.
#pragma once

#include <taskrt/taskrt.hpp>

#include <string>

namespace extras {

inline std::string stem(const std::string& word) {
  return word.ends_with("ing") ? word.substr(0, word.size() - 3) : word;
}

// A blocking call.
inline std::string lookup(const std::string& key) {
  return "value-of-" + key;
}

// A coroutine on the event loop.
inline taskrt::Task<std::string> fetch_async(std::string url) {
  co_await taskrt::sleep(std::chrono::milliseconds(1));
  co_return "fetched " + url;
}

}  // namespace extras
