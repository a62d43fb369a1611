#include "compiler/ir/types.hpp"

#include <algorithm>

namespace taskc::ir {

const Field* RecordDef::field(std::string_view wanted) const {
  for (const Field& f : fields) {
    if (f.name == wanted) return &f;
  }
  return nullptr;
}

std::string type_name(const Type* type) {
  if (type == nullptr) return "?";
  auto join = [](const std::vector<const Type*>& args) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + type_name(args[i]);
    return out;
  };
  switch (type->kind) {
    case TypeKind::kInt: return "int";
    case TypeKind::kFloat: return "float";
    case TypeKind::kBool: return "bool";
    case TypeKind::kStr: return "str";
    case TypeKind::kDuration: return "duration";
    case TypeKind::kVoid: return "nothing";
    case TypeKind::kList: return "list[" + join(type->args) + "]";
    case TypeKind::kMap: return "map[" + join(type->args) + "]";
    case TypeKind::kTuple: return "(" + join(type->args) + ")";
    case TypeKind::kOptional: return type_name(type->args[0]) + "?";
    case TypeKind::kResult: return "result[" + join(type->args) + "]";
    case TypeKind::kChannel: return "channel[" + join(type->args) + "]";
    case TypeKind::kRecord: return type->record->name;
    case TypeKind::kError: return "<error>";
  }
  return "?";
}

TypeTable::TypeTable() {
  auto make = [this](TypeKind kind) { return &types_.emplace_back(Type{kind, {}, nullptr}); };
  int_ = make(TypeKind::kInt);
  float_ = make(TypeKind::kFloat);
  bool_ = make(TypeKind::kBool);
  str_ = make(TypeKind::kStr);
  duration_ = make(TypeKind::kDuration);
  void_ = make(TypeKind::kVoid);
  error_ = make(TypeKind::kError);
}

const Type* TypeTable::record(const RecordDef* def) {
  auto [it, inserted] = records_.try_emplace(def, nullptr);
  if (inserted) it->second = &types_.emplace_back(Type{TypeKind::kRecord, {}, def});
  return it->second;
}

const Type* TypeTable::intern(TypeKind kind, std::vector<const Type*> args) {
  // A composite of an error is an error: one mistake reports once.
  for (const Type* arg : args) {
    if (arg == nullptr || arg->is_error()) return error_;
  }
  auto key = std::make_pair(kind, args);
  auto [it, inserted] = composite_.try_emplace(key, nullptr);
  if (inserted) {
    int depth = 1;
    for (const Type* arg : args) depth = std::max(depth, arg->depth + 1);
    it->second = &types_.emplace_back(Type{kind, std::move(args), nullptr, depth});
  }
  return it->second;
}

}  // namespace taskc::ir
