#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/driver/command_line.hpp"
#include "compiler/version.hpp"

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
  CHECK(r.out == std::string("taskc ") + taskc::kVersion + "\n");
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

namespace {

// A temporary .task file, removed when the test ends.
struct TempProgram {
  std::string path;
  explicit TempProgram(const std::string& text, const std::string& name = "prog.task") {
    path = "/tmp/taskc_driver_test_" + std::to_string(::getpid()) + "_" + name;
    std::ofstream(path) << text;
  }
  ~TempProgram() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("check: exit 0 on a clean program, 1 with diagnostics on errors") {
  TempProgram good("flow main() { print(1) }\n");
  Run ok = run({"check", good.path});
  CHECK(ok.status == 0);
  CHECK(ok.err.empty());

  TempProgram bad("flow main() { print(nope) }\n");
  Run failed = run({"check", bad.path});
  CHECK(failed.status == 1);
  CHECK(failed.err.find("error[E0101]: unknown name `nope`") != std::string::npos);
  CHECK(failed.err.find("taskc: 1 error in") != std::string::npos);
  // No colour unless on a terminal or asked for.
  CHECK(failed.err.find('\x1b') == std::string::npos);
  Run coloured = run({"check", bad.path, "--color", "always"});
  CHECK(coloured.err.find('\x1b') != std::string::npos);
}

TEST_CASE("check: --diagnostics json and --emit-ir json") {
  TempProgram bad("flow main() { print(nope) }\n");
  Run json = run({"check", bad.path, "--diagnostics", "json"});
  CHECK(json.status == 1);
  CHECK(json.err.rfind("[\n", 0) == 0);
  CHECK(json.err.find("\"code\": \"E0101\"") != std::string::npos);

  TempProgram good("io task f(x: int) -> int { return x }\nflow main() { let a = f(1)\n print(a) }\n");
  Run ir = run({"check", good.path, "--emit-ir", "json"});
  CHECK(ir.status == 0);
  CHECK(ir.out.find("\"graph\": [") != std::string::npos);
  CHECK(ir.out.find("\"main\": \"main\"") != std::string::npos);
}

TEST_CASE("graph: dot by default, mermaid on request, unknown flows are usage errors") {
  TempProgram program("io task f(x: int) -> int { return x }\nflow main() { let a = f(1)\n print(a) }\n");
  Run dot = run({"graph", program.path});
  CHECK(dot.status == 0);
  CHECK(dot.out.find("\"main_0\" -> \"main_1\"") != std::string::npos);
  Run mermaid = run({"graph", program.path, "--format", "mermaid"});
  CHECK(mermaid.out.find("main_0 -->|a| main_1") != std::string::npos);
  Run missing = run({"graph", program.path, "--flow", "nope"});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("has no flow named `nope`") != std::string::npos);
  Run bad_format = run({"graph", program.path, "--format", "svg"});
  CHECK(bad_format.status == 2);
}

TEST_CASE("a missing input file is named, with the reason, and exits 2") {
  Run r = run({"check", "/nonexistent/x.task"});
  CHECK(r.status == 2);
  CHECK(r.err == "taskc: error: cannot read `/nonexistent/x.task`: No such file or directory\n");
}

TEST_CASE("the --explain flag prints the long explanation of a code") {
  Run r = run({"--explain", "E0301"});
  CHECK(r.status == 0);
  CHECK(r.out.rfind("E0301: a cpu task reaches I/O\n", 0) == 0);
  Run unknown = run({"--explain", "E0999"});
  CHECK(unknown.status == 2);
}

TEST_CASE("a C++ error in generated code is reported as an internal error, at the .task line") {
  // The extern's C++ function does not exist: the one way a checked program
  // can fail to build that is not a taskc bug, so the message must say both.
  TempProgram program(
      "extern cpu task missing(n: int) -> int = \"nowhere::missing\"\n"
      "flow main() {\n"
      "    print(missing(1))\n"
      "}\n");
  Run built = run({"build", program.path, "-O0", "-o", program.path + ".exe"});
  CHECK(built.status == 1);
  CHECK(built.err.find("taskc: internal error: the generated C++ did not compile; please report") != std::string::npos);
  CHECK(built.err.find("unless the message below is about an imported header or an extern task") != std::string::npos);
  CHECK(built.err.find(program.path + ":3:") != std::string::npos);
}

TEST_CASE("build refuses to write the executable over its own source") {
  TempProgram program("flow main() { print(1) }\n");
  Run built = run({"build", program.path, "-o", program.path});
  CHECK(built.status == 2);
  CHECK(built.err.find("would overwrite the source file") != std::string::npos);
  std::ifstream still(program.path);
  std::string first_line;
  std::getline(still, first_line);
  CHECK(first_line == "flow main() { print(1) }");
}

TEST_CASE(
    "with --no-fallback, a program the LLVM backend does not lower is refused, naming what, and nothing is built") {
  TempProgram program(
      "shared seen: list[int] = []\n"
      "io task one(i: int) -> int {\n"
      "    return i\n"
      "}\n"
      "io task first() {\n"
      "    with seen {\n"
      "        seen = gather one(one(i)) for i in 0..3\n"
      "    }\n"
      "}\n"
      "flow main() {\n"
      "    first()\n"
      "}\n");
  std::string executable = program.path + ".exe";
  Run refused = run({"build", program.path, "--no-fallback", "-O0", "-o", executable});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("the LLVM backend does not lower a gather inside a `with` block of a shared value at " +
                         program.path + ":7 yet") != std::string::npos);
  CHECK(refused.err.find("--no-fallback") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(executable));
}

