// Expressions. Each IR expression becomes one C++ expression; calls of tasks
// are awaited where they stand. Concurrent forms need their operands as
// tasks: a direct task call is one already, anything else becomes a named
// coroutine lambda in the prelude (named, because a coroutine lambda's
// captures live in the lambda object, which must outlive the coroutine).
#include <fmt/format.h>
#include <algorithm>

#include "compiler/codegen/cpp/emitter.hpp"

namespace taskc::codegen {
namespace {

bool is_place(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kLocal:
    case ir::ExprKind::kShared:
    case ir::ExprKind::kField:
    case ir::ExprKind::kIndex:
    case ir::ExprKind::kTupleElement:
    case ir::ExprKind::kUnwrapOptional: return true;
    default: return false;
  }
}

// A literal, a variable or a constant: computing it neither waits nor fails.
bool is_plain_value(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kIntLiteral:
    case ir::ExprKind::kFloatLiteral:
    case ir::ExprKind::kBoolLiteral:
    case ir::ExprKind::kStrLiteral:
    case ir::ExprKind::kDurationLiteral:
    case ir::ExprKind::kNoneLiteral:
    case ir::ExprKind::kLocal:
    case ir::ExprKind::kConst: return true;
    case ir::ExprKind::kToFloat:
    case ir::ExprKind::kWrapOptional: return is_plain_value(*e.operands[0]);
    default: return false;
  }
}

bool is_int(const ir::Type* t) {
  return t->is(ir::TypeKind::kInt);
}

}  // namespace

std::string CppEmitter::arguments(const ir::Expr& e, std::size_t first) {
  std::string out;
  for (std::size_t i = first; i < e.operands.size(); ++i) {
    if (i > first) out += ", ";
    out += expr(*e.operands[i]);
  }
  return out;
}

std::string CppEmitter::call_task(const ir::Expr& e, bool await) {
  const ir::Task& callee = program_.task(e.as<ir::TaskId>());
  std::string call;
  if (callee.in_process) {
    // The generated caller's side sends the call to a worker process.
    call = fmt::format("{}({})", identifier(callee.name), arguments(e));
  } else if (callee.is_extern && callee.kind == ir::TaskKind::kIo && !callee.blocking) {
    // An extern io task is a C++ coroutine already, which may wait on
    // anything: a foreign wait, never taken for a deadlock.
    call = fmt::format("taskrt::foreign({}({}))", callee.extern_symbol, arguments(e));
  } else if (callee.is_extern && callee.blocking) {
    // The blocking pool runs it: capture the arguments by value, since a
    // cancelled caller may be gone before the call ends.
    std::string captures;
    std::string names;
    for (std::size_t i = 0; i < e.operands.size(); ++i) {
      std::string arg = fmt::format("arg{}_", i);
      captures += fmt::format("{}{} = {}", i ? ", " : "", arg, expr(*e.operands[i]));
      names += (i ? ", " : "") + arg;
    }
    std::string fn = fmt::format("[{}] {{ return {}({}); }}", captures, callee.extern_symbol, names);
    call = fmt::format("taskrt::run_blocking({})", fn);
    return await ? "(co_await " + call + ")" : task_of_blocking(call, callee);
  } else if (callee.is_extern) {
    // A cpu extern that takes a taskrt::StopToken last is given the caller's,
    // so a timeout or a failing sibling can stop it early. The arguments are
    // parameters of a generic lambda, so the unused branch is never compiled.
    call = fmt::format(
        "taskrt::call_on_cpu([](const auto& stop_, const auto&... args_) {{ "
        "if constexpr (requires {{ {0}(args_..., stop_); }}) return {0}(args_..., stop_); else return {0}(args_...); "
        "}}, "
        "{1})",
        callee.extern_symbol, arguments(e));
  } else {
    call = fmt::format("{}({})", identifier(callee.name), arguments(e));
  }
  return await ? "(co_await " + call + ")" : call;
}

