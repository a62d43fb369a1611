// The flow-order test: random flows (program_generator.hpp's FlowPair), each
// beside its sequential twin — the same body run statement by statement in
// an io task. A flow may run its lets early and side by side, but never so
// that anything shows (language.md §7: a flow reads top to bottom; its lets
// print nothing here): when the twin succeeds, the flow prints exactly what
// it prints; when the twin fails, the flow fails with the same status (which
// of two failing lets fails first may differ, so not the same message).
//
//   fuzz_flows TASKC FIRST_SEED COUNT [DIR]
//
// Both are built by the default backend at -O0: the front end's ordering is
// under test, and the backends are compared by fuzz_backends. Programs that
// disagree are kept in DIR (default: a new directory under /tmp) and printed.
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

namespace {

// Builds and runs `source`; the build's outcome when it fails.
Outcome build_and_run(const std::string& taskc, const std::string& source, const std::string& base) {
  Outcome built = run(quote(taskc) + " build -O0 " + quote(source) + " -o " + quote(base + ".exe"), base);
  if (built.status != 0) {
    built.status = -1;
    return built;
  }
  Outcome ran = run("timeout 60 " + quote(base + ".exe"), base);
  std::filesystem::remove(base + ".exe");
  return ran;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: fuzz_flows TASKC FIRST_SEED COUNT [DIR]\n";
    return 2;
  }
  std::string taskc = argv[1];
  std::uint64_t first = std::strtoull(argv[2], nullptr, 10);
  long count = std::strtol(argv[3], nullptr, 10);
  std::string dir = argc == 5 ? argv[4] : "/tmp/fuzz-flows-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  int failures = 0;
  int succeeded = 0;
  for (long i = 0; i < count; ++i) {
    std::uint64_t seed = first + static_cast<std::uint64_t>(i);
    std::string base = dir + "/flow_" + std::to_string(seed);
    taskc::fuzz::FlowPair pair = taskc::fuzz::generate_flow_pair(seed);
    std::ofstream(base + ".task") << pair.flow;
    std::ofstream(base + "_sequential.task") << pair.sequential;
    Outcome flow = build_and_run(taskc, base + ".task", base);
    Outcome sequential = build_and_run(taskc, base + "_sequential.task", base + "_sequential");
    if (flow.status == -1 || sequential.status == -1) {
      std::cerr << base << ".task: a generated program did not build (a generator bug):\n"
                << flow.err << sequential.err;
      ++failures;
      continue;
    }
    bool agree = sequential.status == 0 ? flow.status == 0 && flow.out == sequential.out && flow.err == sequential.err
                                        : flow.status == sequential.status;
    if (!agree) {
      std::cerr << base << ".task: the flow does not do what its body does in order\n---- flow (exit " << flow.status
                << ")\n"
                << flow.out << "---- its stderr\n"
                << flow.err << "---- in order, " << base << "_sequential.task (exit " << sequential.status << ")\n"
                << sequential.out << "---- its stderr\n"
                << sequential.err << "----\n";
      ++failures;
      continue;
    }
    if (sequential.status == 0) ++succeeded;
    std::filesystem::remove(base + ".task");
    std::filesystem::remove(base + "_sequential.task");
  }
  std::cout << "fuzz_flows: " << count << " flows from seed " << first << " (" << succeeded << " ran to the end), "
            << failures << " disagreements or failures\n";
  if (failures == 0) std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
