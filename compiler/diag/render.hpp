// Rendering diagnostics for people (rustc/Elm style), for editors (GNU one-line)
// and for tools (JSON). Pure functions of their inputs.
#pragma once

#include <string>

#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::diag {

enum class Format { kHuman, kGnu, kJson };

struct RenderOptions {
  Format format = Format::kHuman;
  // ANSI colours; the driver enables them only on a terminal without NO_COLOR.
  bool colour = false;
};

// All diagnostics in one string. JSON output is one array; the other formats
// are the diagnostics one after another.
std::string render(const DiagnosticSink& sink, const source::SourceMap& sources, const RenderOptions& options);

// Parses "human", "gnu" or "json".
bool parse_format(std::string_view name, Format& format);

}  // namespace taskc::diag