std::string CppEmitter::braced(std::string_view head, const std::vector<std::string>& statements,
                               std::string_view tail) {
  std::string out = std::string(head) + " {\n";
  for (const std::string& statement : statements) {
    std::size_t start = 0;
    while (start < statement.size()) {
      std::size_t end = statement.find('\n', start);
      if (end == std::string::npos) end = statement.size();
      out += "  " + statement.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return out + "}" + std::string(tail);
}

std::string CppEmitter::task_of_blocking(const std::string& awaitable, const ir::Task& callee) {
  // run_blocking is an awaitable, not a Task: wrap it for gather and friends.
  std::string name = fresh("blocking");
  prelude_.push_back(fmt::format("auto {} = [&]() -> taskrt::Task<{}> {{ co_return co_await {}; }};", name,
                                 type(callee.result), awaitable));
  return name + "()";
}

std::string CppEmitter::task_of(const ir::Expr& e) {
  // A branch of gather, race, timeout or try computes its call's arguments
  // itself, as the LLVM backend does: one that waits does not hold up the
  // others or escape the timeout, and one that fails is the try's to catch.
  // Plain values the call can take at once.
  if (e.kind == ir::ExprKind::kCallTask &&
      std::all_of(e.operands.begin(), e.operands.end(),
                  [](const ir::ExprPtr& argument) { return argument && is_plain_value(*argument); })) {
    return call_task(e, false);
  }
  // Anything else runs inside a coroutine lambda, with its own prelude.
  std::vector<std::string> body;
  {
    PreludeScope scope(*this);
    std::string value = expr(e);
    body = scope.take();
    body.push_back(e.type->is(ir::TypeKind::kVoid) ? value + ";\nco_return;" : "co_return " + value + ";");
  }
  std::string name = fresh("work");
  prelude_.push_back(braced(fmt::format("auto {} = [&]() -> taskrt::Task<{}>", name, type(e.type)), body, ";"));
  return name + "()";
}

std::string CppEmitter::fallback(const ir::Expr& e) {
  // Computed only when needed: a lambda; a coroutine lambda if computing it awaits.
  PreludeScope scope(*this);
  std::string value = expr(e);
  std::vector<std::string> body = scope.take();
  if (body.empty() && !e.suspends) return "[&] { return " + value + "; }";
  if (!e.suspends) {
    body.push_back("return " + value + ";");
    return braced("[&]", body);
  }
  body.push_back("co_return " + value + ";");
  return braced(fmt::format("[&]() -> taskrt::Task<{}>", type(e.type)), body);
}

std::string CppEmitter::when_needed(const ir::Expr& e) {
  // Whatever the value needs first runs inside a lambda called in its place.
  PreludeScope scope(*this);
  std::string value = expr(e);
  std::vector<std::string> body = scope.take();
  if (body.empty()) return value;
  if (!e.suspends) {
    body.push_back("return " + value + ";");
    return braced("[&]", body, "()");
  }
  // Awaited within its own full expression, so the lambda outlives its coroutine.
  body.push_back("co_return " + value + ";");
  return "(co_await " + braced(fmt::format("[&]() -> taskrt::Task<{}>", type(e.type)), body, "())");
}

std::string CppEmitter::expr(const ir::Expr& e) {
  ++depth_;
  std::string text = expr_text(e);
  --depth_;
  // A long chain (`a + b + … + z`) would nest C++ as deep as it is long, past
  // what compilers accept: every so many levels, the value is computed by a
  // statement of its own first.
  // Only values: a place (a variable, an element, a field) spilled would be
  // a copy, and an assignment to it or a push onto it would be lost.
  if (depth_ > 0 && depth_ % kSpillDepth == 0 && can_spill() && !e.type->is(ir::TypeKind::kVoid) && !is_place(e)) {
    std::string name = fresh("value");
    prelude_.push_back(fmt::format("auto {} = {};", name, text));
    return name;
  }
  return text;
}

std::string CppEmitter::expr_text(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kIntLiteral:
      if (e.as<std::int64_t>() == INT64_MIN) return "std::int64_t{INT64_MIN}";
      return fmt::format("std::int64_t{{{}}}", e.as<std::int64_t>());
    case ir::ExprKind::kFloatLiteral: return float_literal(e.as<double>());
    case ir::ExprKind::kBoolLiteral: return e.as<bool>() ? "true" : "false";
    case ir::ExprKind::kStrLiteral: return string_literal(e.as<std::string>());
    case ir::ExprKind::kDurationLiteral: return duration_literal(e.as<ir::Nanoseconds>().count);
    case ir::ExprKind::kNoneLiteral: return type(e.type) + "{}";
    case ir::ExprKind::kInterpolation: return "taskrt::interpolate(" + arguments(e) + ")";
    case ir::ExprKind::kLocal: return local(e.as<ir::LocalId>());
    case ir::ExprKind::kConst: return identifier(program_.constant(e.as<ir::ConstId>()).name);
    case ir::ExprKind::kShared: {
      auto held = held_shared_.find(e.as<ir::SharedId>());
      if (held != held_shared_.end()) return held->second;
      return identifier(program_.shared_value(e.as<ir::SharedId>()).name) + ".load()";
    }
    case ir::ExprKind::kCallTask: return call_task(e, true);
    case ir::ExprKind::kCallBuiltin: return builtin(e);
    case ir::ExprKind::kNewChannel:
      if (e.operands.empty()) return fmt::format("{}(taskrt::kUnbounded)", type(e.type));
      return fmt::format("{}(taskrt::channel_capacity({}))", type(e.type), expr(*e.operands[0]));
    case ir::ExprKind::kField: {
      const ir::RecordDef& record = *e.operands[0]->type->record;
      return expr(*e.operands[0]) + "." + field_identifier(record, record.fields[e.as<ir::FieldIndex>().index].name);
    }
    case ir::ExprKind::kResultField: {
      std::string base = expr(*e.operands[0]);
      switch (e.as<ir::ResultPart>()) {
        case ir::ResultPart::kOk: return base + ".ok()";
        case ir::ResultPart::kValue: return base + ".value()";
        case ir::ResultPart::kError: return base + ".error_message()";
        case ir::ResultPart::kKind: return base + ".kind_name()";
      }
      TASKC_UNREACHABLE("a result part without a lowering");
    }
    case ir::ExprKind::kTupleElement:
      return fmt::format("std::get<{}>({})", e.as<ir::ElementIndex>().index, expr(*e.operands[0]));
    case ir::ExprKind::kIndex: return fmt::format("taskrt::at({}, {})", expr(*e.operands[0]), expr(*e.operands[1]));
    case ir::ExprKind::kUnary:
      if (e.as<ir::UnaryOp>() == ir::UnaryOp::kNot) return "(!" + expr(*e.operands[0]) + ")";
      if (e.as<ir::UnaryOp>() == ir::UnaryOp::kBitNot) return "(~" + expr(*e.operands[0]) + ")";
      if (is_int(e.type) || e.type->is(ir::TypeKind::kDuration)) {
        return "taskrt::checked_neg(" + expr(*e.operands[0]) + ")";
      }
      return "(-" + expr(*e.operands[0]) + ")";
    case ir::ExprKind::kBinary: return binary(e);
    case ir::ExprKind::kRange:
      return fmt::format("taskrt::{}({}, {})", e.inclusive ? "range_inclusive" : "range", expr(*e.operands[0]),
                         expr(*e.operands[1]));
    case ir::ExprKind::kSlice:
      return fmt::format("taskrt::slice({}, {}, {}, {})", expr(*e.operands[0]),
                         e.operands[1] ? expr(*e.operands[1]) : "taskrt::kSliceStart",
                         e.operands[2] ? expr(*e.operands[2]) : "taskrt::kSliceEnd", e.inclusive ? "true" : "false");
    case ir::ExprKind::kKeyFunction: return key_function(e);
    case ir::ExprKind::kConditional: {
      // Only the value chosen is computed: neither may move into a statement before.
      std::string condition = expr(*e.operands[0]);
      return fmt::format("({} ? {} : {})", condition, when_needed(*e.operands[1]), when_needed(*e.operands[2]));
    }
    case ir::ExprKind::kList:
      if (e.operands.size() > kLargeLiteral && can_spill()) return large_literal(e);
      return fmt::format("taskrt::make_list<{}>({})", type(e.type->element()), arguments(e));
    case ir::ExprKind::kMap:
      if (e.operands.size() > 2 * kLargeLiteral && can_spill()) return large_literal(e);
      return fmt::format("taskrt::make_map<{}, {}>({})", type(e.type->args[0]), type(e.type->args[1]), arguments(e));
    case ir::ExprKind::kTuple: return fmt::format("{}{{{}}}", type(e.type), arguments(e));
    case ir::ExprKind::kRecord: return fmt::format("{}{{{}}}", type(e.type), arguments(e));
    case ir::ExprKind::kGather: {
      std::string tasks;
      for (std::size_t i = 0; i < e.operands.size(); ++i) tasks += (i ? ", " : "") + task_of(*e.operands[i]);
      std::string gathered = fmt::format("(co_await taskrt::{}({}))", e.settle ? "gather_settled" : "gather", tasks);
      // Calls that return nothing beside others: their Units are dropped.
      if (ir::gathers_nothing(e)) return "taskrt::results_only" + gathered;
      return gathered;
    }
    case ir::ExprKind::kGatherEach: {
      // A gather over a channel is a work queue: its calls may add to it.
      bool queue = e.operands[1]->type->is(ir::TypeKind::kChannel);
      EachCall each = each_call(e, !queue);
      if (!each.callee.empty()) {
        const char* runs = each.in_process ? (e.settle ? "gather_process_calls_settled" : "gather_process_calls")
                                           : (e.settle ? "gather_cpu_calls_settled" : "gather_cpu_calls");
        return fmt::format("(co_await taskrt::{}({}, {}, &{}, {}, \"{}\"))", runs, each.iterable, each.element,
                           each.callee, each.limit, escaped(each.label));
      }
      const char* runs = queue ? (e.settle ? "gather_queue_settled" : "gather_queue")
                               : (e.settle ? "gather_each_settled" : "gather_each");
      return fmt::format("(co_await taskrt::{}({}, {}, {}, \"{}\"))", runs, each.iterable, each.element, each.limit,
                         escaped(each.label));
    }
    case ir::ExprKind::kRaceEach: {
      EachCall each = each_call(e);
      return fmt::format("(co_await taskrt::race_each({}, {}, {}))", each.iterable, each.element, each.limit);
    }
    case ir::ExprKind::kRace: {
      std::string tasks;
      for (std::size_t i = 0; i < e.operands.size(); ++i) tasks += (i ? ", " : "") + task_of(*e.operands[i]);
      return fmt::format("(co_await taskrt::race({}))", tasks);
    }
    case ir::ExprKind::kTimeout: {
      std::string work = task_of(*e.operands[0]);
      std::string limit = expr(*e.operands[1]);
      if (!e.operands[2]) return fmt::format("(co_await taskrt::with_timeout({}, {}))", limit, work);
      return fmt::format("(co_await taskrt::timeout_else({}, {}, {}))", limit, work, fallback(*e.operands[2]));
    }
    case ir::ExprKind::kTryElse:
      return fmt::format("(co_await taskrt::try_else({}, {}))", task_of(*e.operands[0]), fallback(*e.operands[1]));
    case ir::ExprKind::kServe: return serve(e);
    case ir::ExprKind::kToFloat: return "static_cast<double>(" + expr(*e.operands[0]) + ")";
    case ir::ExprKind::kWrapOptional: return fmt::format("{}({})", type(e.type), expr(*e.operands[0]));
    case ir::ExprKind::kUnwrapOptional: return "taskrt::unwrap(" + expr(*e.operands[0]) + ")";
    case ir::ExprKind::kNoneAfter:
      // Only a branch's whole value (a race's competitor): the work is a
      // statement of the branch, before its value.
      prelude_.push_back(expr(*e.operands[0]) + ";");
      return type(e.type) + "{}";
  }
  TASKC_UNREACHABLE("an expression kind without a C++ lowering");
}

namespace {

bool is_literal(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kIntLiteral:
    case ir::ExprKind::kFloatLiteral:
    case ir::ExprKind::kBoolLiteral:
    case ir::ExprKind::kStrLiteral:
    case ir::ExprKind::kDurationLiteral: return true;
    default: return false;
  }
}

}  // namespace

