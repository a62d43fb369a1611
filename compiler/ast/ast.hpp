// The abstract syntax tree of one .task file, as produced by compiler/parse/.
//
// Every node carries the span of the source text it came from. A Module owns
// all of its nodes; nothing in the AST points outside it except spans.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/span.hpp"

namespace taskc::ast {

enum class ItemKind { kImport, kUse, kType, kConst, kSemaphore, kShared, kTask, kExternTask, kFlow };

std::string_view item_kind_name(ItemKind kind);

// A top-level declaration. `name` is the declared name, or the quoted path for
// `import` and `use`.
struct Item {
  ItemKind kind;
  std::string name;
  source::Span span;
  source::Span name_span;
};

struct Module {
  source::FileId file = source::kNoFile;
  std::vector<Item> items;
};

}  // namespace taskc::ast
