// Diagnostic: one message to the user about their program, with a code, a
// primary span, optional labelled secondary spans, and note/help lines.
//
// A plain value; the files its spans point into belong to a SourceMap.
#pragma once

#include <string>
#include <vector>

#include "compiler/diag/codes.hpp"
#include "compiler/source/span.hpp"

namespace taskc::diag {

enum class Severity { kError, kWarning };

struct Label {
  source::Span span;
  std::string text;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  Code code = Code::kSyntaxError;
  std::string message;
  source::Span span;
  // Shown under the caret of the primary span; may be empty.
  std::string primary_label;
  std::vector<Label> secondary;
  std::vector<std::string> notes;
  std::vector<std::string> helps;

  // Builder-style helpers, so a phase can write
  //   sink.error(code, span, "msg").label(other, "declared here").help("…");
  Diagnostic& with_label(std::string text) {
    primary_label = std::move(text);
    return *this;
  }
  Diagnostic& label(source::Span where, std::string text) {
    secondary.push_back(Label{where, std::move(text)});
    return *this;
  }
  Diagnostic& note(std::string text) {
    notes.push_back(std::move(text));
    return *this;
  }
  Diagnostic& help(std::string text) {
    helps.push_back(std::move(text));
    return *this;
  }
};

}  // namespace taskc::diag
