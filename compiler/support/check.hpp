// Internal invariants of the compiler. A failed TASKC_CHECK is a bug in
// taskc, never a user's mistake (those are diagnostics): it says so, with
// where and why, and aborts.
#pragma once

#include <string_view>

namespace taskc::support {

[[noreturn]] void compiler_bug(const char* file, int line, std::string_view condition, std::string_view message);

}  // namespace taskc::support

#define TASKC_CHECK(condition, message)                                                          \
  do {                                                                                           \
    if (!(condition)) ::taskc::support::compiler_bug(__FILE__, __LINE__, #condition, (message)); \
  } while (false)

#define TASKC_UNREACHABLE(message) ::taskc::support::compiler_bug(__FILE__, __LINE__, "", (message))
