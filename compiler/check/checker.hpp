// Checker: the state of one run of check(). Internal to compiler/check/; its
// member functions are split by concern across items.cpp (declarations and
// clauses), type_syntax.cpp, exprs.cpp, builtins.cpp, stmts.cpp and flows.cpp.
//
// Single-threaded; lives for one call of check().
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compiler/check/check.hpp"

namespace taskc::check {

// What a top-level name refers to.
struct Symbol {
  enum class Kind { kRecord, kConst, kSemaphore, kRateLimit, kShared, kTask };
  Kind kind;
  std::uint32_t index;
  source::Span span;
  const ast::Item* item;
};

// A local name in scope. `narrowed` is set inside `if x != none { … }`, where
// an optional local reads as its inner type.
struct LocalBinding {
  ir::LocalId id;
  const ir::Type* narrowed = nullptr;
  // Put in this scope by a guard (`if x == none { return }`) for a local
  // declared in an outer one, which a `let` here may still shadow.
  bool guard_only = false;
};

// A new IR expression of `kind`, its operands to add.
ir::ExprPtr make(ir::ExprKind kind, const ir::Type* type, source::Span span);

// The path of a place that is a local or a field of one ("p", "p.tags",
// "p.owner.email"); empty for any other expression (narrowing.cpp).
std::string place_path(const ast::Expr& e);

class Checker {
 public:
  Checker(const source::SourceMap& sources, diag::DiagnosticSink& sink);

  std::unique_ptr<ir::Program> run(const std::vector<const ast::Module*>& modules);

 private:
  // --- items.cpp --------------------------------------------------------------
  void declare(const ast::Item& item);
  void declare_builtin_records();
  void define_record(const ast::Item& item, ir::RecordDef& record);
  void check_const(const ast::Item& item, ir::Const& constant);
  void check_semaphore(const ast::Item& item, ir::Semaphore& semaphore);
  void check_rate_limit(const ast::Item& item, ir::RateLimit& rate_limit);
  // `uses NAME [n]` of a task: a semaphore or a rate limit.
  void check_uses(const ast::Item& item, const ast::Clause& clause, ir::Task& task);
  void check_shared(const ast::Item& item, ir::Shared& shared);
  void check_signature(const ast::Item& item, ir::Task& task);
  void check_clauses(const ast::Item& item, ir::Task& task);
  void check_task_body(const ast::Item& item, ir::Task& task);
  void check_option_default(const ast::Item& item, const ast::Expr& value, ir::Param& param);
  void check_main(const ast::Item& item, ir::Task& task);
  // Declares a task's parameters as its first locals.
  void declare_params(ir::Task& task);
  std::optional<std::int64_t> constant_int(const ast::Expr& expr, std::string_view what);
  std::optional<std::int64_t> constant_duration(const ast::Expr& expr, std::string_view what);
  const Symbol* find_symbol(std::string_view name) const;

  // --- type_syntax.cpp --------------------------------------------------------
  // A type as written; past ir::kMaxTypeDepth, a diagnostic and the error type.
  const ir::Type* resolve_type(const ast::TypeExpr& type);
  const ir::Type* resolve_type_of_kind(const ast::TypeExpr& type);
  bool is_serializable(const ir::Type* type) const;

