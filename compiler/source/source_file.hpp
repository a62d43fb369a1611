// SourceFile: the text of one .task file, with its path and a line table for
// turning byte offsets into lines and columns.
//
// Immutable after construction; safe to read from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/span.hpp"

namespace taskc::source {

class SourceFile {
 public:
  SourceFile(FileId id, std::string path, std::string text);

  FileId id() const { return id_; }
  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  std::string_view text(Span span) const;

  // Offsets past the end clamp to the position just after the last byte.
  LineColumn line_column(std::uint32_t offset) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  // The text of a 1-based line, without its line terminator.
  std::string_view line_text(std::uint32_t line) const;
  // The span covering the whole file.
  Span whole() const { return Span{id_, 0, static_cast<std::uint32_t>(text_.size())}; }

 private:
  FileId id_;
  std::string path_;
  std::string text_;
  // Byte offset at which each line starts; line_starts_[0] == 0.
  std::vector<std::uint32_t> line_starts_;
};

}  // namespace taskc::source
