// Text from untrusted bytes stays valid text in messages and JSON.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/support/json_quote.hpp"
#include "compiler/support/utf8.hpp"

using taskc::support::json_quote;
using taskc::support::printable;
using taskc::support::utf8_decode;
using taskc::support::utf8_length;

TEST_CASE("UTF-8 characters are measured whole, and broken sequences are not characters") {
  CHECK(utf8_length("a", 0) == 1);
  CHECK(utf8_length("\u201c", 0) == 3);  // a typographic quote
  CHECK(utf8_decode("\u201c") == 0x201C);
  CHECK(utf8_length("\xe2\x80", 0) == 0);      // cut short
  CHECK(utf8_length("\x80", 0) == 0);          // a continuation byte alone
  CHECK(utf8_length("\xc0\xaf", 0) == 0);      // overlong
  CHECK(utf8_length("\xed\xa0\x80", 0) == 0);  // a surrogate
}

TEST_CASE("printable text escapes control characters and stray bytes, and cuts between characters") {
  CHECK(printable(std::string("a\0b\x1b[31m", 8)) == "a\\x00b\\x1b[31m");
  CHECK(printable("\xff ok") == "\\xff ok");
  CHECK(printable("\u201c\u201c\u201c", 2) == "\u201c\u201c…");
}

TEST_CASE("JSON strings stay valid UTF-8: stray bytes become U+FFFD, control characters are escaped") {
  CHECK(json_quote("\u201cq\u201d") == "\"\u201cq\u201d\"");
  CHECK(json_quote("\xe2\x80") == "\"\\ufffd\\ufffd\"");
  CHECK(json_quote(std::string("\0\x7f", 2)) == "\"\\u0000\\u007f\"");
}
