// Test helper: parse and check a program held in a string.
#pragma once

#include <memory>
#include <string>

#include "compiler/check/check.hpp"
#include "compiler/diag/render.hpp"
#include "compiler/parse/parse.hpp"

namespace taskc::testing {

struct Checked {
  source::SourceMap sources;
  diag::DiagnosticSink sink;
  ast::Module module;
  std::unique_ptr<ir::Program> program;

  std::string errors() const { return diag::render(sink, sources, {diag::Format::kGnu, false}); }
  const ir::Task& task(std::string_view name) const {
    for (const ir::Task& t : program->tasks) {
      if (t.name == name) return t;
    }
    throw std::runtime_error("no task " + std::string(name));
  }
};

inline std::unique_ptr<Checked> check_text(std::string text) {
  auto checked = std::make_unique<Checked>();
  const source::SourceFile& file = checked->sources.add("t.task", std::move(text));
  checked->module = parse::parse(file, checked->sink);
  if (!checked->sink.has_errors()) checked->program = check::check({&checked->module}, checked->sources, checked->sink);
  return checked;
}

}  // namespace taskc::testing
