// SyntaxErrorListener: receives ANTLR's syntax errors and reports them to our
// DiagnosticSink in our own words, with a span on the offending token.
#pragma once

#include <BaseErrorListener.h>

#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/source/source_file.hpp"

namespace taskc::parse {

class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  // `offset` is where the parsed text starts in the file (non-zero for the
  // interpolations inside strings).
  SyntaxErrorListener(const source::SourceFile& file, diag::DiagnosticSink& sink, std::uint32_t offset)
      : file_(file), sink_(sink), offset_(offset) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line, size_t column,
                   const std::string& message, std::exception_ptr error) override;

 private:
  const source::SourceFile& file_;
  diag::DiagnosticSink& sink_;
  std::uint32_t offset_;
};

}  // namespace taskc::parse
