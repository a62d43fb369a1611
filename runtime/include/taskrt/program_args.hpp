// The command line of a generated program: `flow main`'s parameters,
// positional or, with a default, options (`--workers 8`, `--verbose`),
// checked by type; the runtime options every program accepts (--threads,
// --io-threads, --procs, --proc-mem, --http-timeout, --http-max-body,
// --file-max-size, --limit, --seed, --trace, --stats, --progress); --help.
//
// Not thread-safe; used once, at the start of main().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "taskrt/builtins.hpp"
#include "taskrt/rate_limit.hpp"
#include "taskrt/runtime.hpp"
#include "taskrt/semaphore.hpp"

namespace taskrt {

class ProgramArgs {
 public:
  struct Param {
    std::string name;
    // "int", "float", "str", "bool", "duration", or "list[str]" (the rest).
    std::string type;
    // An option's default, as the command line would give it; none for an
    // argument. `shown` is how --help writes it (as the program does).
    std::optional<std::string> default_value = std::nullopt;
    std::string shown = {};
    // What --help says of it (the comment at the end of its line), or empty.
    std::string help = {};
  };
  // A semaphore `--limit NAME=N` can resize: how many permits it has, and
  // the most one task takes at once (a limit below that would hang it); or a
  // rate limit, whose calls per period it sets.
  struct Limit {
    std::string name;
    std::int64_t permits = 1;
    std::int64_t most_at_once = 1;
    Semaphore* semaphore = nullptr;
    RateLimit* rate_limit = nullptr;
  };

  ProgramArgs(std::string program, std::string description, std::vector<Param> params, std::vector<Limit> limits = {})
      : program_(std::move(program)),
        description_(std::move(description)),
        params_(std::move(params)),
        limits_(std::move(limits)) {}

  // The program serves HTTP: it takes --max-header, --max-body,
  // --read-timeout, --max-conns and --grace, and --help lists them.
  void take_server_options() { serves_ = true; }

  // Parses and checks argv, then resizes the semaphores `--limit` names.
  // Returns an exit status when the program should stop now: 0 after
  // --help, 2 after a usage error (printed to stderr).
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
  // The option `--name` of `arg` (which starts with `--`) among main's, or null.
  const Param* find_option(std::string_view name) const;
  // `--limit NAME=N`: checked, recorded in options_.limits; empty, or the error.
  std::string add_limit(const std::string& text);
  std::optional<int> fail(const std::string& message) const;

  std::string program_;
  std::string description_;
  std::vector<Param> params_;
  std::vector<Limit> limits_;
  std::vector<std::string> values_;
  std::vector<std::string> rest_;
  RuntimeOptions options_;
  bool serves_ = false;
};

}  // namespace taskrt
