#include "compiler/ir/ir.hpp"

#include <algorithm>

namespace taskc::ir {
std::string_view error_kind_name(ErrorKind kind) {
  return kErrorKindNames[static_cast<int>(kind)];
}

std::string_view result_part_name(ResultPart part) {
  switch (part) {
    case ResultPart::kOk: return "ok";
    case ResultPart::kValue: return "value";
    case ResultPart::kError: return "error";
    case ResultPart::kKind: return "kind";
  }
  TASKC_UNREACHABLE("a result part without a name");
}

std::optional<ResultPart> find_result_part(std::string_view name) {
  for (ResultPart part : {ResultPart::kOk, ResultPart::kValue, ResultPart::kError, ResultPart::kKind}) {
    if (result_part_name(part) == name) return part;
  }
  return std::nullopt;
}

std::string error_kind_list() {
  std::string out;
  for (int i = 0; i < kErrorKindCount; ++i) {
    if (i > 0) out += i + 1 == kErrorKindCount ? " and " : ", ";
    out += kErrorKindNames[i];
  }
  return out;
}

std::optional<ErrorKind> find_error_kind(std::string_view name) {
  for (int i = 0; i < kErrorKindCount; ++i) {
    if (kErrorKindNames[i] == name) return static_cast<ErrorKind>(i);
  }
  return std::nullopt;
}

std::string_view task_kind_name(TaskKind kind) {
  switch (kind) {
    case TaskKind::kIo: return "io";
    case TaskKind::kCpu: return "cpu";
    case TaskKind::kFlow: return "flow";
  }
  return "?";
}

std::string_view binary_op_text(BinaryOp op) {
  static constexpr std::string_view kText[] = {"+",  "-",  "*", "/",  "%", "**", "&",   "|",  "^",  "<<",    ">>",
                                               "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "not in"};
  return kText[static_cast<int>(op)];
}

std::string_view edge_kind_name(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kData: return "data";
    case EdgeKind::kEffect: return "effect";
    case EdgeKind::kAfter: return "after";
  }
  return "?";
}

const RecordDef* Program::find_record(std::string_view name) const {
  for (const auto& record : records) {
    if (record->name == name) return record.get();
  }
  return nullptr;
}

bool gathers_nothing(const Expr& e) {
  if (e.kind != ExprKind::kGather || e.type->is(TypeKind::kVoid)) return false;
  return std::any_of(e.operands.begin(), e.operands.end(),
                     [](const ExprPtr& call) { return call->type->is(TypeKind::kVoid); });
}

bool operands_suspend(const Expr& e) {
  return std::any_of(e.operands.begin(), e.operands.end(),
                     [](const ExprPtr& operand) { return operand && operand->suspends; });
}

bool contains_return(const Block& block) {
  return std::any_of(block.stmts.begin(), block.stmts.end(), [](const Stmt& s) { return contains_return(s); });
}

bool contains_return(const Stmt& s) {
  if (s.kind == StmtKind::kReturn) return true;
  if (contains_return(s.body) || (s.else_body && contains_return(*s.else_body))) return true;
  return std::any_of(s.catches.begin(), s.catches.end(), [](const Catch& c) { return contains_return(c.body); });
}

}  // namespace taskc::ir
