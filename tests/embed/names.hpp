// A C++ function that greetings.task calls as an extern cpu task.
#pragma once

#include <string>

namespace names {

inline std::string shout(const std::string& name) {
  std::string out;
  for (char c : name) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return out;
}

}  // namespace names
