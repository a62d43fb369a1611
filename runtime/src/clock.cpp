#include "taskrt/clock.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <ctime>

#include "taskrt/error.hpp"
#include "taskrt/format.hpp"

namespace taskrt {
namespace {

// Set while the program starts (static initialization), before any task runs.
const Clock::time_point program_start = Clock::now();

}  // namespace

Duration clock() {
  return std::chrono::duration_cast<Duration>(Clock::now() - program_start);
}

std::string format_time(double t, const std::string& fmt) {
  // Years 1 to 9999, as Python's datetime: what every format can write.
  if (!(t >= -62135596800.0 && t < 253402300800.0)) {
    throw ValueError(fmt::format("format_time({}): not a time between the years 1 and 9999", format_float(t)));
  }
  double whole = std::floor(t);
  auto seconds = static_cast<std::time_t>(whole);
  auto micros = static_cast<int>(std::lround((t - whole) * 1e6));
  if (micros == 1'000'000) {
    ++seconds;
    micros = 0;
  }
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  // %f (microseconds) is Python's, not strftime's: replaced first.
  std::string format;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] == 'f') {
      format += fmt::format("{:06}", micros);
      ++i;
    } else if (fmt[i] == '%' && i + 1 < fmt.size()) {
      format += fmt.substr(i, 2);
      ++i;
    } else {
      format.push_back(fmt[i]);
    }
  }
  if (format.empty()) return {};
  std::string out(format.size() * 4 + 64, '\0');
  while (true) {
    std::size_t length = std::strftime(out.data(), out.size(), format.c_str(), &parts);
    if (length > 0 || out.size() > format.size() * 64 + 4096) {
      out.resize(length);
      return out;
    }
    out.resize(out.size() * 2);
  }
}

double parse_time(const std::string& text, const std::string& fmt) {
  std::tm parts{};
  parts.tm_mday = 1;
  parts.tm_year = 70;
  const char* end = strptime(text.c_str(), fmt.c_str(), &parts);
  if (end == nullptr || *end != '\0') {
    throw ValueError(
        fmt::format("parse_time({}, {}): the text does not match the format", quote_string(text), quote_string(fmt)));
  }
  long offset = parts.tm_gmtoff;  // set by %z; 0 otherwise
  std::time_t seconds = timegm(&parts);
  return static_cast<double>(seconds - offset);
}

std::int64_t getpid() {
  return static_cast<std::int64_t>(::getpid());
}

}  // namespace taskrt