std::string CppEmitter::table_literal(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kStrLiteral:
      return "std::string_view(\"" + escaped(e.as<std::string>()) + "\", " +
             std::to_string(e.as<std::string>().size()) + ")";
    case ir::ExprKind::kIntLiteral:
      return e.as<std::int64_t>() == INT64_MIN ? "INT64_MIN" : std::to_string(e.as<std::int64_t>());
    default: return expr(e);
  }
}

std::string CppEmitter::table_type(const ir::Type* t) const {
  return t->is(ir::TypeKind::kStr) ? "std::string_view" : type(t);
}

std::string CppEmitter::large_literal(const ir::Expr& e) {
  bool is_map = e.kind == ir::ExprKind::kMap;
  std::string name = fresh(is_map ? "map" : "list");
  if (std::all_of(e.operands.begin(), e.operands.end(), [](const ir::ExprPtr& x) { return is_literal(*x); })) {
    // Constants: a static table, built into the value where it stands.
    std::string rows;
    for (std::size_t i = 0; i < e.operands.size(); i += is_map ? 2 : 1) {
      rows += is_map
                  ? fmt::format("\n    {{{}, {}}},", table_literal(*e.operands[i]), table_literal(*e.operands[i + 1]))
                  : fmt::format("\n    {},", table_literal(*e.operands[i]));
    }
    std::string row_type =
        is_map ? fmt::format("std::pair<{}, {}>", table_type(e.type->args[0]), table_type(e.type->args[1]))
               : table_type(e.type->element());
    prelude_.push_back(fmt::format("static constexpr {} {}[] = {{{}\n}};", row_type, name, rows));
    return fmt::format("taskrt::{}<{}>({})", is_map ? "map_from_table" : "list_from_table", type(e.type), name);
  }
  // Computed elements: one statement each, in order.
  prelude_.push_back(fmt::format("{} {};", type(e.type), name));
  if (!is_map) prelude_.push_back(fmt::format("{}.reserve({});", name, e.operands.size()));
  for (std::size_t i = 0; i < e.operands.size(); i += is_map ? 2 : 1) {
    std::string element = expr(*e.operands[i]);
    if (is_map) {
      std::string value = expr(*e.operands[i + 1]);
      prelude_.push_back(fmt::format("taskrt::slot({}, {}) = {};", name, element, value));
    } else {
      prelude_.push_back(fmt::format("{}.push_back({});", name, element));
    }
  }
  return "std::move(" + name + ")";
}

