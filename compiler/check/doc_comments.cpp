#include "compiler/check/doc_comments.hpp"

#include <vector>

namespace taskc::check {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// A comment's words: without `//` and the one space that usually follows.
std::string_view words(std::string_view comment) {
  comment.remove_prefix(2);
  if (!comment.empty() && comment.front() == ' ') comment.remove_prefix(1);
  return trimmed(comment);
}

}  // namespace

std::string comment_above(std::string_view text, std::size_t offset) {
  if (offset > text.size()) return {};
  // Where a line begins: after the last newline before `at`.
  auto line_begin = [&](std::size_t at) {
    std::size_t newline = text.substr(0, at).rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  };
  // Walk up from the line above, while each line is a comment.
  std::vector<std::string_view> lines;
  for (std::size_t begin = line_begin(offset); begin > 0;) {
    std::size_t above = line_begin(begin - 1);
    std::string_view line = trimmed(text.substr(above, begin - 1 - above));
    if (line.substr(0, 2) != "//") break;
    lines.push_back(words(line));
    begin = above;
  }
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!out.empty()) out += '\n';
    out += *it;
  }
  return out;
}

std::string comment_after(std::string_view text, std::size_t end) {
  if (end > text.size()) return {};
  std::size_t line_end = text.find('\n', end);
  std::string_view rest =
      text.substr(end, line_end == std::string_view::npos ? std::string_view::npos : line_end - end);
  std::size_t i = 0;
  while (i < rest.size() && is_blank(rest[i])) ++i;
  if (i < rest.size() && rest[i] == ',') ++i;
  while (i < rest.size() && is_blank(rest[i])) ++i;
  if (rest.substr(i, 2) != "//") return {};
  return std::string(words(rest.substr(i)));
}

}  // namespace taskc::check