  // --- exprs.cpp --------------------------------------------------------------
  // Checks `expr`; `expected` (may be null) guides literals such as `[]`,
  // `{}` and `none`. The result may still differ from `expected`: use coerce.
  // Any expression; one whose type nests past ir::kMaxTypeDepth is an error.
  ir::ExprPtr expr(const ast::Expr& expr, const ir::Type* expected = nullptr);
  ir::ExprPtr expr_of_kind(const ast::Expr& expr, const ir::Type* expected);
  // Converts to `expected` (T to T?, int to float where allowed) or reports a
  // mismatch that names `context`.
  ir::ExprPtr coerce(ir::ExprPtr value, const ir::Type* expected, std::string_view context);
  // expr() then coerce().
  ir::ExprPtr expr_as(const ast::Expr& expr, const ir::Type* expected, std::string_view context);
  ir::ExprPtr name_ref(const ast::Expr& expr);
  ir::ExprPtr call(const ast::Expr& expr, const ir::Type* expected);
  ir::ExprPtr task_call(const ast::Expr& expr, const Symbol& symbol);
  ir::ExprPtr binary(const ast::Expr& expr);
  ir::ExprPtr arithmetic(ir::BinaryOp op, ir::ExprPtr left, ir::ExprPtr right, source::Span span, source::Span op_span);
  ir::ExprPtr field(const ast::Expr& expr);
  ir::ExprPtr index(const ast::Expr& expr);
  // Format specs (format_specs.cpp).
  void check_format_spec(std::string_view spec, source::Span span, const ir::Type* type,
                         const ir::Expr* value = nullptr);
  // E0221: a send or recv in a race's competitor, which the race could drop.
  void refuse_channel_operations(const ir::Expr& competitor);
  // An int becoming a float where a float is needed (`a / b * 100.0`): the
  // conversion, with a warning (E0220) when the int is a quotient of ints,
  // already rounded toward zero, which Python users read as a fraction.
  ir::ExprPtr int_to_float(ir::ExprPtr value);
  void warn_int_quotient(const ir::Expr& value);
  // A literal pattern, and a literal replacement or null (E0218).
  void check_regex(const ir::Expr& pattern, const ir::Expr* replacement);
  // json_decode[T](text); and whether `type` can be JSON (E0219 if not).
  ir::ExprPtr json_decode(const ast::Expr& node);
  bool require_json(const ir::Type* type, source::Span span);
  // send, recv and close: anywhere but in `in process` tasks (E0304).
  void require_channel_place(const ir::BuiltinInfo& info, source::Span span);
  // Set by a `for` whose iterable is a `gather … as completed`, for that gather.
  bool completed_iterable_ = false;
  ir::ExprPtr formatted(ir::ExprPtr value, const std::string& spec, source::Span spec_span);
  ir::ExprPtr slice(const ast::Expr& expr);
  ir::ExprPtr conditional(const ast::Expr& expr, const ir::Type* expected);
  ir::ExprPtr literal_collection(const ast::Expr& expr, const ir::Type* expected);
  ir::ExprPtr record_literal(const ast::Expr& expr);
  ir::ExprPtr concurrency(const ast::Expr& expr, const ir::Type* expected);
  ir::ExprPtr error_expr(source::Span span);
  // The element type that `for` or `gather … for` binds for `iterable`.
  std::optional<ir::ForKind> iteration(const ir::Type* iterable, std::size_t pattern_size,
                                       std::vector<const ir::Type*>& bound, source::Span span);

  // --- builtins.cpp -----------------------------------------------------------
  ir::ExprPtr key_function(const ast::Expr& node, const ir::Type* list);
  // serve(addr, handler): the handler is a task's name, not a value.
  ir::ExprPtr serve_call(const ast::Expr& node);
  // The first part of `e` that waits (a task call, a suspending builtin, a construct), or null.
  static const ir::Expr* first_wait(const ir::Expr& e);
  void require_place_argument(const ir::Expr& argument, std::string_view builtin, std::string_view what);
  ir::ExprPtr builtin_call(const ast::Expr& expr, const ir::BuiltinInfo& info, const ir::Type* expected);
  void require_place(const ir::BuiltinInfo& info, source::Span span);