std::string CppEmitter::binary(const ir::Expr& e) {
  std::string left = expr(*e.operands[0]);
  // The right side of `and`/`or` runs only when needed: nothing of it may
  // move into a statement before.
  ir::BinaryOp op = e.as<ir::BinaryOp>();
  bool short_circuit = op == ir::BinaryOp::kAnd || op == ir::BinaryOp::kOr;
  std::string right = short_circuit ? when_needed(*e.operands[1]) : expr(*e.operands[1]);
  return operation(op, e.operands[0]->type, e.operands[1]->type, e.type, left, right);
}

std::string CppEmitter::operation(ir::BinaryOp op, const ir::Type* left_type, const ir::Type* right_type,
                                  const ir::Type* result, const std::string& left, const std::string& right) {
  bool ints = is_int(left_type) && is_int(right_type);
  // Durations are checked like ints: they never wrap.
  bool checked = ints || (left_type->is(ir::TypeKind::kDuration) && right_type->is(ir::TypeKind::kDuration));
  switch (op) {
    case ir::BinaryOp::kAdd:
      if (checked) return fmt::format("taskrt::checked_add({}, {})", left, right);
      if (left_type->is(ir::TypeKind::kList)) return fmt::format("taskrt::concat({}, {})", left, right);
      return fmt::format("({} + {})", left, right);
    case ir::BinaryOp::kSub:
      if (checked) return fmt::format("taskrt::checked_sub({}, {})", left, right);
      return fmt::format("({} - {})", left, right);
    case ir::BinaryOp::kMul:
      if (ints) return fmt::format("taskrt::checked_mul({}, {})", left, right);
      if (result->is(ir::TypeKind::kDuration)) return fmt::format("taskrt::scale({}, {})", left, right);
      return fmt::format("({} * {})", left, right);
    case ir::BinaryOp::kDiv:
      if (ints) return fmt::format("taskrt::checked_div({}, {})", left, right);
      if (left_type->is(ir::TypeKind::kDuration)) return fmt::format("taskrt::divide({}, {})", left, right);
      return fmt::format("taskrt::checked_div({}, {})", left, right);
    case ir::BinaryOp::kMod: return fmt::format("taskrt::checked_mod({}, {})", left, right);
    case ir::BinaryOp::kPow: return fmt::format("taskrt::checked_pow({}, {})", left, right);
    case ir::BinaryOp::kBitAnd: return fmt::format("({} & {})", left, right);
    case ir::BinaryOp::kBitOr: return fmt::format("({} | {})", left, right);
    case ir::BinaryOp::kBitXor: return fmt::format("({} ^ {})", left, right);
    case ir::BinaryOp::kShl: return fmt::format("taskrt::checked_shl({}, {})", left, right);
    case ir::BinaryOp::kShr: return fmt::format("taskrt::checked_shr({}, {})", left, right);
    case ir::BinaryOp::kEq: return fmt::format("({} == {})", left, right);
    case ir::BinaryOp::kNe: return fmt::format("({} != {})", left, right);
    case ir::BinaryOp::kLt:
    case ir::BinaryOp::kLe:
    case ir::BinaryOp::kGt:
    case ir::BinaryOp::kGe: {
      // Lists, tuples and records compare element by element, through the
      // runtime's order (NaN after every number), as `sorted` orders them.
      bool compound = left_type->is(ir::TypeKind::kList) || left_type->is(ir::TypeKind::kTuple) ||
                      left_type->is(ir::TypeKind::kRecord);
      if (!compound) return fmt::format("({} {} {})", left, ir::binary_op_text(op), right);
      if (op == ir::BinaryOp::kLt) return fmt::format("taskrt::less({}, {})", left, right);
      if (op == ir::BinaryOp::kGt) return fmt::format("taskrt::less({}, {})", right, left);
      if (op == ir::BinaryOp::kLe) return fmt::format("(!taskrt::less({}, {}))", right, left);
      return fmt::format("(!taskrt::less({}, {}))", left, right);
    }
    case ir::BinaryOp::kAnd: return fmt::format("({} && {})", left, right);
    case ir::BinaryOp::kOr: return fmt::format("({} || {})", left, right);
    case ir::BinaryOp::kIn: return fmt::format("taskrt::is_in({}, {})", left, right);
    case ir::BinaryOp::kNotIn: return fmt::format("(!taskrt::is_in({}, {}))", left, right);
  }
  TASKC_UNREACHABLE("a binary operator without a C++ lowering");
}

