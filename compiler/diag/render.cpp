#include "compiler/diag/render.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <vector>

#include "compiler/support/json_quote.hpp"

namespace taskc::diag {
namespace {

constexpr int kTabWidth = 4;

struct Style {
  bool colour;
  std::string paint(std::string_view code, std::string_view text) const {
    if (!colour) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
  std::string error(std::string_view t) const { return paint("1;31", t); }
  std::string warning(std::string_view t) const { return paint("1;33", t); }
  std::string gutter(std::string_view t) const { return paint("1;34", t); }
  std::string bold(std::string_view t) const { return paint("1", t); }
};

std::string_view severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

// Where a span starts, as "path:line:col"; "<unknown>" for spans from nowhere.
std::string location(const source::SourceMap& sources, source::Span span) {
  if (!span.valid()) return "<unknown>";
  const source::SourceFile& file = sources.get(span.file);
  source::LineColumn at = file.line_column(span.begin);
  return fmt::format("{}:{}:{}", file.path(), at.line, at.column);
}

// Display width of a byte range of a line: tabs expand, UTF-8 continuation
// bytes take no room.
std::size_t display_width(std::string_view line, std::size_t from, std::size_t to) {
  std::size_t width = 0;
  for (std::size_t i = from; i < to && i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      width += kTabWidth;
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

// A source line as shown: tabs expanded, control characters (which could
// drive the terminal) shown as `?`, one column each like any character.
std::string shown_text(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c == '\t') {
      out.append(kTabWidth, ' ');
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out.push_back('?');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Lines wider than this show only the part around the first mark, with `...`
// where they are cut: a minified or generated line can be megabytes long.
constexpr std::size_t kMaxShownWidth = 120;

// The byte range of `line` to show so that byte `focus` is in view.
std::pair<std::size_t, std::size_t> shown_window(std::string_view line, std::size_t focus) {
  if (display_width(line, 0, line.size()) <= kMaxShownWidth) return {0, line.size()};
  auto boundary = [&](std::size_t i) {  // back to the start of a UTF-8 character
    while (i > 0 && i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) --i;
    return i;
  };
  std::size_t begin = boundary(focus > kMaxShownWidth / 3 ? focus - kMaxShownWidth / 3 : 0);
  std::size_t end = begin;
  while (end < line.size() && display_width(line, begin, end + 1) <= kMaxShownWidth) ++end;
  return {begin, boundary(end)};
}

struct Mark {
  source::Span span;
  std::string_view text;
  bool primary;
};

void render_human(const Diagnostic& d, const source::SourceMap& sources, const Style& style, std::string& out) {
  std::string head = d.severity == Severity::kError ? style.error(fmt::format("error[{}]", info(d.code).id))
                                                    : style.warning(fmt::format("warning[{}]", info(d.code).id));
  out += fmt::format("{}: {}: {}\n", style.bold(location(sources, d.span)), head, style.bold(d.message));

  // Group the marks by file and line, primary first.
  std::vector<Mark> marks;
  if (d.span.valid()) marks.push_back(Mark{d.span, d.primary_label, true});
  for (const Label& label : d.secondary) {
    if (label.span.valid()) marks.push_back(Mark{label.span, label.text, false});
  }
  std::map<std::pair<source::FileId, std::uint32_t>, std::vector<const Mark*>> by_line;
  std::uint32_t widest_line = 1;
  for (const Mark& mark : marks) {
    std::uint32_t line = sources.get(mark.span.file).line_column(mark.span.begin).line;
    by_line[{mark.span.file, line}].push_back(&mark);
    widest_line = std::max(widest_line, line);
  }
  std::size_t gutter_width = std::to_string(widest_line).size();
  std::string blank_gutter = style.gutter(fmt::format("{} |", std::string(gutter_width, ' ')));

  if (!by_line.empty()) out += blank_gutter + "\n";
  source::FileId previous_file = d.span.file;
  std::uint32_t previous_line = 0;
  for (const auto& [key, line_marks] : by_line) {
    const source::SourceFile& file = sources.get(key.first);
    if (key.first != previous_file) {
      out += fmt::format("{}{} {}\n", std::string(gutter_width, ' '), style.gutter("-->"),
                         location(sources, line_marks.front()->span));
      previous_file = key.first;
    } else if (previous_line != 0 && key.second > previous_line + 1) {
      // Lines left out between two marked lines.
      out += style.gutter("...") + "\n";
    }
    previous_line = key.second;
    std::string_view full_line = file.line_text(key.second);
    std::size_t focus = file.line_column(line_marks.front()->span.begin).column - 1;
    auto [window_begin, window_end] = shown_window(full_line, focus);
    std::string_view line = full_line.substr(window_begin, window_end - window_begin);
    std::string cut_before = window_begin > 0 ? "..." : "";
    std::string cut_after = window_end < full_line.size() ? "..." : "";
    out += fmt::format("{} {}{}{}\n", style.gutter(fmt::format("{:>{}} |", key.second, gutter_width)), cut_before,
                       shown_text(line), cut_after);
    for (const Mark* mark : line_marks) {
      source::LineColumn start = file.line_column(mark->span.begin);
      // Byte offsets within the shown part; a mark outside it points at its edge.
      std::size_t from = std::clamp<std::size_t>(start.column - 1, window_begin, window_end) - window_begin;
      // A span running past the end of its line is underlined to the line's end.
      std::size_t to = std::min<std::size_t>(from + mark->span.size(), line.size());
      std::size_t indent = cut_before.size() + display_width(line, 0, from);
      std::size_t width = std::max<std::size_t>(1, display_width(line, from, to));
      std::string underline(width, mark->primary ? '^' : '-');
      std::string text = underline;
      if (!mark->text.empty()) text += " " + std::string(mark->text);
      text = mark->primary ? (d.severity == Severity::kError ? style.error(text) : style.warning(text))
                           : style.gutter(text);
      out += fmt::format("{} {}{}\n", blank_gutter, std::string(indent, ' '), text);
    }
  }
  for (const std::string& note : d.notes) {
    out += fmt::format("{} {}: {}\n", style.gutter(fmt::format("{} =", std::string(gutter_width, ' '))),
                       style.bold("note"), note);
  }
  for (const std::string& help : d.helps) {
    out += fmt::format("{} {}: {}\n", style.gutter(fmt::format("{} =", std::string(gutter_width, ' '))),
                       style.bold("help"), help);
  }
  out += "\n";
}

void render_gnu(const Diagnostic& d, const source::SourceMap& sources, std::string& out) {
  out +=
      fmt::format("{}: {}[{}]: {}\n", location(sources, d.span), severity_name(d.severity), info(d.code).id, d.message);
  for (const Label& label : d.secondary) {
    out += fmt::format("{}: note: {}\n", location(sources, label.span), label.text);
  }
  for (const std::string& note : d.notes) out += fmt::format("{}: note: {}\n", location(sources, d.span), note);
  for (const std::string& help : d.helps) out += fmt::format("{}: help: {}\n", location(sources, d.span), help);
}

std::string json_span(const source::SourceMap& sources, source::Span span) {
  if (!span.valid()) return "null";
  const source::SourceFile& file = sources.get(span.file);
  source::LineColumn begin = file.line_column(span.begin);
  source::LineColumn end = file.line_column(span.end);
  return fmt::format(R"({{"file": {}, "line": {}, "column": {}, "end_line": {}, "end_column": {}}})",
                     support::json_quote(file.path()), begin.line, begin.column, end.line, end.column);
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += support::json_quote(items[i]);
  }
  return out + "]";
}

void render_json(const Diagnostic& d, const source::SourceMap& sources, std::string& out) {
  std::string labels = "[";
  for (std::size_t i = 0; i < d.secondary.size(); ++i) {
    if (i > 0) labels += ", ";
    labels += fmt::format(R"({{"span": {}, "text": {}}})", json_span(sources, d.secondary[i].span),
                          support::json_quote(d.secondary[i].text));
  }
  labels += "]";
  out += fmt::format(
      R"(  {{"severity": "{}", "code": "{}", "message": {}, "span": {}, "label": {}, "labels": {}, "notes": {}, "help": {}}})",
      severity_name(d.severity), info(d.code).id, support::json_quote(d.message), json_span(sources, d.span),
      support::json_quote(d.primary_label), labels, json_list(d.notes), json_list(d.helps));
}

}  // namespace

std::string render(const DiagnosticSink& sink, const source::SourceMap& sources, const RenderOptions& options) {
  const std::deque<Diagnostic>& diagnostics = sink.diagnostics();
  std::string out;
  Style style{options.colour};
  if (options.format == Format::kJson) {
    out += "[\n";
    for (std::size_t i = 0; i < diagnostics.size(); ++i) {
      render_json(diagnostics[i], sources, out);
      out += i + 1 < diagnostics.size() ? ",\n" : "\n";
    }
    out += "]\n";
    return out;
  }
  for (const Diagnostic& d : diagnostics) {
    if (options.format == Format::kGnu) {
      render_gnu(d, sources, out);
    } else {
      render_human(d, sources, style, out);
    }
  }
  return out;
}

bool parse_format(std::string_view name, Format& format) {
  if (name == "human") {
    format = Format::kHuman;
  } else if (name == "gnu") {
    format = Format::kGnu;
  } else if (name == "json") {
    format = Format::kJson;
  } else {
    return false;
  }
  return true;
}

}  // namespace taskc::diag
