// The names of the options every generated program accepts (after `--`), in
// one list: the command line parses them (program_args.cpp), and the
// compiler keeps `main`'s own options from taking one of them.
//
// Header-only, constexpr.
#pragma once

#include <string_view>

namespace taskrt {

inline constexpr std::string_view kRuntimeOptionNames[] = {
    "threads",
    "io-threads",
    "procs",
    "proc-mem",
    "http-timeout",
    "http-max-body",
    "file-max-size",
    "limit",
    "seed",
    "trace",
    "stats",
    "progress",
    "help",
    // serve's, for the programs that serve (the names stay out of main's options in every program)
    "max-header",
    "max-body",
    "read-timeout",
    "max-conns",
    "grace",
};

// An option's name on the command line: `dry_run` is `--dry-run`.
constexpr bool same_option_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '_' ? '-' : a[i];
    char y = b[i] == '_' ? '-' : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace taskrt
