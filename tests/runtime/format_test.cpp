#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

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

namespace {

// One line of format_cases.tsv: what Python's format() gives for a value
// and a spec (or "!error").
struct FormatCase {
  std::string kind;
  std::string value;
  std::string spec;
  std::string expected;
};

std::vector<FormatCase> read_format_cases() {
  const char* root = std::getenv("TASKC_SOURCE_DIR");
  REQUIRE(root != nullptr);
  std::ifstream in(std::string(root) + "/tests/runtime/format_cases.tsv");
  REQUIRE(in.good());
  std::vector<FormatCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    FormatCase c;
    std::size_t a = line.find('\t');
    std::size_t b = line.find('\t', a + 1);
    std::size_t d = line.find('\t', b + 1);
    REQUIRE(d != std::string::npos);
    c.kind = line.substr(0, a);
    c.value = line.substr(a + 1, b - a - 1);
    c.spec = line.substr(b + 1, d - b - 1);
    c.expected = line.substr(d + 1);
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string format_case(const FormatCase& c) {
  try {
    if (c.kind == "i") return taskrt::format(static_cast<std::int64_t>(std::stoll(c.value)), c.spec);
    if (c.kind == "f") return taskrt::format(std::strtod(c.value.c_str(), nullptr), c.spec);
    return taskrt::format(c.value, c.spec);
  } catch (const taskrt::ValueError&) {
    return "!error";
  }
}

}  // namespace

TEST_CASE("format specs give what Python's format() gives for the same value and spec") {
  std::vector<FormatCase> cases = read_format_cases();
  REQUIRE(cases.size() > 1000);
  for (const FormatCase& c : cases) {
    INFO("format(" << c.value << ", \"" << c.spec << "\")");
    CHECK(format_case(c) == c.expected);
  }
}

TEST_CASE("a malformed format spec is a ValueError that says what is wrong") {
  auto message = [](std::string_view spec) {
    try {
      taskrt::format(std::int64_t{5}, spec);
    } catch (const taskrt::ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(".") == "format spec \".\": `.` must be followed by the precision, a number");
  CHECK(message("5q") ==
        "format spec \"5q\": unexpected `q` at position 2 (a spec is "
        "[[fill]align][sign][#][0][width][,|_][.precision][type])");
  CHECK(message("99999999") == "format spec \"99999999\": the width is larger than 1000000");
  CHECK(message(".2") == "format spec \".2\": an int has no precision (a float type such as `.2f` converts it)");
}
