#include <catch2/catch.hpp>

#include "compiler/diag/render.hpp"

using namespace taskc;

namespace {

struct Fixture {
  source::SourceMap sources;
  diag::DiagnosticSink sink;
  const source::SourceFile& file = sources.add("demo.task", "io task fetch(url: str) -> {\n\tlet x = 1\n}\n");
};

}  // namespace

TEST_CASE("human rendering shows the location, the line and a caret under the span") {
  Fixture f;
  f.sink.error(diag::Code::kSyntaxError, source::Span{f.file.id(), 27, 28}, "expected a type after `->`")
      .with_label("found `{`")
      .help("write the result type, for example `-> str`");
  CHECK(f.sink.error_count() == 1);
  std::string text = diag::render(f.sink, f.sources, {});
  CHECK(text ==
        "demo.task:1:28: error[E0001]: expected a type after `->`\n"
        "  |\n"
        "1 | io task fetch(url: str) -> {\n"
        "  |                            ^ found `{`\n"
        "  = help: write the result type, for example `-> str`\n"
        "\n");
}

TEST_CASE("human rendering expands tabs and draws secondary labels with dashes") {
  Fixture f;
  f.sink.error(diag::Code::kSyntaxError, source::Span{f.file.id(), 30, 31}, "bad x")
      .label(source::Span{f.file.id(), 8, 13}, "in this task")
      .note("a note");
  std::string text = diag::render(f.sink, f.sources, {});
  CHECK(text ==
        "demo.task:2:2: error[E0001]: bad x\n"
        "  |\n"
        "1 | io task fetch(url: str) -> {\n"
        "  |         ----- in this task\n"
        "2 |     let x = 1\n"
        "  |     ^\n"
        "  = note: a note\n"
        "\n");
}

TEST_CASE("colour codes appear only when asked for") {
  Fixture f;
  f.sink.error(diag::Code::kSyntaxError, source::Span{f.file.id(), 0, 2}, "m");
  CHECK(diag::render(f.sink, f.sources, {}).find('\x1b') == std::string::npos);
  CHECK(diag::render(f.sink, f.sources, {diag::Format::kHuman, true}).find("\x1b[1;31m") != std::string::npos);
}

TEST_CASE("gnu and json formats") {
  Fixture f;
  f.sink.error(diag::Code::kUnknownCharacter, source::Span{f.file.id(), 0, 2}, "say \"hi\"").help("h");
  CHECK(diag::render(f.sink, f.sources, {diag::Format::kGnu, false}) ==
        "demo.task:1:1: error[E0003]: say \"hi\"\n"
        "demo.task:1:1: help: h\n");
  std::string json = diag::render(f.sink, f.sources, {diag::Format::kJson, false});
  CHECK(json.find(R"("code": "E0003")") != std::string::npos);
  CHECK(json.find(R"("message": "say \"hi\"")") != std::string::npos);
  CHECK(json.find(R"("span": {"file": "demo.task", "line": 1, "column": 1, "end_line": 1, "end_column": 3})") !=
        std::string::npos);
  CHECK(json.front() == '[');
}

TEST_CASE("parse_format knows the three formats") {
  diag::Format format{};
  CHECK(diag::parse_format("json", format));
  CHECK(format == diag::Format::kJson);
  CHECK_FALSE(diag::parse_format("xml", format));
}
