#include "compiler/ast/ast.hpp"

namespace taskc::ast {

std::string_view item_kind_name(ItemKind kind) {
  switch (kind) {
    case ItemKind::kImport: return "import";
    case ItemKind::kUse: return "use";
    case ItemKind::kType: return "type";
    case ItemKind::kConst: return "const";
    case ItemKind::kSemaphore: return "semaphore";
    case ItemKind::kShared: return "shared";
    case ItemKind::kTask: return "task";
    case ItemKind::kExternTask: return "extern task";
    case ItemKind::kFlow: return "flow";
  }
  return "?";
}

}  // namespace taskc::ast
