// JSON string literals, for the compiler's machine-readable outputs
// (diagnostics as JSON, the IR dump).
#pragma once

#include <string>
#include <string_view>

namespace taskc::support {

// `text` as a JSON string, quotes included: `a"b` -> `"a\"b"`. Control
// characters are escaped; bytes that are not UTF-8 become U+FFFD.
std::string json_quote(std::string_view text);

}  // namespace taskc::support