bool CppEmitter::task_lambda(const std::string& name, const std::string& param, const ir::Expr& body,
                             std::vector<std::string> statements) {
  // A call whose arguments wait is a coroutine too: the lambda awaits them.
  bool direct = body.kind == ir::ExprKind::kCallTask && !program_.task(body.as<ir::TaskId>()).blocking &&
                !ir::operands_suspend(body);
  std::string head;
  {
    PreludeScope inner(*this);
    std::string value = direct ? call_task(body, false) : expr(body);
    for (std::string& statement : inner.take()) statements.push_back(std::move(statement));
    if (direct) {
      head = fmt::format("auto {} = [&]({})", name, param);
      statements.push_back("return " + value + ";");
    } else {
      head = fmt::format("auto {} = [&]({}) -> taskrt::Task<{}>", name, param, type(body.type));
      statements.push_back(body.type->is(ir::TypeKind::kVoid) ? value + ";\nco_return;" : "co_return " + value + ";");
    }
  }
  // A one-line body stays on one line.
  if (statements.size() == 1 && statements[0].find('\n') == std::string::npos) {
    prelude_.push_back(head + " { " + statements[0] + " };");
  } else {
    prelude_.push_back(braced(head, statements, ";"));
  }
  return direct;
}

bool CppEmitter::plain_cpu_call(const ir::Expr& body) const {
  if (body.kind != ir::ExprKind::kCallTask || ir::operands_suspend(body)) return false;
  const ir::Task& callee = program_.task(body.as<ir::TaskId>());
  return callee.kind == ir::TaskKind::kCpu && !callee.is_extern && !callee.blocking && !callee.semaphore &&
         !callee.rate_limit && !callee.timeout_ns && !callee.retry;
}

