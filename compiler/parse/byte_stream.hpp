// ByteStream: an ANTLR character stream in which every byte of the source is
// one character. Token indexes are then byte offsets, which is what our spans
// hold, and malformed UTF-8 cannot make the runtime throw: bytes >= 0x80 only
// ever appear inside strings and comments, where the lexer accepts anything.
#pragma once

#include <ANTLRInputStream.h>
#include <string_view>

namespace taskc::parse {

class ByteStream : public antlr4::ANTLRInputStream {
 public:
  explicit ByteStream(std::string_view bytes);
};

}  // namespace taskc::parse
