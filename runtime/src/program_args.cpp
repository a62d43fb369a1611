#include "taskrt/program_args.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "ascii.hpp"
#include "taskrt/print.hpp"
#include "taskrt/program_options.hpp"

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
  while (digits < text.size() && ascii::is_digit(static_cast<unsigned char>(text[digits]))) ++digits;
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

const ProgramArgs::Param* ProgramArgs::find_option(std::string_view name) const {
  for (const Param& p : params_) {
    if (p.default_value && same_option_name(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<int> ProgramArgs::fail(const std::string& message) const {
  // The usage line, not the whole help: the error is what matters.
  std::string help = usage();
  write_stderr_line(fmt::format("{}: error: {}\n{}\n(`{} --help` lists every option)", program_, message,
                                help.substr(0, help.find('\n')), program_));
  return 2;
}

std::string ProgramArgs::add_limit(const std::string& text) {
  std::size_t equals = text.find('=');
  std::string name = text.substr(0, equals);
  std::string names;
  for (const Limit& limit : limits_) names += (names.empty() ? "" : ", ") + limit.name;
  if (equals == std::string::npos || name.empty()) return "--limit needs NAME=N, like --limit net=50";
  const Limit* found = nullptr;
  for (const Limit& limit : limits_) {
    if (limit.name == name) found = &limit;
  }
  if (found == nullptr) {
    return limits_.empty()
               ? fmt::format("--limit {}: this program has no semaphores or rate limits", text)
               : fmt::format("--limit {}: no semaphore or rate limit `{}` (this program has {})", text, name, names);
  }
  std::string count = text.substr(equals + 1);
  if (!check("int", count).empty() || std::stoll(count) < 1 || std::stoll(count) > 1'000'000'000) {
    return fmt::format("--limit {}: the {} must be a number from 1 to 1000000000", text,
                       found->rate_limit ? "calls per period" : "permits");
  }
  std::int64_t permits = std::stoll(count);
  if (permits < found->most_at_once) {
    return fmt::format("--limit {}: a task takes {} permits of `{}` at once, so it needs at least {}", text,
                       found->most_at_once, name, found->most_at_once);
  }
  options_.limits.emplace_back(name, permits);
  return {};
}

std::string ProgramArgs::usage() const {
  std::string line = "usage: " + program_ + " [options]";
  for (const Param& p : params_) {
    if (p.default_value) continue;
    line += p.type == "list[str]" ? " [" + p.name + "...]" : " <" + p.name + ">";
  }
  std::string out = line + "\n";
  if (!description_.empty()) out += "\n" + description_ + "\n";
  std::string arguments;
  std::string options;
  for (const Param& p : params_) {
    // With a help text, the type and default follow it in parentheses.
    if (!p.default_value) {
      arguments += p.help.empty() ? fmt::format("  {:<20} {}\n", p.name, p.type)
                                  : fmt::format("  {:<20} {} ({})\n", p.name, p.help, p.type);
      continue;
    }
    std::string flag = "--" + p.name;
    for (char& c : flag) c = c == '_' ? '-' : c;
    std::string about = p.type == "bool" ? fmt::format("default: {}; --no-{} for false", p.shown, flag.substr(2))
                                         : fmt::format("default: {}", p.shown);
    if (p.type != "bool") flag += p.type == "duration" ? " D" : p.type == "str" ? " TEXT" : " N";
    options += p.help.empty() ? fmt::format("  {:<20} {} ({})\n", flag, p.type, about)
                              : fmt::format("  {:<20} {} ({}, {})\n", flag, p.help, p.type, about);
  }
  if (!arguments.empty()) out += "\narguments:\n" + arguments;
  if (!options.empty()) out += "\noptions:\n" + options;
  std::string semaphores;
  for (const Limit& limit : limits_) {
    std::string size = limit.rate_limit
                           ? fmt::format("{} per {}", limit.permits, format_duration(limit.rate_limit->period()))
                           : std::to_string(limit.permits);
    semaphores += fmt::format("{}{} ({})", semaphores.empty() ? "" : ", ", limit.name, size);
  }
  out +=
      "\nruntime options:\n"
      "  --threads N          CPU pool threads (default: one per core)\n"
      "  --io-threads N       most threads for blocking calls (default: 512)\n"
      "  --procs N            worker processes for `in process` tasks (default: one per core; at most 1024)\n"
      "  --proc-mem SIZE      address-space limit of each worker, like 512M or 2G (default: none)\n"
      "  --http-timeout D     longest an HTTP request may take (default: 5m; 0s: no limit)\n"
      "  --http-max-body SIZE largest HTTP response body, decoded (default: 256M; 0: no limit)\n"
      "  --http-via-curl      every HTTP request through libcurl (default: plain http:// to an address\n"
      "                       or localhost goes by the runtime's own client)\n"
      "  --file-max-size SIZE largest file read_file reads (default: 1G; 0: no limit)\n";
  if (!limits_.empty()) {
    bool has_semaphores = std::any_of(limits_.begin(), limits_.end(), [](const Limit& l) { return !l.rate_limit; });
    bool has_rate_limits = std::any_of(limits_.begin(), limits_.end(), [](const Limit& l) { return l.rate_limit; });
    std::string what = has_semaphores && has_rate_limits ? "permits or calls per period"
                       : has_semaphores                  ? "permits of a semaphore"
                                                         : "calls per period of a rate limit";
    out += fmt::format("  --limit NAME=N       {} (this program's: {})\n", what, semaphores);
  }
  if (serves_) {
    out +=
        "  --max-header SIZE    largest request head serve reads; larger: 431 (default: 16K)\n"
        "  --max-body SIZE      largest request body serve reads; larger: 413 (default: 8M)\n"
        "  --read-timeout D     longest a client may take to send a request or read an answer; then 408 (default: "
        "30s)\n"
        "  --max-conns N        most open connections; more are answered 503 (default: 10000)\n"
        "  --grace D            at SIGINT/SIGTERM, how long requests in flight may finish (default: 5s)\n";
  }
  out +=
      "  --seed N             seed the random generators (random(), random_int(), shuffle())\n"
      "  --trace FILE         write every task call to FILE as Chrome trace JSON\n"
      "  --stats              print per-task counts and latencies on exit\n"
      "  --progress           show progress bars for large gathers (on a terminal)\n"
      "  -h, --help           print this help and exit\n";
  return out;
}

std::optional<int> ProgramArgs::parse(int argc, char** argv) {
  std::vector<std::string> positional;
  values_.assign(params_.size(), std::string());
  std::vector<bool> given(params_.size(), false);
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
    // main's own options: `--name VALUE`, `--name=VALUE`; a bool's `--name` and `--no-name`.
    if (!options_done && arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (std::size_t equals = name.find('='); equals != std::string::npos) {
        inline_value = name.substr(equals + 1);
        name.resize(equals);
      }
      const Param* option = find_option(name);
      bool negated = false;
      if (option == nullptr && name.rfind("no-", 0) == 0) {
        option = find_option(name.substr(3));
        negated = option != nullptr && option->type == "bool" && !inline_value;
        if (!negated) option = nullptr;
      }
      if (option != nullptr) {
        auto index = static_cast<std::size_t>(option - params_.data());
        std::string value;
        if (option->type == "bool" && !inline_value) {
          value = negated ? "false" : "true";
        } else if (inline_value) {
          value = *inline_value;
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          return fail(fmt::format("--{} needs a value ({})", name, option->type));
        }
        std::string problem = check(option->type, value);
        if (!problem.empty()) return fail(fmt::format("option `--{}`: `{}` {}", name, value, problem));
        values_[index] = value;
        given[index] = true;
        continue;
      }
    }
    if (!options_done && (arg == "--threads" || arg == "--io-threads" || arg == "--procs")) {
      unsigned value = 0;
      if (i + 1 >= argc || !parse_unsigned(argv[i + 1], value) || value == 0) {
        return fail(fmt::format("{} needs a positive number", arg));
      }
      if (arg == "--procs" && value > ProcessPool::kMaxWorkers) {
        return fail(fmt::format("--procs {}: at most {} worker processes", value, ProcessPool::kMaxWorkers));
      }
      (arg == "--threads" ? options_.cpu_threads : arg == "--procs" ? options_.procs : options_.io_threads) = value;
      ++i;
      continue;
    }
    if (!options_done && arg == "--proc-mem") {
      std::optional<std::uint64_t> size = i + 1 < argc ? parse_size(argv[i + 1]) : std::nullopt;
      if (!size || *size < (std::uint64_t{64} << 20))
        return fail("--proc-mem needs a size of at least 64M, like 512M or 2G");
      options_.proc_memory = *size;
      ++i;
      continue;
    }
    if (!options_done && (arg == "--http-max-body" || arg == "--file-max-size")) {
      std::optional<std::uint64_t> size = i + 1 < argc ? parse_size(argv[i + 1]) : std::nullopt;
      if (!size) return fail(fmt::format("{} needs a size, like 64M or 2G (0: no limit)", arg));
      (arg == "--http-max-body" ? options_.http_max_body : options_.file_max_size) = *size;
      ++i;
      continue;
    }
    if (!options_done && serves_ && (arg == "--max-header" || arg == "--max-body")) {
      std::optional<std::uint64_t> size = i + 1 < argc ? parse_size(argv[i + 1]) : std::nullopt;
      if (!size || *size == 0 || (arg == "--max-header" && *size > (std::uint64_t{1} << 30))) {
        return fail(fmt::format("{} needs a size, like 16K or 8M", arg));
      }
      if (arg == "--max-header") {
        options_.server.max_header = static_cast<std::size_t>(*size);
      } else {
        options_.server.max_body = *size;
      }
      ++i;
      continue;
    }
    if (!options_done && serves_ && (arg == "--read-timeout" || arg == "--grace")) {
      std::string text = i + 1 < argc ? argv[i + 1] : "";
      std::optional<Duration> limit;
      if (check("duration", text).empty()) limit = parse_duration(text);
      bool positive = arg == "--read-timeout";
      if (!limit || limit->count() < 0 || (positive && limit->count() == 0)) {
        return fail(fmt::format("{} needs a duration, like {}", arg, positive ? "30s (more than 0)" : "5s (0s: none)"));
      }
      (arg == "--read-timeout" ? options_.server.read_timeout : options_.server.grace) =
          std::chrono::ceil<std::chrono::milliseconds>(*limit);
      ++i;
      continue;
    }
    if (!options_done && serves_ && arg == "--max-conns") {
      unsigned value = 0;
      if (i + 1 >= argc || !parse_unsigned(argv[i + 1], value) || value == 0) {
        return fail("--max-conns needs a positive number");
      }
      options_.server.max_conns = value;
      ++i;
      continue;
    }
    if (!options_done && arg == "--http-via-curl") {
      options_.http_via_curl = true;
      continue;
    }
    if (!options_done && arg == "--http-timeout") {
      std::string text = i + 1 < argc ? argv[i + 1] : "";
      std::optional<Duration> limit;
      if (check("duration", text).empty()) limit = parse_duration(text);
      if (!limit || limit->count() < 0) return fail("--http-timeout needs a duration, like 30s or 10m (0s: no limit)");
      // curl counts whole milliseconds: a shorter limit is rounded up, not off.
      options_.http_timeout = std::chrono::ceil<std::chrono::milliseconds>(*limit);
      ++i;
      continue;
    }
    if (!options_done && (arg == "--limit" || arg.rfind("--limit=", 0) == 0)) {
      std::string text = arg == "--limit" ? (i + 1 < argc ? argv[++i] : "") : arg.substr(8);
      std::string problem = add_limit(text);
      if (!problem.empty()) return fail(problem);
      continue;
    }
    if (!options_done && arg == "--seed") {
      std::string text = i + 1 < argc ? argv[++i] : "";
      if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos ||
          (text.size() == 20 && text > "18446744073709551615")) {
        return fail("--seed needs a number from 0 to 18446744073709551615");
      }
      options_.seed = std::stoull(text);
      continue;
    }
    if (!options_done && arg == "--trace") {
      if (i + 1 >= argc || argv[i + 1][0] == '\0') return fail("--trace needs a file name");
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
      return fail(fmt::format("unknown option `{}`", arg));
    }
    positional.push_back(std::move(arg));
  }
  // The arguments: main's parameters without defaults, in order; a list[str] takes the rest.
  std::vector<std::size_t> fixed;
  std::optional<std::size_t> rest;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].default_value) {
      if (!given[i]) values_[i] = *params_[i].default_value;
    } else if (params_[i].type == "list[str]") {
      rest = i;
    } else {
      fixed.push_back(i);
    }
  }
  if (positional.size() < fixed.size() || (!rest && positional.size() > fixed.size())) {
    return fail(
        fmt::format("expected {} argument{}, got {}", fixed.size(), fixed.size() == 1 ? "" : "s", positional.size()));
  }
  for (std::size_t k = 0; k < fixed.size(); ++k) {
    const Param& param = params_[fixed[k]];
    std::string problem = check(param.type, positional[k]);
    if (!problem.empty()) {
      write_stderr_line(fmt::format("{}: error: argument `{}`: `{}` {}", program_, param.name, positional[k], problem));
      return 2;
    }
    values_[fixed[k]] = positional[k];
  }
  rest_.assign(positional.begin() + static_cast<std::ptrdiff_t>(fixed.size()), positional.end());
  // Applied now, before any task can take a permit.
  for (const auto& [name, permits] : options_.limits) {
    for (Limit& limit : limits_) {
      if (limit.name != name) continue;
      if (limit.semaphore != nullptr) limit.semaphore->reset(permits);
      if (limit.rate_limit != nullptr) limit.rate_limit->reset(permits);
    }
  }
  return std::nullopt;
}

}  // namespace taskrt
