#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "taskrt/taskrt.hpp"

using namespace std::chrono_literals;

TEST_CASE("floats print shortest round-trip, always looking like floats") {
  CHECK(taskrt::format_float(1.0) == "1.0");
  CHECK(taskrt::format_float(2.5) == "2.5");
  CHECK(taskrt::format_float(0.1) == "0.1");
  CHECK(taskrt::format_float(-0.0) == "-0.0");
  CHECK(taskrt::format_float(2e9) == "2000000000.0");
  CHECK(taskrt::format_float(1e300) == "1e+300");
  CHECK(taskrt::format_float(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(taskrt::format_float(std::nan("")) == "nan");
  double third = 1.0 / 3.0;
  CHECK(std::stod(taskrt::format_float(third)) == third);
}

TEST_CASE("durations print in the largest exact unit") {
  CHECK(taskrt::format_duration(250ms) == "250ms");
  CHECK(taskrt::format_duration(2s) == "2s");
  CHECK(taskrt::format_duration(1500ms) == "1500ms");
  CHECK(taskrt::format_duration(90min) == "90m");
  CHECK(taskrt::format_duration(2h) == "2h");
  CHECK(taskrt::format_duration(7ns) == "7ns");
  CHECK(taskrt::format_duration(0s) == "0s");
  CHECK(taskrt::format_duration(-3s) == "-3s");
}

TEST_CASE("strings inside containers are quoted and escaped") {
  CHECK(taskrt::quote_string("a\"b\n{x}") == "\"a\\\"b\\n\\{x}\"");
}
