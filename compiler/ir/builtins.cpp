#include "compiler/ir/builtins.hpp"
#include "compiler/support/check.hpp"

#include <cstdlib>

namespace taskc::ir {
namespace {

constexpr BuiltinInfo kBuiltins[] = {
    {Builtin::kSleep, "sleep", BuiltinPlace::kIo, true},
    {Builtin::kHttpGet, "http_get", BuiltinPlace::kIo, true},
    {Builtin::kHttp, "http", BuiltinPlace::kIo, true},
    {Builtin::kReadFile, "read_file", BuiltinPlace::kIo, true},
    {Builtin::kWriteFile, "write_file", BuiltinPlace::kIo, true},
    {Builtin::kAppendFile, "append_file", BuiltinPlace::kIo, true},
    {Builtin::kReadLines, "read_lines", BuiltinPlace::kIo, true},
    {Builtin::kExec, "exec", BuiltinPlace::kIo, true},
    {Builtin::kListDir, "list_dir", BuiltinPlace::kIo, true},
    {Builtin::kNow, "now", BuiltinPlace::kIo, false},
    {Builtin::kEnv, "env", BuiltinPlace::kIo, false},
    {Builtin::kSend, "send", BuiltinPlace::kIo, true},
    {Builtin::kRecv, "recv", BuiltinPlace::kIo, true},
    {Builtin::kClose, "close", BuiltinPlace::kIo, false},
    {Builtin::kPrint, "print", BuiltinPlace::kEverywhere, false},
    {Builtin::kEprint, "eprint", BuiltinPlace::kEverywhere, false},
    {Builtin::kLen, "len", BuiltinPlace::kPure, false},
    {Builtin::kRange, "range", BuiltinPlace::kPure, false},
    {Builtin::kSum, "sum", BuiltinPlace::kPure, false},
    {Builtin::kMin, "min", BuiltinPlace::kPure, false},
    {Builtin::kMax, "max", BuiltinPlace::kPure, false},
    {Builtin::kAbs, "abs", BuiltinPlace::kPure, false},
    {Builtin::kSorted, "sorted", BuiltinPlace::kPure, false},
    {Builtin::kReversed, "reversed", BuiltinPlace::kPure, false},
    {Builtin::kKeys, "keys", BuiltinPlace::kPure, false},
    {Builtin::kValues, "values", BuiltinPlace::kPure, false},
    {Builtin::kContains, "contains", BuiltinPlace::kPure, false},
    {Builtin::kSplit, "split", BuiltinPlace::kPure, false},
    {Builtin::kJoin, "join", BuiltinPlace::kPure, false},
    {Builtin::kTrim, "trim", BuiltinPlace::kPure, false},
    {Builtin::kLower, "lower", BuiltinPlace::kPure, false},
    {Builtin::kUpper, "upper", BuiltinPlace::kPure, false},
    {Builtin::kStartsWith, "starts_with", BuiltinPlace::kPure, false},
    {Builtin::kBytes, "bytes", BuiltinPlace::kPure, false},
    {Builtin::kChr, "chr", BuiltinPlace::kPure, false},
    {Builtin::kOrd, "ord", BuiltinPlace::kPure, false},
    {Builtin::kSqrt, "sqrt", BuiltinPlace::kPure, false},
    {Builtin::kSin, "sin", BuiltinPlace::kPure, false},
    {Builtin::kCos, "cos", BuiltinPlace::kPure, false},
    {Builtin::kPow, "pow", BuiltinPlace::kPure, false},
    {Builtin::kFloor, "floor", BuiltinPlace::kPure, false},
    {Builtin::kHash, "hash", BuiltinPlace::kPure, false},
    {Builtin::kStr, "str", BuiltinPlace::kPure, false},
    {Builtin::kInt, "int", BuiltinPlace::kPure, false},
    {Builtin::kFloat, "float", BuiltinPlace::kPure, false},
    {Builtin::kAttempt, "attempt", BuiltinPlace::kPure, false},
    {Builtin::kPush, "push", BuiltinPlace::kPure, false},
    {Builtin::kPop, "pop", BuiltinPlace::kPure, false},
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
