// The task-graph IR: a checked, typed, resolved program. Every backend (C++,
// graph drawing) reads only this, never the AST.
//
// Ownership: a Program owns everything in it, including its TypeTable and
// records; Types and RecordDefs are referenced by pointer and live as long as
// the Program. Names are resolved to typed indexes: a LocalId indexes the
// enclosing task's `locals`, a TaskId the Program's `tasks`, and so on; an
// expression's payload holds the one fact of its kind (Expr::as<T>()).
// Every fact a backend needs is here, typed: no backend compares names.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "compiler/ir/builtins.hpp"
#include "compiler/ir/types.hpp"
#include "compiler/source/span.hpp"
#include "compiler/support/check.hpp"

namespace taskc::ir {

// A typed index: a LocalId cannot index the tasks.
template <class Tag>
struct Id {
  std::uint32_t index = 0;
  friend auto operator<=>(const Id&, const Id&) = default;
};
using LocalId = Id<struct LocalTag>;
using TaskId = Id<struct TaskTag>;
using ConstId = Id<struct ConstTag>;
using SharedId = Id<struct SharedTag>;
using SemaphoreId = Id<struct SemaphoreTag>;
using RateLimitId = Id<struct RateLimitTag>;
// A record's field, and a tuple's element, by position.
using FieldIndex = Id<struct FieldTag>;
using ElementIndex = Id<struct ElementTag>;

// The kinds of error a task can fail with (§10 of the language): the
// runtime's list, so the two cannot disagree.
enum class ErrorKind : std::uint8_t {
#define TASKRT_ERROR_KIND(name) k##name,
#include "taskrt/error_kinds.def"
#undef TASKRT_ERROR_KIND
};
inline constexpr std::string_view kErrorKindNames[] = {
#define TASKRT_ERROR_KIND(name) #name,
#include "taskrt/error_kinds.def"
#undef TASKRT_ERROR_KIND
};
inline constexpr int kErrorKindCount = static_cast<int>(std::size(kErrorKindNames));
std::string_view error_kind_name(ErrorKind kind);
// "Timeout, Cancelled, … and Arithmetic", for diagnostics.
std::string error_kind_list();
std::optional<ErrorKind> find_error_kind(std::string_view name);

// A set of error kinds as a bit mask; 0 means "every kind" where a set is a filter.
using ErrorKindSet = std::uint32_t;
inline constexpr ErrorKindSet bit(ErrorKind kind) {
  return 1u << static_cast<unsigned>(kind);
}

enum class TaskKind { kIo, kCpu, kFlow };
std::string_view task_kind_name(TaskKind kind);

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

// The parts of a result[T] (§10): `r.ok`, `r.value`, `r.error`, `r.kind`.
enum class ResultPart { kOk, kValue, kError, kKind };
std::string_view result_part_name(ResultPart part);
std::optional<ResultPart> find_result_part(std::string_view name);

// Nanoseconds, the payload of a duration literal.
struct Nanoseconds {
  std::int64_t count = 0;
};

enum class ExprKind {
  kIntLiteral,       // payload: std::int64_t
  kFloatLiteral,     // payload: double
  kBoolLiteral,      // payload: bool
  kStrLiteral,       // payload: std::string
  kDurationLiteral,  // payload: Nanoseconds
  kNoneLiteral,      // type is the optional it stands for
  kInterpolation,    // operands: the pieces, each a str literal or a value to format as print does
  kLocal,            // payload: LocalId
  kConst,            // payload: ConstId
  kShared,           // payload: SharedId
  kCallTask,         // payload: TaskId; operands: arguments
  kCallBuiltin,      // payload: Builtin; operands: arguments
  kNewChannel,       // operands[0]: capacity; type: channel[T]
  kField,            // operands[0]: record; payload: FieldIndex
  kResultField,      // operands[0]: result[T]; payload: ResultPart
  kTupleElement,     // operands[0]: tuple; payload: ElementIndex
  kIndex,            // operands[0]: list or map; operands[1]: index or key
  kUnary,            // payload: UnaryOp; operands[0]
  kBinary,           // payload: BinaryOp; operands[0], operands[1] (types already converted)
  kRange,            // operands[0], operands[1], inclusive; type list[int]
  kSlice,            // operands[0]: list or str, [1]: from or null, [2]: to or null; inclusive
  kConditional,      // operands[0]: condition, [1]: value if true, [2]: value if false (same type)
  kKeyFunction,      // operands[0]: the key, computed from `bindings` (an element); type: the key's
  kList,             // operands
  kMap,              // operands: key, value, key, value, …
  kTuple,            // operands
  kRecord,           // operands: one per field, in declaration order
  kGather,           // settle; operands: the concurrent expressions; type: tuple, or void
  kGatherEach,       // settle; operands[0]: body (reads `bindings`), [1]: iterable, [2]: limit or null
  kRaceEach,         // as kGatherEach: the first call to succeed
  kRace,             // operands: the competitors
  kTimeout,          // operands[0]: work, [1]: duration, [2]: else value or null
  kTryElse,          // operands[0]: work, [1]: fallback
  kServe,            // operands[0]: the address; [1]: the handler's call, reading bindings[0] (the request)
  kToFloat,          // operands[0]: an int, promoted in arithmetic
  kWrapOptional,     // operands[0]: a T where a T? is expected
  kUnwrapOptional,   // operands[0]: a T? known not to be none (narrowed by `if x != none`)
  kNoneAfter,        // operands[0]: work that returns nothing; then none, of the optional type (a race's competitor)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// The one fact an expression of a kind carries (see ExprKind).
using ExprPayload = std::variant<std::monostate, std::int64_t, double, bool, std::string, Nanoseconds, LocalId, ConstId,
                                 SharedId, TaskId, FieldIndex, ElementIndex, ResultPart, Builtin, BinaryOp, UnaryOp>;

struct Expr {
  ExprKind kind = ExprKind::kNoneLiteral;
  const Type* type = nullptr;
  source::Span span;
  ExprPayload payload;
  // kGather and kGatherEach: settle instead of failing fast.
  bool settle = false;
  // kRange and kSlice: a..=b.
  bool inclusive = false;
  std::vector<ExprPtr> operands;
  // kGatherEach and kKeyFunction: the locals bound by the pattern, per element.
  std::vector<LocalId> bindings;
  // Evaluating it waits for something (a task call, a suspending builtin, a
  // concurrent form), here or in an operand. Set by the checker.
  bool suspends = false;