void CppEmitter::arguments_lambda(const std::string& name, const std::string& param, const ir::Expr& call,
                                  std::vector<std::string> statements) {
  {
    PreludeScope inner(*this);
    std::string values = arguments(call);
    for (std::string& statement : inner.take()) statements.push_back(std::move(statement));
    statements.push_back("return std::make_tuple(" + values + ");");
  }
  std::string head = fmt::format("auto {} = [&]({})", name, param);
  if (statements.size() == 1) {
    prelude_.push_back(head + " { " + statements[0] + " };");
  } else {
    prelude_.push_back(braced(head, statements, ";"));
  }
}

CppEmitter::EachCall CppEmitter::each_call(const ir::Expr& e, bool arguments_only) {
  const ir::Expr& body = *e.operands[0];
  const ir::Expr& items = *e.operands[1];
  bool map_pairs = items.type->is(ir::TypeKind::kMap) && e.bindings.size() == 2;
  std::string iterable;
  if (std::optional<IntBounds> range = int_range(items)) {
    // No list for `for i in a..b` or `range(…)`: the tasks are made from the numbers.
    iterable =
        fmt::format("taskrt::IntRange({}, {}, {})", range->start, range->end, range->inclusive ? "true" : "false");
  } else {
    iterable = expr(items);
    if (items.type->is(ir::TypeKind::kMap) && !map_pairs) iterable = "taskrt::keys(" + iterable + ")";
  }
  // One element: a lambda from the element to its Task. A direct task
  // call copies its arguments into the task, so the lambda can be plain;
  // anything else becomes a coroutine lambda with the element by value.
  std::string element = fresh("each");
  // Explicit parameter types: GCC 12 rejects some generic lambdas nested
  // in coroutine lambdas ("array used as initializer").
  std::string element_type;
  if (items.type->is(ir::TypeKind::kMap)) {
    element_type = map_pairs ? fmt::format("std::pair<{}, {}>", type(items.type->args[0]), type(items.type->args[1]))
                             : type(items.type->args[0]);
  } else {
    element_type = type(items.type->element());
  }
  // A pattern of several names takes the element (a map's pair, or a tuple) apart.
  LocalScope scope(*this);
  std::string param = element_type + " " + (e.bindings.size() == 1 ? declare(e.bindings[0]) : "entry_");
  std::vector<std::string> statements;
  for (std::size_t i = 0; e.bindings.size() > 1 && i < e.bindings.size(); ++i) {
    statements.push_back(fmt::format("auto {} = std::get<{}>(entry_);", declare(e.bindings[i]), i));
  }
  std::string callee;
  bool in_process = false;
  bool direct = true;
  if (arguments_only && plain_cpu_call(body)) {
    arguments_lambda(element, param, body, std::move(statements));
    callee = identifier(program_.task(body.as<ir::TaskId>()).name);
    in_process = program_.task(body.as<ir::TaskId>()).in_process;
  } else {
    direct = task_lambda(element, param, body, std::move(statements));
  }
  // No limit is 0; a limit given is checked (at least 1) when the gather starts.
  std::string limit = e.operands[2] ? "taskrt::gather_limit(" + expr(*e.operands[2]) + ")" : "std::int64_t{0}";
  // The progress bar's label: what is gathered, and where.
  const source::SourceFile& file = sources_.get(e.span.file);
  std::string label = fmt::format("{}:{}", file.path(), file.line_column(e.span.begin).line);
  if (direct) label = program_.task(body.as<ir::TaskId>()).name + " " + label;
  return EachCall{iterable, element, limit, label, callee, in_process};
}

