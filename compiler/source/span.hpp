// Span: a half-open byte range [begin, end) inside one source file.
//
// Spans are plain values; the file they point into is owned by a SourceMap,
// which outlives every AST, IR and diagnostic that mentions it.
#pragma once

#include <cstdint>

namespace taskc::source {

// Index of a file in its SourceMap. kNoFile marks spans that come from nowhere
// (for example, builtin declarations).
using FileId = std::uint32_t;
inline constexpr FileId kNoFile = 0xffffffff;

struct Span {
  FileId file = kNoFile;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  std::uint32_t size() const { return end - begin; }

  // The smallest span covering both; both must be in the same file.
  static Span cover(Span first, Span last) {
    return Span{first.file, first.begin < last.begin ? first.begin : last.begin,
                first.end > last.end ? first.end : last.end};
  }

  friend bool operator==(const Span&, const Span&) = default;
};

// A 1-based line and column; the column counts bytes, as GNU tools do.
struct LineColumn {
  std::uint32_t line = 1;
  std::uint32_t column = 1;

  friend bool operator==(const LineColumn&, const LineColumn&) = default;
};

}  // namespace taskc::source
