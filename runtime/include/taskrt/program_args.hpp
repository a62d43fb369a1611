// The command line of a generated program: `flow main`'s parameters as
// positional arguments, checked by type, plus the runtime options every
// program accepts (--threads, --io-threads, --procs, --proc-mem, --trace,
// --stats, --progress) and --help.
//
// Not thread-safe; used once, at the start of main().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "taskrt/builtins.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt {

class ProgramArgs {
 public:
  struct Param {
    std::string name;
    // "int", "float", "str", "bool", "duration", or "list[str]" (the rest; last only).
    std::string type;
  };

  ProgramArgs(std::string program, std::string description, std::vector<Param> params)
      : program_(std::move(program)), description_(std::move(description)), params_(std::move(params)) {}

  // Parses and checks argv. Returns an exit status when the program should
  // stop now: 0 after --help, 2 after a usage error (printed to stderr).
  std::optional<int> parse(int argc, char** argv);

  std::int64_t get_int(std::size_t index) const { return std::stoll(values_.at(index)); }
  double get_float(std::size_t index) const { return std::stod(values_.at(index)); }
  const std::string& get_str(std::size_t index) const { return values_.at(index); }
  bool get_bool(std::size_t index) const { return values_.at(index) == "true"; }
  Duration get_duration(std::size_t index) const { return parse_duration(values_.at(index)); }
  const std::vector<std::string>& rest() const { return rest_; }
  const RuntimeOptions& options() const { return options_; }

  std::string usage() const;

 private:
  // Why `text` is not a valid `type`, or empty when it is.
  static std::string check(const std::string& type, const std::string& text);

  std::string program_;
  std::string description_;
  std::vector<Param> params_;
  std::vector<std::string> values_;
  std::vector<std::string> rest_;
  RuntimeOptions options_;
};

}  // namespace taskrt
