#include "compiler/driver/command_line.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <ostream>

#include "compiler/driver/version.hpp"

namespace taskc::driver {
namespace {

constexpr const char* kDescription =
    "taskc — compile .task programs that mix I/O and CPU work into native executables.\n"
    "\n"
    "A .task program declares io tasks (run on an event loop), cpu tasks (run on a\n"
    "work-stealing thread pool) and flows (graphs of tasks). taskc checks it and\n"
    "lowers it to C++ against the taskrt runtime.";

}  // namespace

int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app(kDescription, "taskc");
  app.set_version_flag("--version", fmt::format("taskc {}", kVersion), "Print the version and exit");
  app.footer("Run `taskc --help` for this text. Documentation: docs/ in the taskc repository.");

  // CLI11 parses from the back of the vector.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForVersion& version) {
    out << version.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& error) {
    err << "taskc: error: " << error.what() << "\n"
        << "Run `taskc --help` for usage.\n";
    return 2;
  }
  out << app.help();
  return 0;
}

}  // namespace taskc::driver