std::string CppEmitter::serve(const ir::Expr& e) {
  std::string address = expr(*e.operands[0]);
  std::string handler = fresh("handle");
  LocalScope scope(*this);
  std::string param = "taskrt::HttpRequest " + declare(e.bindings[0]);
  task_lambda(handler, param, *e.operands[1], {});
  return fmt::format("(co_await taskrt::serve({}, {}))", address, handler);
}

std::string CppEmitter::key_function(const ir::Expr& e) {
  // A lambda from an element to its key; a pattern of several names takes
  // the element (a tuple) apart.
  const ir::Expr& key = *e.operands[0];
  LocalScope scope(*this);
  std::string param = e.bindings.size() == 1 ? declare(e.bindings[0]) : "entry_";
  std::vector<std::string> statements;
  for (std::size_t i = 0; e.bindings.size() > 1 && i < e.bindings.size(); ++i) {
    statements.push_back(fmt::format("const auto& {} = std::get<{}>(entry_);", declare(e.bindings[i]), i));
  }
  PreludeScope inner(*this);
  std::string value = expr(key);
  for (std::string& statement : inner.take()) statements.push_back(std::move(statement));
  statements.push_back("return " + value + ";");
  std::string head = fmt::format("[&](const auto& {})", param);
  if (statements.size() == 1) return head + " { " + statements[0] + " }";
  return braced(head, statements);
}

