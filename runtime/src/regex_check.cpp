// The checks of a pattern and a replacement, apart from matching so that the
// compiler can run them on the patterns a program writes (regex.hpp).
#include <re2/re2.h>

#include "taskrt/regex.hpp"

namespace taskrt {

namespace {

RE2::Options quiet_options() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

}  // namespace

std::string regex_error(const std::string& pattern, std::string* fragment) {
  RE2 re(pattern, quiet_options());
  if (re.ok()) return {};
  if (fragment != nullptr) *fragment = re.error_arg();
  return re.error();
}

std::string replacement_error(const std::string& pattern, const std::string& replacement) {
  RE2 re(pattern, quiet_options());
  if (!re.ok()) return re.error();
  std::string error;
  if (!re.CheckRewriteString(replacement, &error)) return error;
  return {};
}

}  // namespace taskrt
