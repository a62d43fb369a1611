// The comments that document `flow main` for its executable's --help: the
// `//` lines right above it (the program's description) and the `//`
// comment at the end of a parameter's line (that argument's or option's
// help). Read from the source text, so the grammar needs no doc-comment
// tokens; a comment separated by a blank line documents nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace taskc::check {

// The `//` lines that end right above the line holding `offset`, joined
// with newlines, each without `//` and one space after it; empty if none.
std::string comment_above(std::string_view text, std::size_t offset);

// The `//` comment after `end` on the same line, when only a comma and
// blanks separate the two (so it belongs to what ends there, not to
// something after it on the line); empty if none.
std::string comment_after(std::string_view text, std::size_t end);

}  // namespace taskc::check