  // --- stmts.cpp --------------------------------------------------------------
  ir::Block block(const ast::Block& block);
  ir::Stmt stmt(const ast::Stmt& stmt);
  ir::Stmt let(const ast::Stmt& stmt);
  // `if`, narrowing an optional its condition tests against none.
  ir::Stmt if_stmt(const ast::Stmt& stmt);
  bool assigns_undeclared(const ast::Expr& target) const;
  ir::Stmt assign(const ast::Stmt& stmt);
  ir::Stmt for_loop(const ast::Stmt& stmt);
  ir::Stmt try_stmt(const ast::Stmt& stmt);
  ir::Stmt with(const ast::Stmt& stmt);
  ir::Stmt ret(const ast::Stmt& stmt);
  bool always_returns(const ir::Block& block) const;
  // Whether control never reaches the end of `block`: it returns, fails,
  // breaks or continues on every path.
  bool never_falls_through(const ir::Block& block) const;
  // The walk behind both: every path returns or fails, or (with
  // `by_loop_exits`) also breaks or continues the loop around the block.
  bool always_leaves(const ir::Block& block, bool by_loop_exits) const;
  // `if x == none { return }`: below the `if`, x reads as its inner type.
  void narrow_after(const ast::Stmt& node, const ir::Stmt& checked);
  // Opens a scope where the optional locals that `condition` shows to hold a
  // value, when it is `holds`, read as their inner types (narrowing.cpp);
  // pop_scope() closes it.
  void push_narrowed_scope(const ast::Expr& condition, bool holds);
  // The local a place's path ("p.tags") starts from, and the place's type
  // there; none if it names no place of a local.
  struct PlaceType {
    ir::LocalId local;
    const ir::Type* type;
  };
  std::optional<PlaceType> place_type(const std::string& path) const;
  // The inner type of a field narrowed here (`p.tags` inside `if p.tags !=
  // none`), or null.
  const ir::Type* narrowed_field(const std::string& path) const;
  // A narrowed field under `path` ("p.tags" under "p"), or empty.
  std::string narrowed_below(const std::string& path) const;
  // Declares a local in the innermost scope; reports duplicates.
  // The name that binds nothing: `let (_, b) = …`.
  static constexpr std::string_view kDiscard = "_";
  ir::LocalId declare_local(const std::string& name, const ir::Type* type, source::Span span, bool is_mutable);
  void discard_nothing(const ast::Stmt& node, ir::Stmt& out, const ir::Type* type);
  // `(i, (word, n))`: each nested place of a pattern was bound to a local of
  // its own, `places` (one per name); these lets take those apart, in order,
  // declaring the nested names. They go where the pattern's names are bound.
  std::vector<ir::Stmt> unpack_nested(const ast::Pattern& pattern, const std::vector<ir::LocalId>& places,
                                      bool is_mutable);
  // A nested pattern where its parts cannot be bound yet: reported, and its
  // names declared (in the current scope) without a type.
  void refuse_nested(const ast::Pattern& pattern, std::string_view where);
  // The lets that take apart the last `let`'s nested places, for its block.
  std::vector<ir::Stmt> take_unpacks() { return std::exchange(unpacks_, {}); }
  // Reports a write to `target` when it is a shared value outside its `with`,
  // or a constant.
  void check_writable(const ir::Expr& target, source::Span span);
  void push_scope() { scopes_.emplace_back(); }
  void pop_scope() { scopes_.pop_back(); }
  const LocalBinding* find_local(std::string_view name) const;

  // --- flows.cpp --------------------------------------------------------------
  // Checks a flow's statements and builds its graph (ir::Task::graph).
  void check_flow_body(const ast::Item& item, ir::Task& task);

  // --- suspends.cpp -----------------------------------------------------------
  // Sets ir::Expr::suspends on every expression of the checked program.
  void mark_suspends();

  // --- reporting helpers (checker.cpp) ----------------------------------------
  diag::Diagnostic& error(diag::Code code, source::Span span, std::string message);
  diag::Diagnostic& warning(diag::Code code, source::Span span, std::string message);
  void mismatch(source::Span span, const ir::Type* expected, const ir::Type* found, std::string_view context);
  // "did you mean `fetch`?" from the names in scope, or empty.
  std::string suggestion(std::string_view name) const;
  // Suggestions still to compute (see suggestion()).
  static constexpr int kMaxSuggestions = 100;
  mutable int suggestions_left_ = kMaxSuggestions;
  std::string_view source_text(source::Span span) const;

  const source::SourceMap& sources_;
  diag::DiagnosticSink& sink_;
  std::unique_ptr<ir::Program> program_;
  ir::TypeTable* types_ = nullptr;
  std::map<std::string, Symbol, std::less<>> symbols_;
  const ir::RecordDef* error_record_ = nullptr;
  const ir::RecordDef* http_response_record_ = nullptr;
  const ir::RecordDef* exec_result_record_ = nullptr;
  const ir::RecordDef* http_request_record_ = nullptr;

  // The task being checked and where we are inside it.
  ir::Task* task_ = nullptr;
  std::vector<std::map<std::string, LocalBinding, std::less<>>> scopes_;
  int loop_depth_ = 0;
  // Shared values whose `with` encloses the current statement.
  std::vector<ir::SharedId> held_shared_;
  std::vector<ir::Stmt> unpacks_;  // see take_unpacks
  // In a flow: the top-level `let`s not yet reached, for use-before-definition.
  std::map<std::string, source::Span, std::less<>> later_flow_lets_;
};

}  // namespace taskc::check