  // The payload, which must be a T: a mismatch is a compiler bug.
  template <class T>
  const T& as() const {
    const T* value = std::get_if<T>(&payload);
    TASKC_CHECK(value != nullptr, "an IR expression's payload is not of the type its kind has");
    return *value;
  }
  bool is_builtin(Builtin builtin) const { return kind == ExprKind::kCallBuiltin && as<Builtin>() == builtin; }
};

// ---------------------------------------------------------------------------
// Statements

enum class AssignOp { kSet, kAdd, kSub, kMul, kDiv, kMod };

// How a `for` walks its iterable.
// kCompleted: `for x in gather … as completed`; the value is the kGatherEach,
// whose results the body gets as they complete.
enum class ForKind { kList, kRange, kMapKeys, kMapPairs, kChannel, kCompleted };

struct Stmt;

struct Block {
  std::vector<Stmt> stmts;
};

struct Catch {
  source::Span span;
  // The kinds this clause catches; 0 catches every kind.
  ErrorKindSet kinds = 0;
  // `catch e { … }`: the local holding the error (an Error record).
  std::optional<LocalId> binding;
  Block body;
};

enum class StmtKind {
  kLet,     // bindings (more than one: tuple destructuring), value
  kAssign,  // target, assign_op, value
  kIf,      // value (condition), body, else_body
  kWhile,   // value, body
  kFor,     // for_kind, bindings, value (iterable), body
  kBreak,
  kContinue,
  kReturn,         // value or null
  kFail,           // value: the message (str)
  kWithSemaphore,  // semaphore, body
  kWithRateLimit,  // rate_limit, body
  kWithShared,     // shared, body
  kTry,            // body, catches
  kExpr,           // value
};

struct Stmt {
  StmtKind kind = StmtKind::kExpr;
  source::Span span;
  std::vector<LocalId> bindings;
  ExprPtr value;
  ExprPtr target;
  AssignOp assign_op = AssignOp::kSet;
  ForKind for_kind = ForKind::kList;
  SemaphoreId semaphore;
  RateLimitId rate_limit;
  SharedId shared;
  Block body;
  std::optional<Block> else_body;
  std::vector<Catch> catches;
};

// Whether a `return` is anywhere inside (nested statements included).
bool contains_return(const Block& block);
bool contains_return(const Stmt& stmt);

// Whether computing an operand of `e` (a call's arguments) waits: calls a
// task, sleeps… (the checker's `suspends`). Then only a coroutine computes them.
bool operands_suspend(const Expr& e);

// Whether `e` is a `gather(…)` some of whose calls return nothing beside
// calls that return values: its value holds only theirs (language.md §9).
bool gathers_nothing(const Expr& e);

// ---------------------------------------------------------------------------
// Flows: each top-level statement of a flow is a node of a graph.

enum class EdgeKind {
  kData,    // the node reads a value the other node defines or changes
  kEffect,  // the other node is an effect written above this one: source order
  kAfter,   // `let x = e after y`
};
std::string_view edge_kind_name(EdgeKind kind);

struct Edge {
  std::uint32_t from = 0;
  EdgeKind kind = EdgeKind::kData;
  // For data and after edges, the variable that carries the dependency.
  std::string via;
};

struct FlowNode {
  std::uint32_t id = 0;
  Stmt stmt;
  // Edges from the nodes this one waits for; `from` is always a smaller id.
  std::vector<Edge> deps;
  // A short description for graph drawings: `let pages = gather fetch(…)`.
  std::string label;
  // The tasks this node calls directly, for labelling with their kinds.
  std::vector<TaskId> calls;
  bool is_effect = false;
};

struct FlowGraph {
  std::vector<FlowNode> nodes;
};

// ---------------------------------------------------------------------------
// Items

struct Local {
  std::string name;
  const Type* type = nullptr;
  source::Span span;
  bool is_mutable = true;
};

struct Param {
  std::string name;
  const Type* type = nullptr;
  LocalId local;
  source::Span span;
  // main's parameters with a default are command-line options: the default
  // as the command line would give it ("4", "250000000ns"), and as written.
  std::optional<std::string> option_default;
  std::string default_source;
  // main's parameters: the comment that ends the parameter's line, which
  // --help shows beside it.
  std::string doc = {};
};

struct Retry {
  // Attempts after the first.
  std::int64_t extra_attempts = 0;
  std::int64_t backoff_ns = 0;
  // 0: every kind but Cancelled.
  ErrorKindSet on = 0;
};

struct Task {
  std::string name;
  TaskKind kind = TaskKind::kIo;
  source::Span span;
  // main: --help's description, the comment lines right above `flow main`
  // (or, without them, the file it was built from).
  std::string doc;
  bool is_extern = false;
  bool blocking = false;
  bool in_process = false;
  std::string extern_symbol;
  std::vector<Param> params;
  const Type* result = nullptr;
  // `uses S n`
  std::optional<SemaphoreId> semaphore;
  std::int64_t permits = 1;
  // `uses api` (a call takes a token first)
  std::optional<RateLimitId> rate_limit;
  std::optional<std::int64_t> timeout_ns;
  std::optional<Retry> retry;
  std::vector<Local> locals;
  // Tasks with a body; empty for extern tasks and flows.
  Block body;
  // Flows only.
  FlowGraph graph;

