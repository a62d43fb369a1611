// The builtin functions of §11, with their names and where they may be called.
// Their signatures are checked in compiler/check/builtins.cpp.
#pragma once

#include <optional>
#include <string_view>

namespace taskc::ir {

enum class Builtin {
  // io: only in io tasks and flows
  kSleep,
  kHttpGet,
  kHttp,
  kReadFile,
  kWriteFile,
  kAppendFile,
  kReadLines,
  kExec,
  kListDir,
  kNow,
  kEnv,
  kSend,
  kRecv,
  kClose,
  // everywhere
  kPrint,
  kEprint,
  // pure
  kLen,
  kRange,
  kSum,
  kMin,
  kMax,
  kAbs,
  kSorted,
  kReversed,
  kKeys,
  kValues,
  kContains,
  kSplit,
  kJoin,
  kTrim,
  kLower,
  kUpper,
  kStartsWith,
  kBytes,
  kChr,
  kOrd,
  kSqrt,
  kSin,
  kCos,
  kPow,
  kFloor,
  kHash,
  kStr,
  kInt,
  kFloat,
  kAttempt,
  kPush,
  kPop,
};

enum class BuiltinPlace {
  kIo,          // waits on the outside world: io tasks and flows only
  kEverywhere,  // print and eprint
  kPure,        // computation only: allowed in cpu tasks
};

struct BuiltinInfo {
  Builtin builtin;
  std::string_view name;
  BuiltinPlace place;
  // A call waits (generated code awaits it), so what contains it suspends.
  bool suspends = false;
};

std::optional<BuiltinInfo> find_builtin(std::string_view name);
const BuiltinInfo& builtin_info(Builtin builtin);

}  // namespace taskc::ir