TEST_CASE("a device or an oversized file is refused, not read forever") {
  Run device = run({"check", "/dev/zero"});
  CHECK(device.status == 2);
  CHECK(device.err.find("cannot read `/dev/zero`: it is not a regular file") != std::string::npos);
  TempProgram uses("use \"/dev/zero\"\nflow main() { print(1) }\n");
  Run used = run({"check", uses.path});
  CHECK(used.status != 0);
  CHECK(used.err.find("it is not a regular file") != std::string::npos);
}

TEST_CASE("a control character in the file name is escaped in the generated banner") {
  TempProgram program("flow main() { print(1) }\n", "odd\nname.task");
  std::string dir = program.path + ".out";
  Run emitted = run({"emit-cpp", program.path, "-o", dir});
  REQUIRE(emitted.status == 0);
  // "wrote DIR/NAME.hpp and DIR/NAME.cpp"
  std::string header_path = emitted.out.substr(6, emitted.out.find(" and ") - 6);
  std::ifstream header(header_path);
  std::string banner;
  std::getline(header, banner);
  CHECK(banner.rfind("// Generated by taskc", 0) == 0);
  CHECK(banner.find("odd\\012name.task") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a file named like a C library function gets a namespace the C++ compiler accepts") {
  // pipe.task as `namespace pipe` met <unistd.h>'s pipe(): "redefinition of
  // 'pipe' as different kind of symbol". The names come from the C headers
  // themselves (cpp_globals.cmake), so time.task and stat.task are covered.
  std::filesystem::path dir = "/tmp/taskc_driver_test_" + std::to_string(::getpid()) + "_names";
  std::filesystem::create_directories(dir);
  auto emit = [&](const std::string& stem, std::vector<std::string> extra) {
    std::ofstream(dir / (stem + ".task")) << "flow main() { print(1) }\n";
    std::vector<std::string> args = {"emit-cpp", (dir / (stem + ".task")).string(), "-o", (dir / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  };
  for (std::string stem : {"pipe", "time", "stat", "random", "select"}) {
    Run emitted = emit(stem, {});
    REQUIRE(emitted.status == 0);
    CHECK(emitted.out.find("/" + stem + "_task.hpp") != std::string::npos);
    Run named = emit(stem, {"--namespace", stem});
    CHECK(named.status == 2);
    CHECK(named.err.find("is declared by the C library") != std::string::npos);
  }
  CHECK(emit("report", {}).out.find("/report.hpp") != std::string::npos);
  std::filesystem::remove_all(dir);
}
