// The registry of diagnostic codes: every user-facing error the compiler can
// report has a stable code (E0001…), a one-line title and a long explanation
// shown by `taskc --explain CODE`.
//
// The table is static and immutable; lookups are thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace taskc::diag {

enum class Code : std::uint16_t {
#define TASKC_DIAGNOSTIC(name, number) k##name = number,
#include "compiler/diag/codes.def"
#undef TASKC_DIAGNOSTIC
};

struct CodeInfo {
  Code code;
  // "E0001"
  std::string_view id;
  std::string_view title;
  // Several paragraphs, with an example of the mistake and of its fix.
  std::string_view explanation;
};

// Every registered code, in numeric order.
std::span<const CodeInfo> all_codes();
const CodeInfo& info(Code code);
// Accepts "E0001", "e0001" and "1"; nullptr when no such code exists.
const CodeInfo* find_code(std::string_view text);

}  // namespace taskc::diag
