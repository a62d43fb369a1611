// CppEmitter: the state of one run of emit_cpp(). Internal to codegen/cpp/;
// split by concern across names.cpp (types, identifiers, literals), exprs.cpp,
// stmts.cpp and program.cpp (records, tasks, flows, main).
//
// Single-threaded; lives for one call of emit_cpp().
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compiler/codegen/cpp/emit_cpp.hpp"
#include "compiler/codegen/cpp/identifiers.hpp"
#include "compiler/codegen/cpp/printer.hpp"
#include "compiler/ir/wait_sites.hpp"
#include "compiler/support/check.hpp"

namespace taskc::codegen {

class CppEmitter {
 public:
  CppEmitter(const ir::Program& program, const source::SourceMap& sources, const CppOptions& options);

  CppCode run();

 private:
  // --- names.cpp ---------------------------------------------------------------
  std::string type(const ir::Type* type) const;
  // The C++ name of a program-level name (task, record, const, semaphore, shared value).
  static std::string identifier(const std::string& name);
  // The C++ name of a local or parameter: never one of the program-level
  // names, which it would hide.
  std::string local_identifier(const std::string& name) const;
  std::string field_identifier(const ir::RecordDef& record, const std::string& field) const;
  // The inside of a C string literal: `"` and `\` escaped, control characters octal.
  static std::string escaped(std::string_view text);
  static std::string string_literal(const std::string& value);
  // The same text where a std::string_view (or const char*) is enough: "type".
  static std::string string_view_literal(const std::string& value);
  static std::string float_literal(double value);
  // A non-negative duration as a chrono literal (`using namespace std::chrono_literals`).
  static std::string duration_literal(std::int64_t nanoseconds);
  // `taskrt::kind_bit(taskrt::ErrorKind::kTimeout) | …` for a non-empty set.
  static std::string error_kind_set(ir::ErrorKindSet kinds);
  std::string line_directive(source::Span span) const;

  // --- exprs.cpp ---------------------------------------------------------------
  // A C++ expression for `e`. Statements it needs first (closures for
  // concurrent forms) go to the prelude of the statement being emitted.
  std::string expr(const ir::Expr& e);
  std::string expr_text(const ir::Expr& e);
  // Whether a value may be computed by a statement of the prelude (not at
  // namespace scope).
  bool can_spill() const { return no_spill_ == 0; }
  // Lists and maps of more elements than this are built by statements.
  static constexpr std::size_t kLargeLiteral = 32;
  static constexpr int kSpillDepth = 32;
  std::string large_literal(const ir::Expr& e);
  // A literal as an element of a static table, and the table's element type.
  std::string table_literal(const ir::Expr& e);
  std::string table_type(const ir::Type* t) const;
  // A C++ expression of type taskrt::Task<T> that runs `e` when awaited:
  // everything `e` computes (a call's arguments too) runs in that task,
  // except the plain values a call takes at once.
  std::string task_of(const ir::Expr& e);
  std::string call_task(const ir::Expr& e, bool await);
  // The `else` value of timeout and try: a lambda the runtime calls only then.
  std::string fallback(const ir::Expr& e);
  // `e` where it may run only sometimes (the right side of and/or): its
  // prelude, if it needs one, goes into a lambda called in its place.
  std::string when_needed(const ir::Expr& e);
  // A Task wrapping an awaitable blocking call, for the concurrent forms.
  std::string task_of_blocking(const std::string& awaitable, const ir::Task& callee);
  std::string key_function(const ir::Expr& e);
  std::string builtin(const ir::Expr& e);
  std::string binary(const ir::Expr& e);
  // `left op right` with the language's semantics for these operand types.
  std::string operation(ir::BinaryOp op, const ir::Type* left_type, const ir::Type* right_type, const ir::Type* result,
                        const std::string& left, const std::string& right);
  std::string arguments(const ir::Expr& e, std::size_t first = 0);
  // A name for a temporary. It ends in `_`, which no user name does in C++
  // (identifiers.hpp).
  std::string fresh(std::string_view stem) { return std::string(stem) + "_" + std::to_string(++counter_) + "_"; }