std::string CppEmitter::builtin(const ir::Expr& e) {
  const ir::BuiltinInfo& info = ir::builtin_info(e.as<ir::Builtin>());
  auto first = [&] { return expr(*e.operands[0]); };
  switch (info.builtin) {
    // Channels are objects; conversions and attempt() have names of their own.
    case ir::Builtin::kSend:
      return fmt::format("(co_await {}.send({}, {}))", first(), expr(*e.operands[1]),
                         quoted(wait_sites_.send(*task_, *e.operands[0], e.span)));
    case ir::Builtin::kRecv:
      return fmt::format("(co_await {}.recv({}))", first(),
                         quoted(wait_sites_.receive(*task_, *e.operands[0], e.span)));
    case ir::Builtin::kClose: return first() + ".close()";
    case ir::Builtin::kStr: return "taskrt::to_str(" + arguments(e) + ")";
    case ir::Builtin::kInt: return "taskrt::to_int(" + arguments(e) + ")";
    case ir::Builtin::kFloat: return "taskrt::to_float(" + arguments(e) + ")";
    case ir::Builtin::kAttempt: return attempt_name_.empty() ? "std::int64_t{1}" : attempt_name_;
    case ir::Builtin::kJsonDecode: return fmt::format("taskrt::json_decode<{}>({})", type(e.type), first());
    case ir::Builtin::kSorted:
    case ir::Builtin::kMin:
    case ir::Builtin::kMax:
      // With a key: sorted_by, min_by, max_by.
      if (e.operands.size() > 1 && e.operands[1]->kind == ir::ExprKind::kKeyFunction) {
        return fmt::format("taskrt::{}_by({})", info.name, arguments(e));
      }
      break;
    default: break;
  }
  // Every other builtin is the runtime's function of the same name, awaited if it suspends.
  std::string call = fmt::format("taskrt::{}({})", info.name, arguments(e));
  return info.suspends ? "(co_await " + call + ")" : call;
}
}  // namespace taskc::codegen
