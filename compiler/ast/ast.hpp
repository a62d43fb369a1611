// The abstract syntax tree of one .task file, as produced by compiler/parse/.
//
// Every node carries the span of the source text it came from. A Module owns
// all of its nodes (children are held by value or unique_ptr); nothing in the
// AST points outside it except spans. The AST is untyped and unresolved: names
// are strings; compiler/check/ resolves them and builds the typed IR.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/span.hpp"

namespace taskc::ast {

// ---------------------------------------------------------------------------
// Types as written: `int`, `list[str]`, `(int, str)`, `Page?`.

struct TypeExpr {
  enum class Kind { kNamed, kTuple, kOptional };
  Kind kind = Kind::kNamed;
  source::Span span;
  // kNamed: the name (`int`, `list`, `Page`); empty otherwise.
  std::string name;
  // kNamed: type arguments (`list[T]` has one); kTuple: the elements;
  // kOptional: exactly one, the inner type.
  std::vector<TypeExpr> args;
};

// ---------------------------------------------------------------------------
// Expressions

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kBitAnd,
  kBitOr,
  kBitXor,
  kShl,
  kShr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kIn,
  kNotIn,
};
enum class UnaryOp { kNegate, kNot, kBitNot };

std::string_view binary_op_text(BinaryOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A binding pattern: `x`, `(a, b)`, or nested, `(i, (word, n))`. A nested
// place has the name `_` in `names` (it binds a value nobody can name) and
// its own pattern in `nested`, which takes that value apart.
struct Pattern {
  source::Span span;
  bool is_tuple = false;
  std::vector<std::string> names;
  std::vector<source::Span> name_spans;
  // Empty when nothing is nested; else one per name, a nested place's with
  // names of its own.
  std::vector<Pattern> nested;
  bool has_nested() const { return !nested.empty(); }
};

// Calls `visit(name, span)` for every name a pattern binds, nested ones
// included, in source order (a nested place's `_` is not one).
template <typename Visit>
void for_each_name(const Pattern& pattern, Visit&& visit) {
  for (std::size_t i = 0; i < pattern.names.size(); ++i) {
    if (pattern.has_nested() && pattern.nested[i].is_tuple) {
      for_each_name(pattern.nested[i], visit);
    } else {
      visit(pattern.names[i], pattern.name_spans[i]);
    }
  }
}

// One piece of a string literal: literal text (escapes already decoded) or an
// interpolated expression, with the format spec after its `:` if it has one
// (`{x:.2f}`: spec ".2f", as written).
struct StringPart {
  std::string text;
  ExprPtr expr;
  std::optional<std::string> spec;
  source::Span spec_span;
};

struct FieldInit {
  std::string name;
  source::Span name_span;
  ExprPtr value;
};

// Expressions use one node type with a kind, like a tagged union; each kind
// documents which fields it uses. Unused fields stay empty.
enum class ExprKind {
  kIntLiteral,       // int_value
  kFloatLiteral,     // float_value
  kDurationLiteral,  // int_value: nanoseconds
  kStringLiteral,    // parts
  kBoolLiteral,      // bool_value
  kNoneLiteral,      //
  kName,             // name
  kCall,             // name (the callee), operands (arguments)
  kChannelNew,       // name ("channel" or a misspelling), type_arg, operands (arguments)
  kField,            // operands[0], name
  kTupleField,       // operands[0], int_value (the element index)
  kIndex,            // operands[0] (the container), operands[1] (the index)
  kUnary,            // unary_op, operands[0]
  kBinary,           // binary_op, operands[0], operands[1]
  kRange,            // operands[0], operands[1], inclusive
  kSlice,            // operands[0] (the list or str), [1] (from, or null), [2] (to, or null), inclusive
  kConditional,      // operands[0] (the condition), [1] (its value when true), [2] (when false)
  kList,             // operands
  kMap,              // operands: key, value, key, value, …
  kTuple,            // operands
  kRecord,           // name, fields
  kGather,           // settle, operands (the concurrent expressions)
  kGatherEach,  // settle, as_completed, operands[0] (the call), pattern, operands[1] (iterable), operands[2] (limit, or
                // null)
  kRaceEach,    // operands[0] (the call), pattern, operands[1] (iterable), operands[2] (limit, or null)
  kRace,        // operands
  kTimeout,     // operands[0] (the work), operands[1] (the duration), operands[2] (else value, or null)
  kTryElse,     // operands[0] (the work), operands[1] (the fallback)
  kKeyFunction,  // pattern => operands[0]: the key of `sorted(xs, x => key)`, `min` and `max`
  kInvalid,      // what the parser reported and could not build; operands: parts checked for errors of their own
};

struct Expr {
  ExprKind kind = ExprKind::kNoneLiteral;
  source::Span span;
  std::int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  bool settle = false;
  bool as_completed = false;  // kGatherEach: `… as completed`
  bool inclusive = false;
  BinaryOp binary_op = BinaryOp::kAdd;
  UnaryOp unary_op = UnaryOp::kNegate;
  std::string name;
  source::Span name_span;
  std::vector<ExprPtr> operands;
  std::vector<StringPart> parts;
  std::vector<FieldInit> fields;
  std::optional<TypeExpr> type_arg;
  Pattern pattern;
};

// ---------------------------------------------------------------------------
// Statements

enum class AssignOp { kSet, kAdd, kSub, kMul, kDiv, kMod };

struct Stmt;

struct Block {
  source::Span span;
  std::vector<Stmt> stmts;
};

// `catch Timeout, IoError { … }` (kinds), `catch e { … }` (one name that is not
// a kind: a binding) or `catch { … }`. The checker decides which a name is.
struct CatchClause {
  source::Span span;
  std::vector<std::string> names;
  std::vector<source::Span> name_spans;
  Block body;
};

enum class StmtKind { kLet, kAssign, kIf, kWhile, kFor, kBreak, kContinue, kReturn, kFail, kWith, kTry, kExpr };

struct Stmt {
  StmtKind kind = StmtKind::kExpr;
  source::Span span;
  // kLet: pattern, declared_type, value, after. kFor: pattern, value (the
  // iterable), body. kAssign: assign_op, target, value. kIf: value (condition),
  // body, else_body (an `else if` is an else_body holding one kIf).
  // kWhile: value, body. kReturn: value (may be null). kFail: value (message).
  // kWith: name, body. kTry: body, catches. kExpr: value.
  Pattern pattern;
  std::optional<TypeExpr> declared_type;
  ExprPtr value;
  ExprPtr target;
  AssignOp assign_op = AssignOp::kSet;
  std::vector<std::string> after;
  std::vector<source::Span> after_spans;
  std::string name;
  source::Span name_span;
  Block body;
  std::optional<Block> else_body;
  std::vector<CatchClause> catches;
};

// ---------------------------------------------------------------------------
// Items

enum class ItemKind { kImport, kUse, kType, kConst, kSemaphore, kRateLimit, kShared, kTask, kExternTask, kFlow };

std::string_view item_kind_name(ItemKind kind);

enum class TaskKind { kIo, kCpu, kFlow };

struct Param {
  std::string name;
  source::Span name_span;
  TypeExpr type;
  // `workers: int = 4`: the default (main's parameters only), or null.
  ExprPtr default_value;
  // A record field's `as "json-name"`, or empty.
  std::string json_name;
  source::Span json_name_span;
};

struct Clause {
  enum class Kind { kUses, kTimeout, kRetry, kInProcess, kBlocking };
  Kind kind = Kind::kUses;
  source::Span span;
  // kUses: the semaphore or rate limit (`uses net, api` is two clauses).
  std::string name;
  source::Span name_span;
  // kUses: permits (may be null: one); kTimeout: duration; kRetry: count.
  ExprPtr value;
  // kRetry: backoff duration (may be null) and the kinds after `on`.
  ExprPtr backoff;
  std::vector<std::string> on_kinds;
  std::vector<source::Span> on_spans;
};

struct Item {
  ItemKind kind = ItemKind::kTask;
  source::Span span;
  // The declared name; for `import` and `use`, the path (quotes removed).
  std::string name;
  source::Span name_span;
  // kType: the fields.
  std::vector<Param> fields;
  // kConst (optional), kShared: the declared type.
  std::optional<TypeExpr> declared_type;
  // kConst, kSemaphore, kShared: the initial value; kRateLimit: the count.
  ExprPtr value;
  // kRateLimit: the period (`10 per 1s`).
  ExprPtr period;
  // kTask, kExternTask, kFlow:
  TaskKind task_kind = TaskKind::kIo;
  std::vector<Param> params;
  std::optional<TypeExpr> result;
  std::vector<Clause> clauses;
  Block body;
  // kExternTask: the C++ function, e.g. "wordstats::stem".
  std::string extern_symbol;
  source::Span extern_span;
};

struct Module {
  source::FileId file = source::kNoFile;
  std::vector<Item> items;
  // False after a syntax error: the parser's recovery may have left out or
  // misread parts, so checking would report errors that are not there. Other
  // errors the parser reports (a bad literal, a method call) leave a
  // kInvalid node and a complete module, and checking goes on.
  bool complete = true;
};

}  // namespace taskc::ast
