#include "compiler/ir/builtins.hpp"

#include "compiler/support/check.hpp"

namespace taskc::ir {
namespace {

constexpr BuiltinInfo kBuiltins[] = {
#define TASKC_BUILTIN(name, text, place, suspends, min_args, max_args, signature) \
  {Builtin::k##name, text, BuiltinPlace::place, suspends, min_args, max_args, signature},
#include "compiler/ir/builtins.def"
#undef TASKC_BUILTIN
};

}  // namespace

std::optional<BuiltinInfo> find_builtin(std::string_view name) {
  for (const BuiltinInfo& info : kBuiltins) {
    if (info.name == name) return info;
  }
  return std::nullopt;
}

const BuiltinInfo& builtin_info(Builtin builtin) {
  // Rows are in the enum's order (both come from builtins.def).
  const BuiltinInfo& info = kBuiltins[static_cast<std::size_t>(builtin)];
  TASKC_CHECK(info.builtin == builtin, "the builtin table is out of the enum's order");
  return info;
}

std::span<const BuiltinInfo> all_builtins() {
  return kBuiltins;
}

bool changes_first_argument(Builtin builtin) {
  switch (builtin) {
    case Builtin::kPush:
    case Builtin::kPop:
    case Builtin::kRemove:
    case Builtin::kShuffle: return true;
    default: return false;
  }
}

}  // namespace taskc::ir
