// UTF-8 text from untrusted bytes: a .task file may hold anything, and what
// the compiler writes (messages, JSON, graphs) must stay valid text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace taskc::support {

// The length of the valid UTF-8 character starting at text[at], or 0 when the
// bytes there are not one (a stray continuation byte, a truncated or overlong
// sequence, a surrogate).
std::size_t utf8_length(std::string_view text, std::size_t at);

// The code point of the valid UTF-8 character `character` (utf8_length long).
char32_t utf8_decode(std::string_view character);

// `text` for a message: control characters and bytes that are not UTF-8 text
// written as `\xNN`, like a .task string literal would need; at most
// `max_characters` characters, then `…`, never cutting a character in two.
std::string printable(std::string_view text, std::size_t max_characters = std::string::npos);

}  // namespace taskc::support
