#include <catch2/catch.hpp>
#include <sstream>

#include "compiler/driver/command_line.hpp"
#include "compiler/driver/version.hpp"

using taskc::driver::run_command_line;

namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  std::ostringstream out;
  std::ostringstream err;
  int status = run_command_line(args, out, err);
  return Run{status, out.str(), err.str()};
}

}  // namespace

TEST_CASE("the --version flag prints the version") {
  Run r = run({"--version"});
  CHECK(r.status == 0);
  CHECK(r.out == std::string("taskc ") + taskc::driver::kVersion + "\n");
}

TEST_CASE("the --help flag describes the tool") {
  Run r = run({"--help"});
  CHECK(r.status == 0);
  CHECK(r.out.find("taskc") != std::string::npos);
  CHECK(r.out.find("--version") != std::string::npos);
}

TEST_CASE("an unknown flag is a usage error with exit status 2") {
  Run r = run({"--frobnicate"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--frobnicate") != std::string::npos);
  CHECK(r.err.find("taskc --help") != std::string::npos);
}
