// The builtin functions of §11, from the one table compiler/ir/builtins.def:
// their names, where they may be called, whether a call suspends, how many
// arguments they take and their signatures. Their type rules are checked in
// compiler/check/builtins.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace taskc::ir {

enum class Builtin {
#define TASKC_BUILTIN(name, text, place, suspends, min_args, max_args, signature) k##name,
#include "compiler/ir/builtins.def"
#undef TASKC_BUILTIN
};

enum class BuiltinPlace {
  kIo,          // waits on the outside world: io tasks and flows only
  kEverywhere,  // print and eprint
  kPure,        // computation only: allowed in cpu tasks
};

// max_args of a builtin that takes any number of arguments.
inline constexpr std::size_t kVariadic = static_cast<std::size_t>(-1);

struct BuiltinInfo {
  Builtin builtin;
  std::string_view name;
  BuiltinPlace place;
  // A call waits (generated code awaits it), so what contains it suspends.
  bool suspends;
  std::size_t min_args;
  std::size_t max_args;
  // As the diagnostics show it: `sleep(d: duration)`.
  std::string_view signature;
};

std::optional<BuiltinInfo> find_builtin(std::string_view name);
const BuiltinInfo& builtin_info(Builtin builtin);
// Every builtin, in the table's order.
std::span<const BuiltinInfo> all_builtins();
// Whether a call changes its first argument (a variable, or a place in one)
// in place: push, pop, remove, shuffle. Every analysis of what a statement
// writes asks this, so a new such builtin is one line here.
bool changes_first_argument(Builtin builtin);

}  // namespace taskc::ir