  const Local& local(LocalId id) const { return locals[id.index]; }
};

struct Const {
  std::string name;
  const Type* type = nullptr;
  ExprPtr value;
  source::Span span;
};

struct Semaphore {
  std::string name;
  std::int64_t permits = 1;
  source::Span span;
};

// `ratelimit api = 10 per 1s`
struct RateLimit {
  std::string name;
  std::int64_t count = 1;
  std::int64_t period_ns = 1'000'000'000;
  source::Span span;
};

struct Shared {
  std::string name;
  const Type* type = nullptr;
  ExprPtr init;
  source::Span span;
};

struct Program {
  // The file the program was compiled from (not one it `use`s).
  source::FileId root_file = source::kNoFile;
  std::unique_ptr<TypeTable> types = std::make_unique<TypeTable>();
  // C++ headers from `import`, in order of first appearance.
  std::vector<std::string> imports;
  // Every record type: the builtin ones first, then the program's.
  std::vector<std::unique_ptr<RecordDef>> records;
  std::vector<Const> consts;
  std::vector<Semaphore> semaphores;
  std::vector<RateLimit> rate_limits;
  std::vector<Shared> shared;
  std::vector<Task> tasks;
  // `flow main`, if the program has one.
  std::optional<TaskId> main;
  // Some task calls `serve`: the program takes the server's options.
  bool serves = false;

  const RecordDef* find_record(std::string_view name) const;
  const Task& task(TaskId id) const { return tasks[id.index]; }
  const Const& constant(ConstId id) const { return consts[id.index]; }
  const Shared& shared_value(SharedId id) const { return shared[id.index]; }
  const Semaphore& semaphore(SemaphoreId id) const { return semaphores[id.index]; }
  const RateLimit& rate_limit(RateLimitId id) const { return rate_limits[id.index]; }
};

}  // namespace taskc::ir
