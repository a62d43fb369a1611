#include "taskrt/program_args.hpp"

#include <fmt/format.h>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "taskrt/print.hpp"

namespace taskrt {
namespace {

bool parse_unsigned(const std::string& text, unsigned& value) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 6) return false;
  value = static_cast<unsigned>(std::stoul(text));
  return true;
}

// "512M", "2G", "64MiB", "1048576" (bytes); nullopt when not a size.
std::optional<std::uint64_t> parse_size(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::uint64_t value = std::stoull(text.substr(0, digits));
  std::string unit = text.substr(digits);
  if (unit.empty() || unit == "B") return value;
  if (unit == "K" || unit == "KiB" || unit == "k") return value << 10;
  if (unit == "M" || unit == "MiB") return value << 20;
  if (unit == "G" || unit == "GiB") return value << 30;
  return std::nullopt;
}

}  // namespace

std::string ProgramArgs::check(const std::string& type, const std::string& text) {
  if (type == "int") {
    errno = 0;
    char* end = nullptr;
    std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0') return "is not an integer";
    if (errno == ERANGE) return "does not fit in int";
  } else if (type == "float") {
    errno = 0;
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return "is not a number";
    if (errno == ERANGE && (value == HUGE_VAL || value == -HUGE_VAL)) return "does not fit in float";
  } else if (type == "bool") {
    if (text != "true" && text != "false") return "is not true or false";
  } else if (type == "duration") {
    try {
      parse_duration(text);
    } catch (const ArithmeticError&) {
      return "does not fit in a duration (at most about 292 years)";
    } catch (const Error&) {
      return "is not a duration (like 250ms, 2s or 1.5m)";
    }
  }
  return {};
}

std::string ProgramArgs::usage() const {
  std::string line = "usage: " + program_ + " [options]";
  for (const Param& p : params_) line += p.type == "list[str]" ? " [" + p.name + "...]" : " <" + p.name + ">";
  std::string out = line + "\n";
  if (!description_.empty()) out += "\n" + description_ + "\n";
  if (!params_.empty()) {
    out += "\narguments:\n";
    for (const Param& p : params_) out += fmt::format("  {:<20} {}\n", p.name, p.type);
  }
  out +=
      "\noptions:\n"
      "  --threads N          CPU pool threads (default: one per core)\n"
      "  --io-threads N       most threads for blocking calls (default: 512)\n"
      "  --procs N            worker processes for `in process` tasks (default: one per core; at most 1024)\n"
      "  --proc-mem SIZE      address-space limit of each worker, like 512M or 2G (default: none)\n"
      "  --http-timeout D     longest an HTTP request may take (default: 5m; 0s: no limit)\n"
      "  --http-max-body SIZE largest HTTP response body, decoded (default: 256M; 0: no limit)\n"
      "  --trace FILE         write every task call to FILE as Chrome trace JSON\n"
      "  --stats              print per-task counts and latencies on exit\n"
      "  --progress           show progress bars for large gathers (on a terminal)\n"
      "  -h, --help           print this help and exit\n";
  return out;
}

std::optional<int> ProgramArgs::parse(int argc, char** argv) {
  std::vector<std::string> positional;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!options_done && arg == "--") {
      options_done = true;
      continue;
    }
    if (!options_done && (arg == "-h" || arg == "--help")) {
      std::fputs(usage().c_str(), stdout);
      return 0;
    }
    if (!options_done && (arg == "--threads" || arg == "--io-threads" || arg == "--procs")) {
      unsigned value = 0;
      if (i + 1 >= argc || !parse_unsigned(argv[i + 1], value) || value == 0) {
        write_stderr_line(fmt::format("{}: error: {} needs a positive number\n{}", program_, arg, usage()));
        return 2;
      }
      if (arg == "--procs" && value > ProcessPool::kMaxWorkers) {
        write_stderr_line(fmt::format("{}: error: --procs {}: at most {} worker processes\n{}", program_, value,
                                      ProcessPool::kMaxWorkers, usage()));
        return 2;
      }
      (arg == "--threads" ? options_.cpu_threads : arg == "--procs" ? options_.procs : options_.io_threads) = value;
      ++i;
      continue;
    }
    if (!options_done && arg == "--proc-mem") {
      std::optional<std::uint64_t> size = i + 1 < argc ? parse_size(argv[i + 1]) : std::nullopt;
      if (!size || *size < (std::uint64_t{64} << 20)) {
        write_stderr_line(
            fmt::format("{}: error: --proc-mem needs a size of at least 64M, like 512M or 2G\n{}", program_, usage()));
        return 2;
      }
      options_.proc_memory = *size;
      ++i;
      continue;
    }
    if (!options_done && arg == "--http-max-body") {
      std::optional<std::uint64_t> size = i + 1 < argc ? parse_size(argv[i + 1]) : std::nullopt;
      if (!size) {
        write_stderr_line(fmt::format("{}: error: --http-max-body needs a size, like 64M or 2G (0: no limit)\n{}",
                                      program_, usage()));
        return 2;
      }
      options_.http_max_body = *size;
      ++i;
      continue;
    }
    if (!options_done && arg == "--http-timeout") {
      std::string text = i + 1 < argc ? argv[i + 1] : "";
      std::optional<Duration> limit;
      if (check("duration", text).empty()) limit = parse_duration(text);
      if (!limit || limit->count() < 0) {
        write_stderr_line(fmt::format("{}: error: --http-timeout needs a duration, like 30s or 10m (0s: no limit)\n{}",
                                      program_, usage()));
        return 2;
      }
      // curl counts whole milliseconds: a shorter limit is rounded up, not off.
      options_.http_timeout = std::chrono::ceil<std::chrono::milliseconds>(*limit);
      ++i;
      continue;
    }
    if (!options_done && arg == "--trace") {
      if (i + 1 >= argc || argv[i + 1][0] == '\0') {
        write_stderr_line(fmt::format("{}: error: --trace needs a file name\n{}", program_, usage()));
        return 2;
      }
      options_.trace_file = argv[++i];
      continue;
    }
    if (!options_done && (arg == "--stats" || arg == "--progress")) {
      (arg == "--stats" ? options_.stats : options_.progress) = true;
      continue;
    }
    // A negative number or duration is an argument, not an option.
    if (!options_done && arg.size() > 1 && arg[0] == '-' && !check("float", arg).empty() &&
        !check("duration", arg).empty()) {
      write_stderr_line(fmt::format("{}: error: unknown option `{}`\n{}", program_, arg, usage()));
      return 2;
    }
    positional.push_back(std::move(arg));
  }
  bool has_rest = !params_.empty() && params_.back().type == "list[str]";
  std::size_t fixed = params_.size() - (has_rest ? 1 : 0);
  if (positional.size() < fixed || (!has_rest && positional.size() > fixed)) {
    write_stderr_line(fmt::format("{}: error: expected {} argument{}, got {}\n{}", program_, fixed,
                                  fixed == 1 ? "" : "s", positional.size(), usage()));
    return 2;
  }
  for (std::size_t i = 0; i < fixed; ++i) {
    std::string problem = check(params_[i].type, positional[i]);
    if (!problem.empty()) {
      write_stderr_line(
          fmt::format("{}: error: argument `{}`: `{}` {}", program_, params_[i].name, positional[i], problem));
      return 2;
    }
    values_.push_back(positional[i]);
  }
  rest_.assign(positional.begin() + static_cast<std::ptrdiff_t>(fixed), positional.end());
  return std::nullopt;
}

}  // namespace taskrt
