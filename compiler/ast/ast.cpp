#include "compiler/ast/ast.hpp"

namespace taskc::ast {

std::string_view item_kind_name(ItemKind kind) {
  switch (kind) {
    case ItemKind::kImport: return "import";
    case ItemKind::kUse: return "use";
    case ItemKind::kType: return "type";
    case ItemKind::kConst: return "const";
    case ItemKind::kSemaphore: return "semaphore";
    case ItemKind::kRateLimit: return "ratelimit";
    case ItemKind::kShared: return "shared";
    case ItemKind::kTask: return "task";
    case ItemKind::kExternTask: return "extern task";
    case ItemKind::kFlow: return "flow";
  }
  return "?";
}

std::string_view binary_op_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "**";
    case BinaryOp::kBitAnd: return "&";
    case BinaryOp::kBitOr: return "|";
    case BinaryOp::kBitXor: return "^";
    case BinaryOp::kShl: return "<<";
    case BinaryOp::kShr: return ">>";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kIn: return "in";
    case BinaryOp::kNotIn: return "not in";
  }
  return "?";
}

}  // namespace taskc::ast
