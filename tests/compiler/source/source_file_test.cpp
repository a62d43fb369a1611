#include <catch2/catch.hpp>

#include "compiler/source/source_map.hpp"

using taskc::source::LineColumn;
using taskc::source::SourceMap;
using taskc::source::Span;

TEST_CASE("line_column maps byte offsets to 1-based lines and columns") {
  SourceMap sources;
  const auto& file = sources.add("a.task", "flow main() {\n  print(1)\n}\n");
  CHECK(file.line_column(0) == LineColumn{1, 1});
  CHECK(file.line_column(5) == LineColumn{1, 6});
  CHECK(file.line_column(14) == LineColumn{2, 1});
  CHECK(file.line_column(16) == LineColumn{2, 3});
  CHECK(file.line_count() == 4);
  // Past the end clamps rather than failing.
  CHECK(file.line_column(1000) == LineColumn{4, 1});
}

TEST_CASE("line_text strips the line terminator, CRLF included") {
  SourceMap sources;
  const auto& file = sources.add("b.task", "one\r\ntwo\nthree");
  CHECK(file.line_text(1) == "one");
  CHECK(file.line_text(2) == "two");
  CHECK(file.line_text(3) == "three");
  CHECK(file.line_text(0).empty());
  CHECK(file.line_text(4).empty());
}

TEST_CASE("text(span) clamps spans that run past the end") {
  SourceMap sources;
  const auto& file = sources.add("c.task", "hello");
  CHECK(file.text(Span{file.id(), 1, 3}) == "el");
  CHECK(file.text(Span{file.id(), 3, 99}) == "lo");
  CHECK(file.text(Span{file.id(), 99, 100}).empty());
}

TEST_CASE("SourceMap gives each file its own id and keeps references stable") {
  SourceMap sources;
  const auto& first = sources.add("x.task", "x");
  for (int i = 0; i < 100; ++i) sources.add("f" + std::to_string(i), "");
  CHECK(first.path() == "x.task");
  CHECK(sources.get(first.id()).text() == "x");
  CHECK(sources.find("f7") == &sources.get(8));
  CHECK(sources.find("missing") == nullptr);
}

TEST_CASE("SourceMap::load names the path and the reason on failure") {
  SourceMap sources;
  std::string error;
  CHECK(sources.load("/nonexistent/dir/prog.task", error) == nullptr);
  CHECK(error == "cannot read `/nonexistent/dir/prog.task`: No such file or directory");
  CHECK(sources.load("/", error) == nullptr);
  CHECK(error == "cannot read `/`: it is a directory");
}
