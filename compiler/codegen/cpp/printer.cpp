#include "compiler/codegen/cpp/printer.hpp"
#include "compiler/support/check.hpp"

#include <cstdlib>

namespace taskc::codegen {

std::string substitute(std::string_view text, Printer::Vars vars) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find('$', i);
    if (open == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, open - i));
    std::size_t close = text.find('$', open + 1);
    TASKC_CHECK(close != std::string_view::npos, "a printer template has an unbalanced `$`");
    std::string_view name = text.substr(open + 1, close - open - 1);
    bool found = false;
    for (const auto& [key, value] : vars) {
      if (key == name) {
        out.append(value);
        found = true;
        break;
      }
    }
    TASKC_CHECK(found, "a printer template names a variable nobody gave: " + std::string(name));
    i = close + 1;
  }
  return out;
}

void Printer::print(std::string_view text, Vars vars) {
  lines(substitute(text, vars));
}

void Printer::lines(std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view one = text.substr(start, end - start);
    // A text ending in a newline has no empty last line.
    if (!(end == text.size() && one.empty())) line(one);
    start = end + 1;
  }
}

void Printer::line(std::string_view text) {
  if (!text.empty()) out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  out_.append(text);
  out_ += '\n';
}

}  // namespace taskc::codegen
