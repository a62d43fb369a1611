// Types of the .task language, interned: two equal types are the same object,
// so types compare by pointer. A TypeTable owns every Type it hands out and
// must outlive the IR that points at them.
//
// Not thread-safe; one table per compilation.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "compiler/source/span.hpp"

namespace taskc::ir {

enum class TypeKind {
  kInt,
  kFloat,
  kBool,
  kStr,
  kDuration,
  kVoid,      // what a task without `-> T` returns; never the type of a value
  kList,      // args[0]
  kMap,       // args[0] key (int or str), args[1] value
  kTuple,     // args
  kOptional,  // args[0]
  kResult,    // args[0]: from `gather settle`
  kChannel,   // args[0]
  kRecord,    // record
  kError,     // poison: the type of an expression that already has an error
};

struct Field {
  std::string name;
  const struct Type* type = nullptr;
  source::Span span;
  // `as "user-id"`: its key in JSON, when not its name.
  std::string json_name;

  const std::string& json_key() const { return json_name.empty() ? name : json_name; }
};

// A record type: user-declared (`type Page {…}`) or builtin (HttpResponse,
// HttpRequest, ExecResult, Error).
// Where a record type comes from.
enum class RecordOrigin {
  kProgram,       // a `type` item
  kError,         // the builtin Error record; backends define it like a program's
  kHttpResponse,  // builtin, and the runtime's own type (taskrt::HttpResponse)
  kExecResult,    // builtin, and the runtime's own type (taskrt::ExecResult)
  kHttpRequest,   // builtin, and the runtime's own type (taskrt::HttpRequest): what `serve` hands its handler
};

struct RecordDef {
  std::string name;
  std::vector<Field> fields;
  source::Span span;
  RecordOrigin origin = RecordOrigin::kProgram;

  bool builtin() const { return origin != RecordOrigin::kProgram; }
  // A builtin the runtime defines: backends use its type and field names as they are.
  bool from_runtime() const {
    return origin == RecordOrigin::kHttpResponse || origin == RecordOrigin::kExecResult ||
           origin == RecordOrigin::kHttpRequest;
  }

  const Field* field(std::string_view name) const;
};

// How deeply a type may nest (`list[list[int]]` is 3): the C++ a backend
// writes for a type spells every level, in every name it appears in, so
// compiling grows with the square of the depth.
inline constexpr int kMaxTypeDepth = 16;

struct Type {
  TypeKind kind;
  std::vector<const Type*> args;
  const RecordDef* record = nullptr;
  int depth = 1;  // 1 + the deepest argument's

  bool is(TypeKind k) const { return kind == k; }
  bool is_numeric() const { return kind == TypeKind::kInt || kind == TypeKind::kFloat; }
  bool is_error() const { return kind == TypeKind::kError; }
  const Type* element() const { return args.empty() ? nullptr : args[0]; }
};

// How a type is written in source: `list[str]`, `(int, str)`, `Page?`.
std::string type_name(const Type* type);

// Whether `<` orders values of the type: numbers, bool, str, duration, and
// lists, tuples and program records of those (element by element, field by
// field, as Python compares tuples).
bool is_orderable(const Type* type);
bool is_orderable(const RecordDef& record);

// What keeps a type from being JSON (json_decode, json_encode): null when it
// can be, else the innermost type that cannot (a channel, a result, the
// runtime's HttpResponse or ExecResult).
const Type* json_obstacle(const Type* type);
bool is_json(const RecordDef& record);

class TypeTable {
 public:
  TypeTable();

  const Type* int_type() const { return int_; }
  const Type* float_type() const { return float_; }
  const Type* bool_type() const { return bool_; }
  const Type* str_type() const { return str_; }
  const Type* duration_type() const { return duration_; }
  const Type* void_type() const { return void_; }
  const Type* error_type() const { return error_; }

  const Type* list(const Type* element) { return intern(TypeKind::kList, {element}); }
  const Type* map(const Type* key, const Type* value) { return intern(TypeKind::kMap, {key, value}); }
  const Type* tuple(std::vector<const Type*> elements) { return intern(TypeKind::kTuple, std::move(elements)); }
  const Type* optional(const Type* inner) { return intern(TypeKind::kOptional, {inner}); }
  const Type* result(const Type* value) { return intern(TypeKind::kResult, {value}); }
  const Type* channel(const Type* element) { return intern(TypeKind::kChannel, {element}); }
  const Type* record(const RecordDef* def);

 private:
  const Type* intern(TypeKind kind, std::vector<const Type*> args);

  std::deque<Type> types_;
  std::map<std::pair<TypeKind, std::vector<const Type*>>, const Type*> composite_;
  std::map<const RecordDef*, const Type*> records_;
  const Type* int_;
  const Type* float_;
  const Type* bool_;
  const Type* str_;
  const Type* duration_;
  const Type* void_;
  const Type* error_;
};

}  // namespace taskc::ir
