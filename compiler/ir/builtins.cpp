#include "compiler/ir/builtins.hpp"
#include "compiler/support/check.hpp"

#include <cstdlib>

namespace taskc::ir {
namespace {

constexpr BuiltinInfo kBuiltins[] = {
    {Builtin::kSleep, "sleep", BuiltinPlace::kIo},
    {Builtin::kHttpGet, "http_get", BuiltinPlace::kIo},
    {Builtin::kHttp, "http", BuiltinPlace::kIo},
    {Builtin::kReadFile, "read_file", BuiltinPlace::kIo},
    {Builtin::kWriteFile, "write_file", BuiltinPlace::kIo},
    {Builtin::kAppendFile, "append_file", BuiltinPlace::kIo},
    {Builtin::kReadLines, "read_lines", BuiltinPlace::kIo},
    {Builtin::kExec, "exec", BuiltinPlace::kIo},
    {Builtin::kListDir, "list_dir", BuiltinPlace::kIo},
    {Builtin::kNow, "now", BuiltinPlace::kIo},
    {Builtin::kEnv, "env", BuiltinPlace::kIo},
    {Builtin::kSend, "send", BuiltinPlace::kIo},
    {Builtin::kRecv, "recv", BuiltinPlace::kIo},
    {Builtin::kClose, "close", BuiltinPlace::kIo},
    {Builtin::kPrint, "print", BuiltinPlace::kEverywhere},
    {Builtin::kEprint, "eprint", BuiltinPlace::kEverywhere},
    {Builtin::kLen, "len", BuiltinPlace::kPure},
    {Builtin::kRange, "range", BuiltinPlace::kPure},
    {Builtin::kSum, "sum", BuiltinPlace::kPure},
    {Builtin::kMin, "min", BuiltinPlace::kPure},
    {Builtin::kMax, "max", BuiltinPlace::kPure},
    {Builtin::kAbs, "abs", BuiltinPlace::kPure},
    {Builtin::kSorted, "sorted", BuiltinPlace::kPure},
    {Builtin::kReversed, "reversed", BuiltinPlace::kPure},
    {Builtin::kKeys, "keys", BuiltinPlace::kPure},
    {Builtin::kValues, "values", BuiltinPlace::kPure},
    {Builtin::kContains, "contains", BuiltinPlace::kPure},
    {Builtin::kSplit, "split", BuiltinPlace::kPure},
    {Builtin::kJoin, "join", BuiltinPlace::kPure},
    {Builtin::kTrim, "trim", BuiltinPlace::kPure},
    {Builtin::kLower, "lower", BuiltinPlace::kPure},
    {Builtin::kUpper, "upper", BuiltinPlace::kPure},
    {Builtin::kStartsWith, "starts_with", BuiltinPlace::kPure},
    {Builtin::kBytes, "bytes", BuiltinPlace::kPure},
    {Builtin::kChr, "chr", BuiltinPlace::kPure},
    {Builtin::kOrd, "ord", BuiltinPlace::kPure},
    {Builtin::kSqrt, "sqrt", BuiltinPlace::kPure},
    {Builtin::kSin, "sin", BuiltinPlace::kPure},
    {Builtin::kCos, "cos", BuiltinPlace::kPure},
    {Builtin::kPow, "pow", BuiltinPlace::kPure},
    {Builtin::kFloor, "floor", BuiltinPlace::kPure},
    {Builtin::kHash, "hash", BuiltinPlace::kPure},
    {Builtin::kStr, "str", BuiltinPlace::kPure},
    {Builtin::kInt, "int", BuiltinPlace::kPure},
    {Builtin::kFloat, "float", BuiltinPlace::kPure},
    {Builtin::kAttempt, "attempt", BuiltinPlace::kPure},
    {Builtin::kPush, "push", BuiltinPlace::kPure},
    {Builtin::kPop, "pop", BuiltinPlace::kPure},
};

}  // namespace

std::optional<BuiltinInfo> find_builtin(std::string_view name) {
  for (const BuiltinInfo& info : kBuiltins) {
    if (info.name == name) return info;
  }
  return std::nullopt;
}

const BuiltinInfo& builtin_info(Builtin builtin) {
  for (const BuiltinInfo& info : kBuiltins) {
    if (info.builtin == builtin) return info;
  }
  TASKC_UNREACHABLE("a builtin without a row in the builtin table");
}

}  // namespace taskc::ir
