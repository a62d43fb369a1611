// DiagnosticSink: where every phase reports problems. Phases keep going after
// an error so that one run reports as much as it can; the driver decides what
// to do once a phase returns (codegen never runs after an error).
//
// Not thread-safe: one sink per compilation, used from one thread.
#pragma once

#include <deque>
#include <string>

#include "compiler/diag/diagnostic.hpp"

namespace taskc::diag {

class DiagnosticSink {
 public:
  // The returned reference stays valid for the sink's lifetime, so callers can
  // chain label()/note()/help() onto it.
  Diagnostic& error(Code code, source::Span span, std::string message);
  Diagnostic& warning(Code code, source::Span span, std::string message);

  const std::deque<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::size_t error_count() const { return error_count_; }
  bool has_errors() const { return error_count_ > 0; }

 private:
  std::deque<Diagnostic> diagnostics_;
  std::size_t error_count_ = 0;
};

}  // namespace taskc::diag
