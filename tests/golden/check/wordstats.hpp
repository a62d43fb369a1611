// The C++ behind the extern tasks of ok_brief_crawl.task (the language
// reference's crawl example), so that the program builds and runs.
#pragma once

#include <string>

namespace wordstats {

// A crude English stemmer: drops a trailing "ing" or "s".
inline std::string stem(const std::string& word) {
  if (word.size() > 5 && word.ends_with("ing")) return word.substr(0, word.size() - 3);
  if (word.size() > 3 && word.ends_with("s")) return word.substr(0, word.size() - 1);
  return word;
}

}  // namespace wordstats

namespace kv {

// A blocking key-value lookup.
inline std::string get(const std::string& key) {
  return "value-of-" + key;
}

}  // namespace kv
