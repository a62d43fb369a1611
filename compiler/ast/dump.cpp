#include "compiler/ast/dump.hpp"

#include <fmt/format.h>

namespace taskc::ast {

std::string dump(const Module& module, const source::SourceMap& sources) {
  std::string out = "module\n";
  for (const Item& item : module.items) {
    source::LineColumn at = sources.get(item.span.file).line_column(item.span.begin);
    out += fmt::format("  {} {} @{}:{}\n", item_kind_name(item.kind), item.name, at.line, at.column);
  }
  return out;
}

}  // namespace taskc::ast
