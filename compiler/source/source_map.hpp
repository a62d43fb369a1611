// SourceMap: owns every source file of one compilation and hands out FileIds.
//
// Files are never removed, so references returned by get() stay valid for the
// map's lifetime. Not thread-safe for adding; reading is safe once loading ends.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "compiler/source/source_file.hpp"

namespace taskc::source {

class SourceMap {
 public:
  // The largest source file load() reads: far beyond any program, and a bound
  // on what a mistaken path can make taskc read.
  static constexpr long kMaxSourceSize = 16L << 20;

  // Adds a file whose text is already in memory (tests, stdin, generated input).
  const SourceFile& add(std::string path, std::string text);
  // Reads a file from disk. On failure returns nullptr and sets `error` to a
  // message naming the path and the reason.
  const SourceFile* load(const std::string& path, std::string& error);
  // The file previously loaded from this path, if any.
  const SourceFile* find(const std::string& path) const;

  const SourceFile& get(FileId id) const { return files_.at(id); }
  std::size_t size() const { return files_.size(); }

 private:
  // A deque, so that adding a file never moves the others.
  std::deque<SourceFile> files_;
};

}  // namespace taskc::source