  // --- stmts.cpp ---------------------------------------------------------------
  void block(const ir::Block& block);
  void stmt(const ir::Stmt& s);
  void if_chain(const ir::Stmt& first);
  // Prints the prelude collected while lowering a statement's expressions.
  void flush_prelude();
  void let(const ir::Stmt& s);
  void assign(const ir::Stmt& s);
  // The bounds of a..b, a..=b and range(…), which loops and gathers walk
  // without building a list; nullopt for any other expression.
  struct IntBounds {
    std::string start;
    std::string end;
    bool inclusive;
  };
  std::optional<IntBounds> int_range(const ir::Expr& e);
  void for_body(const ir::Stmt& s, const std::string& token);
  // Whether a `for` over a collection may walk it without a copy: it is a
  // variable, and the loop's body does not change it.
  static bool walks_in_place(const ir::Stmt& loop);
  void for_loop(const ir::Stmt& s);
  void try_stmt(const ir::Stmt& s);
  void with_shared(const ir::Stmt& s);
  std::string local(ir::LocalId id) const;
  // Declares a local in the current C++ scope and returns its C++ name: its
  // own, unless a local of that name is visible here, which it shadows in
  // .task. C++ would read `int x = x + 1` as the new x, and rejects a loop
  // variable declared again in the loop's body, so it gets `<name>_s<N>_`.
  std::string declare(ir::LocalId id);
  // Collects the prelude of the expressions lowered during its lifetime apart
  // from the enclosing one (which it restores), for code that runs elsewhere:
  // inside a lambda, or only when needed.
  class PreludeScope {
   public:
    explicit PreludeScope(CppEmitter& emitter) : emitter_(emitter), outer_(std::move(emitter.prelude_)) {
      emitter_.prelude_.clear();
    }
    ~PreludeScope() { emitter_.prelude_ = std::move(outer_); }
    PreludeScope(const PreludeScope&) = delete;
    PreludeScope& operator=(const PreludeScope&) = delete;
    // The statements collected so far.
    std::vector<std::string> take() { return std::exchange(emitter_.prelude_, {}); }

   private:
    CppEmitter& emitter_;
    std::vector<std::string> outer_;
  };
  // `head {` + the statements, one per line and indented + `}`: a lambda body
  // written as a person would, whatever its size.
  static std::string braced(std::string_view head, const std::vector<std::string>& statements,
                            std::string_view tail = "");
  // A C++ scope for the lifetime of the guard: the locals declared in it.
  class LocalScope {
   public:
    explicit LocalScope(CppEmitter& emitter) : emitter_(emitter) { emitter_.scopes_.emplace_back(); }
    ~LocalScope() { emitter_.scopes_.pop_back(); }
    LocalScope(const LocalScope&) = delete;
    LocalScope& operator=(const LocalScope&) = delete;

   private:
    CppEmitter& emitter_;
  };
  // `gather f(x) for x in xs [limit n]` and its kin: the element lambda
  // (added to the prelude), the iterable, the limit and a label for --progress.
  // `callee`: set when each call is of a plain cpu task (no clauses, not
  // extern, not in process); `element` then gives the call's arguments as a
  // tuple, and the runtime makes each call only when it starts.
  struct EachCall {
    std::string iterable;
    std::string element;
    std::string limit;
    std::string label;
    std::string callee;
    bool in_process = false;  // the callee runs `in process`
  };
  // `arguments_only`: allow the plain-cpu-call form (a gather; not a race
  // or a work queue).
  EachCall each_call(const ir::Expr& e, bool arguments_only = false);
  // Whether `body` is a call of a cpu task whose task the runtime may make
  // only as the call starts (CallChildren): no clauses, not extern, not
  // blocking, no argument that waits; on the CPU pool, or `in process`.
  bool plain_cpu_call(const ir::Expr& body) const;
  // Defines `name` in the prelude: a lambda from `param` to a tuple of the
  // arguments of `call` (after `statements`).
  void arguments_lambda(const std::string& name, const std::string& param, const ir::Expr& call,
                        std::vector<std::string> statements);
  // Defines `name` in the prelude: a lambda from `param` to the Task of
  // `body` (after `statements`). A direct task call copies its arguments into
  // its task, so the lambda is plain; anything else (a blocking task's call,
  // a call whose arguments wait, an expression) becomes a coroutine lambda.
  // Returns whether it was direct.
  bool task_lambda(const std::string& name, const std::string& param, const ir::Expr& body,
                   std::vector<std::string> statements);
  // serve(addr, handler): the handler's call as a lambda from the request.
  std::string serve(const ir::Expr& e);
  // `for x in gather … as completed { … }`.
  void completed_loop(const ir::Stmt& s);
  // `return` and `return value` (the C++ expression; empty: none), wherever
  // it is: a plain co_return, or through the return exits below.
  void return_stmt(const std::string& value);
  // Prints the binding of the task's stop token before a loop; returns its name.
  std::string loop_stop_token();
  void loop_body(const ir::Block& body);
  void store_shared_left(std::size_t depth);
  std::string cancellation_check(const std::string& token) const;

