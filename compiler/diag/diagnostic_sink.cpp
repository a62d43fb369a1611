#include "compiler/diag/diagnostic_sink.hpp"

namespace taskc::diag {

Diagnostic& DiagnosticSink::error(Code code, source::Span span, std::string message) {
  ++error_count_;
  return diagnostics_.emplace_back(Diagnostic{Severity::kError, code, std::move(message), span, {}, {}, {}, {}});
}

Diagnostic& DiagnosticSink::warning(Code code, source::Span span, std::string message) {
  return diagnostics_.emplace_back(Diagnostic{Severity::kWarning, code, std::move(message), span, {}, {}, {}, {}});
}

}  // namespace taskc::diag
