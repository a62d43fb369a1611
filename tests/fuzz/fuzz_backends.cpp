// The differential test of the two backends: random well-typed programs
// (program_generator.hpp), each built by the C++ backend and by the LLVM
// backend, run, and compared: stdout, stderr and exit status must be the same.
//
//   fuzz_backends TASKC FIRST_SEED COUNT [DIR]
//
// Programs are written to DIR (default: a new directory under /tmp) and kept
// when they show a disagreement, which is printed with both outputs. Exits 1
// on any disagreement, on a program the checker rejects (a generator bug), or
// on one the LLVM backend does not lower (the generator stays in what it does).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/fuzz/program_generator.hpp"
#include "tests/fuzz/run_command.hpp"

using taskc::fuzz::Outcome;
using taskc::fuzz::quote;
using taskc::fuzz::run;

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: fuzz_backends TASKC FIRST_SEED COUNT [DIR]\n";
    return 2;
  }
  std::string taskc = argv[1];
  std::uint64_t first = std::strtoull(argv[2], nullptr, 10);
  long count = std::strtol(argv[3], nullptr, 10);
  std::string dir = argc == 5 ? argv[4] : "/tmp/fuzz-backends-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  int failures = 0;
  for (long i = 0; i < count; ++i) {
    std::uint64_t seed = first + static_cast<std::uint64_t>(i);
    std::string base = dir + "/fuzz_" + std::to_string(seed);
    std::string source = base + ".task";
    std::ofstream(source) << taskc::fuzz::generate_program(seed);
    Outcome checked = run(quote(taskc) + " check " + quote(source), base);
    if (checked.status != 0) {
      std::cerr << source << ": the checker rejects this generated program (a generator bug):\n" << checked.err;
      ++failures;
      continue;
    }
    Outcome cpp_build =
        run(quote(taskc) + " build -O0 --backend cpp " + quote(source) + " -o " + quote(base + ".cpp.exe"), base);
    // The LLVM backend's both kinds of code, in turn: unoptimised (as `taskc
    // run` makes it), and optimised with the runtime's hot paths inlined.
    std::string level = i % 2 == 0 ? "-O0" : "-O2";
    Outcome llvm_build = run(quote(taskc) + " build --no-fallback " + level + " --backend llvm " + quote(source) +
                                 " -o " + quote(base + ".llvm.exe"),
                             base);
    if (llvm_build.err.find("does not lower") != std::string::npos) {
      std::cerr << source << ": the LLVM backend does not lower this program:\n" << llvm_build.err;
      ++failures;
      continue;
    }
    if (cpp_build.status != 0 || llvm_build.status != 0) {
      std::cerr << source << ": a build failed:\n" << cpp_build.err << llvm_build.err;
      ++failures;
      continue;
    }
    // Error traces name the source file, which is the same for both.
    Outcome cpp = run("timeout 60 " + quote(base + ".cpp.exe"), base);
    Outcome llvm = run("timeout 60 " + quote(base + ".llvm.exe"), base);
    std::filesystem::remove(base + ".cpp.exe");
    std::filesystem::remove(base + ".llvm.exe");
    if (cpp.out != llvm.out || cpp.err != llvm.err || cpp.status != llvm.status) {
      std::cerr << source << ": the backends disagree\n---- C++ backend (exit " << cpp.status << ")\n"
                << cpp.out << "---- its stderr\n"
                << cpp.err << "---- LLVM backend (exit " << llvm.status << ")\n"
                << llvm.out << "---- its stderr\n"
                << llvm.err << "----\n";
      ++failures;
      continue;
    }
    std::filesystem::remove(source);
  }
  std::cout << "fuzz_backends: " << count << " programs from seed " << first << ", " << failures
            << " disagreements or failures\n";
  if (failures == 0) std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