  // --- program.cpp -------------------------------------------------------------
  void records(Printer& out);
  void globals(Printer& header, Printer& source);
  std::string signature(const ir::Task& task, std::string_view name_suffix = "",
                        std::string_view extra_param = "") const;
  // Makes `task` the one being lowered, its parameters declared.
  void begin_task(const ir::Task& task);
  void task_definition(const ir::Task& task);
  void task_body(const ir::Task& task);
  void task_sites(Printer& source);
  bool has_process_tasks() const;
  // json_read and json_write for a record (only in programs that use JSON).
  void json_functions(Printer& out, const ir::RecordDef& record);
  // "  uses net  timeout 2s", for the comment above a task.
  std::string describe_clauses(const ir::Task& task) const;
  // The `with_clauses` call that applies a task's uses/timeout/retry.
  void clauses_wrapper(const ir::Task& task);
  // An `in process` task: its body for the worker, the caller's side, their
  // numbers and the table workers dispatch on.
  void process_task_definition(const ir::Task& task);
  void process_task_numbers(Printer& source);
  void process_task_table(Printer& source);
  // run_<flow>(Runtime&, …): declarations for the header, or definitions.
  static std::string run_wrapper_name(const ir::Task& flow);
  void run_wrappers(Printer& out, bool definitions);
  void flow_body(const ir::Task& task);
  void entry_point();

  const ir::Program& program_;
  const source::SourceMap& sources_;
  const CppOptions& options_;
  // What each wait is called in a deadlock report.
  const ir::WaitSites wait_sites_{program_, sources_};
  // The characters of a C++ string literal, quotes included: "a\"b".
  static std::string quoted(std::string_view value);
  // Every record type the program uses (the builtin ones are emitted only then).
  void find_used_records();
  std::set<const ir::RecordDef*> used_records_;
  bool uses_json_ = false;  // the program calls json_decode or json_encode
  // The program-level names a local must not hide.
  std::set<std::string, std::less<>> program_names_;

  // The source file being written, and where we are in it.
  Printer* out_ = nullptr;
  const ir::Task* task_ = nullptr;
  std::vector<std::string> prelude_;
  int counter_ = 0;
  // How deep expr() is, and how many enclosing contexts forbid a prelude.
  int depth_ = 0;
  int no_spill_ = 0;
  // Locals that live outside the current C++ scope: a flow's lets, which its
  // node lambdas share (`(*total)`), keyed by LocalId.
  std::map<ir::LocalId, std::string> hoisted_;
  // Where a `return` goes when a co_return would skip work that must happen
  // first: a flow node's return gives the flow its result, marks the flow
  // returned (the nodes below it then skip) and signals the node done; a
  // return inside an `as completed` loop must first cancel and wait for the
  // loop's calls. Innermost last; empty: a plain co_return.
  struct ReturnExit {
    std::string keep;   // statements that keep the value `$v$` (or mark a valueless return)
    std::string leave;  // statements that leave
  };
  std::vector<ReturnExit> return_exits_;
  // The C++ names of the current task's locals, and the names each enclosing
  // C++ scope declares.
  std::map<ir::LocalId, std::string> local_names_;
  std::vector<std::set<std::string, std::less<>>> scopes_;
  int shadow_counter_ = 0;
  // Shared values whose `with` block encloses us: index -> the local copy.
  std::map<ir::SharedId, std::string> held_shared_;
  // The same, as the shared value's and the copy's C++ names, innermost last;
  // and how many were open where each enclosing loop's body began.
  std::vector<std::pair<std::string, std::string>> open_shared_;
  std::vector<std::size_t> loop_shared_depth_;
  // The attempt number's C++ name inside a task with clauses.
  std::string attempt_name_;
};

}  // namespace taskc::codegen
