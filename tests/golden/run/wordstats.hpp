// The C++ behind wordstats.task's extern tasks.
#pragma once

#include <cstdint>
#include <string>

namespace wordstats {

inline std::string stem(const std::string& word) {
  return word.ends_with("ing") ? word.substr(0, word.size() - 3) : word;
}

inline std::int64_t vowels(const std::string& word) {
  std::int64_t n = 0;
  for (char c : word) n += (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u');
  return n;
}

}  // namespace wordstats
