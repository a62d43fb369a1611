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

namespace {

bool orderable_within(const Type* type, std::vector<const RecordDef*>& visiting) {
  switch (type->kind) {
    case TypeKind::kInt:
    case TypeKind::kFloat:
    case TypeKind::kBool:
    case TypeKind::kStr:
    case TypeKind::kDuration: return true;
    case TypeKind::kList:
    case TypeKind::kTuple:
      for (const Type* arg : type->args) {
        if (!orderable_within(arg, visiting)) return false;
      }
      return true;
    case TypeKind::kRecord: {
      if (type->record->origin != RecordOrigin::kProgram) return false;
      // A record that holds itself (through a list) orders like the rest.
      if (std::find(visiting.begin(), visiting.end(), type->record) != visiting.end()) return true;
      visiting.push_back(type->record);
      bool all = std::all_of(type->record->fields.begin(), type->record->fields.end(),
                             [&](const Field& field) { return orderable_within(field.type, visiting); });
      visiting.pop_back();
      return all;
    }
    default: return false;
  }
}

const Type* json_obstacle_within(const Type* type, std::vector<const RecordDef*>& visiting) {
  switch (type->kind) {
    case TypeKind::kInt:
    case TypeKind::kFloat:
    case TypeKind::kBool:
    case TypeKind::kStr:
    case TypeKind::kDuration:
    case TypeKind::kError: return nullptr;
    case TypeKind::kList:
    case TypeKind::kMap:
    case TypeKind::kTuple:
    case TypeKind::kOptional:
      for (const Type* arg : type->args) {
        if (const Type* obstacle = json_obstacle_within(arg, visiting)) return obstacle;
      }
      return nullptr;
    case TypeKind::kRecord: {
      const RecordDef* record = type->record;
      if (record->from_runtime()) return type;
      if (std::find(visiting.begin(), visiting.end(), record) != visiting.end()) return nullptr;
      visiting.push_back(record);
      const Type* found = nullptr;
      for (const Field& field : record->fields) {
        if ((found = json_obstacle_within(field.type, visiting))) break;
      }
      visiting.pop_back();
      return found;
    }
    default: return type;
  }
}

}  // namespace

const Type* json_obstacle(const Type* type) {
  std::vector<const RecordDef*> visiting;
  return json_obstacle_within(type, visiting);
}

bool is_json(const RecordDef& record) {
  if (record.from_runtime()) return false;
  std::vector<const RecordDef*> visiting{&record};
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [&](const Field& field) { return json_obstacle_within(field.type, visiting) == nullptr; });
}

bool is_orderable(const Type* type) {
  std::vector<const RecordDef*> visiting;
  return orderable_within(type, visiting);
}

bool is_orderable(const RecordDef& record) {
  if (record.origin != RecordOrigin::kProgram) return false;
  std::vector<const RecordDef*> visiting{&record};
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [&](const Field& field) { return orderable_within(field.type, visiting); });
}

}  // namespace taskc::ir
