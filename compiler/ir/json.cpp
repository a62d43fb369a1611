#include "compiler/ir/json.hpp"

#include <fmt/format.h>

#include "compiler/support/json_quote.hpp"

namespace taskc::ir {
namespace {

// A small streaming JSON writer with two-space indentation.
class JsonWriter {
 public:
  std::string take() { return std::move(out_); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    separate();
    out_ += support::json_quote(name) + ": ";
    after_key_ = true;
  }
  void string(std::string_view value) { scalar(support::json_quote(value)); }
  void number(std::int64_t value) { scalar(std::to_string(value)); }
  void real(double value) { scalar(fmt::format("{}", value)); }
  void boolean(bool value) { scalar(value ? "true" : "false"); }
  void null() { scalar("null"); }

  template <typename T>
  void field(std::string_view name, const T& value) {
    key(name);
    if constexpr (std::is_same_v<T, bool>) {
      boolean(value);
    } else if constexpr (std::is_integral_v<T>) {
      number(static_cast<std::int64_t>(value));
    } else {
      string(value);
    }
  }

 private:
  void separate() {
    if (after_key_) return;
    if (!first_.empty()) {
      if (!first_.back()) out_ += ",";
      first_.back() = false;
      out_ += "\n" + std::string(first_.size() * 2, ' ');
    }
  }
  void scalar(const std::string& text) {
    separate();
    after_key_ = false;
    out_ += text;
  }
  void open(char bracket) {
    separate();
    after_key_ = false;
    out_ += bracket;
    first_.push_back(true);
  }
  void close(char bracket) {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) out_ += "\n" + std::string(first_.size() * 2, ' ');
    out_ += bracket;
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

class IrJson {
 public:
  IrJson(const Program& program, const source::SourceMap& sources) : program_(program), sources_(sources) {}

  std::string run() {
    json_.begin_object();
    json_.key("imports");
    json_.begin_array();
    for (const std::string& header : program_.imports) json_.string(header);
    json_.end_array();
    json_.key("records");
    json_.begin_array();
    for (const auto& record : program_.records) {
      json_.begin_object();
      json_.field("name", record->name);
      json_.field("builtin", record->builtin());
      json_.key("fields");
      json_.begin_array();
      for (const Field& f : record->fields) {
        json_.begin_object();
        json_.field("name", f.name);
        json_.field("type", type_name(f.type));
        if (!f.json_name.empty()) json_.field("json_name", f.json_name);
        json_.end_object();
      }
      json_.end_array();
      json_.end_object();
    }
    json_.end_array();
    json_.key("consts");
    json_.begin_array();
    for (const Const& c : program_.consts) {
      json_.begin_object();
      json_.field("name", c.name);
      json_.field("type", type_name(c.type));
      json_.key("value");
      expr(c.value.get());
      json_.end_object();
    }
    json_.end_array();
    json_.key("semaphores");
    json_.begin_array();
    for (const Semaphore& s : program_.semaphores) {
      json_.begin_object();
      json_.field("name", s.name);
      json_.field("permits", s.permits);
      json_.end_object();
    }
    json_.end_array();
    if (!program_.rate_limits.empty()) {
      json_.key("rate_limits");
      json_.begin_array();
      for (const RateLimit& r : program_.rate_limits) {
        json_.begin_object();
        json_.field("name", r.name);
        json_.field("count", r.count);
        json_.field("period_ns", r.period_ns);
        json_.end_object();
      }
      json_.end_array();
    }
    json_.key("shared");
    json_.begin_array();
    for (const Shared& s : program_.shared) {
      json_.begin_object();
      json_.field("name", s.name);
      json_.field("type", type_name(s.type));
      json_.key("init");
      expr(s.init.get());
      json_.end_object();
    }
    json_.end_array();
    json_.key("tasks");
    json_.begin_array();
    for (const Task& t : program_.tasks) task(t);
    json_.end_array();
    json_.key("main");
    if (program_.main) {
      json_.string(program_.task(*program_.main).name);
    } else {
      json_.null();
    }
    json_.end_object();
    return json_.take() + "\n";
  }

 private:
  std::string at(source::Span span) const {
    if (!span.valid()) return "";
    const source::SourceFile& file = sources_.get(span.file);
    source::LineColumn lc = file.line_column(span.begin);
    return fmt::format("{}:{}:{}", file.path(), lc.line, lc.column);
  }

  std::string error_kinds(ErrorKindSet set) const {
    std::string out;
    for (int i = 0; i < kErrorKindCount; ++i) {
      if (set & (1u << i)) out += (out.empty() ? "" : ",") + std::string(error_kind_name(static_cast<ErrorKind>(i)));
    }
    return out;
  }

  void task(const Task& t) {
    json_.begin_object();
    json_.field("name", t.name);
    json_.field("kind", task_kind_name(t.kind));
    json_.field("at", at(t.span));
    if (t.is_extern) json_.field("extern", t.extern_symbol);
    if (t.blocking) json_.field("blocking", true);
    if (t.in_process) json_.field("in_process", true);
    json_.key("params");
    json_.begin_array();
    for (const Param& p : t.params) {
      json_.begin_object();
      json_.field("name", p.name);
      json_.field("type", type_name(p.type));
      json_.field("local", p.local.index);
      json_.end_object();
    }
    json_.end_array();
    json_.field("result", type_name(t.result));
    if (t.semaphore) {
      json_.key("uses");
      json_.begin_object();
      json_.field("semaphore", program_.semaphore(*t.semaphore).name);
      json_.field("permits", t.permits);
      json_.end_object();
    }
    if (t.rate_limit) json_.field("uses_rate_limit", program_.rate_limit(*t.rate_limit).name);
    if (t.timeout_ns) json_.field("timeout_ns", *t.timeout_ns);
    if (t.retry) {
      json_.key("retry");
      json_.begin_object();
      json_.field("extra_attempts", t.retry->extra_attempts);
      json_.field("backoff_ns", t.retry->backoff_ns);
      json_.field("on", t.retry->on ? error_kinds(t.retry->on) : std::string("all but Cancelled"));
      json_.end_object();
    }
    if (!t.is_extern) {
      json_.key("locals");
      json_.begin_array();
      for (const Local& l : t.locals) {
        json_.begin_object();
        json_.field("name", l.name);
        json_.field("type", type_name(l.type));
        if (!l.is_mutable) json_.field("mutable", false);
        json_.end_object();
      }
      json_.end_array();
    }
    if (t.kind == TaskKind::kFlow) {
      json_.key("graph");
      json_.begin_array();
      for (const FlowNode& node : t.graph.nodes) {
        json_.begin_object();
        json_.field("id", node.id);
        json_.field("label", node.label);
        if (node.is_effect) json_.field("effect", true);
        json_.key("deps");
        json_.begin_array();
        for (const Edge& edge : node.deps) {
          json_.begin_object();
          json_.field("from", edge.from);
          json_.field("kind", edge_kind_name(edge.kind));
          if (!edge.via.empty()) json_.field("via", edge.via);
          json_.end_object();
        }
        json_.end_array();
        json_.key("stmt");
        stmt(node.stmt);
        json_.end_object();
      }
      json_.end_array();
    } else if (!t.is_extern) {
      json_.key("body");
      block(t.body);
    }
    json_.end_object();
  }

  void block(const Block& b) {
    json_.begin_array();
    for (const Stmt& s : b.stmts) stmt(s);
    json_.end_array();
  }

  void stmt(const Stmt& s) {
    static constexpr std::string_view kNames[] = {"let",
                                                  "assign",
                                                  "if",
                                                  "while",
                                                  "for",
                                                  "break",
                                                  "continue",
                                                  "return",
                                                  "fail",
                                                  "with_semaphore",
                                                  "with_rate_limit",
                                                  "with_shared",
                                                  "try",
                                                  "expr"};
    static_assert(std::size(kNames) == static_cast<std::size_t>(StmtKind::kExpr) + 1);
    static constexpr std::string_view kAssign[] = {"=", "+=", "-=", "*=", "/=", "%="};
    static constexpr std::string_view kFor[] = {"list", "range", "map_keys", "map_pairs", "channel", "completed"};
    static_assert(std::size(kFor) == static_cast<std::size_t>(ForKind::kCompleted) + 1);
    json_.begin_object();
    json_.field("stmt", kNames[static_cast<int>(s.kind)]);
    json_.field("at", at(s.span));
    if (!s.bindings.empty()) {
      json_.key("bind");
      json_.begin_array();
      for (LocalId id : s.bindings) json_.number(id.index);
      json_.end_array();
    }
    if (s.kind == StmtKind::kFor) json_.field("over", kFor[static_cast<int>(s.for_kind)]);
    if (s.kind == StmtKind::kAssign) {
      json_.field("op", kAssign[static_cast<int>(s.assign_op)]);
      json_.key("target");
      expr(s.target.get());
    }
    if (s.kind == StmtKind::kWithSemaphore) json_.field("semaphore", program_.semaphore(s.semaphore).name);
    if (s.kind == StmtKind::kWithRateLimit) json_.field("rate_limit", program_.rate_limit(s.rate_limit).name);
    if (s.kind == StmtKind::kWithShared) json_.field("shared", program_.shared_value(s.shared).name);
    if (s.value) {
      json_.key("value");
      expr(s.value.get());
    }
    if (!s.body.stmts.empty() || s.kind == StmtKind::kIf || s.kind == StmtKind::kWhile || s.kind == StmtKind::kFor ||
        s.kind == StmtKind::kTry) {
      json_.key("body");
      block(s.body);
    }
    if (s.else_body) {
      json_.key("else");
      block(*s.else_body);
    }
    if (s.kind == StmtKind::kTry) {
      json_.key("catches");
      json_.begin_array();
      for (const Catch& c : s.catches) {
        json_.begin_object();
        json_.field("kinds", c.kinds ? error_kinds(c.kinds) : std::string("any"));
        if (c.binding) json_.field("bind", c.binding->index);
        json_.key("body");
        block(c.body);
        json_.end_object();
      }
      json_.end_array();
    }
    json_.end_object();
  }

  void expr(const Expr* e) {
    static constexpr std::string_view kNames[] = {
        "int",           "float",           "bool",      "str",       "duration",     "none",        "interpolation",
        "local",         "const",           "shared",    "call_task", "call_builtin", "new_channel", "field",
        "result_field",  "tuple_element",   "index",     "unary",     "binary",       "range",       "slice",
        "conditional",   "key_function",    "list",      "map",       "tuple",        "record",      "gather",
        "gather_each",   "race_each",       "race",      "timeout",   "try_else",     "serve",       "to_float",
        "wrap_optional", "unwrap_optional", "none_after"};
    // One name per kind: a kind added without its name fails here, not in a golden file.
    static_assert(std::size(kNames) == static_cast<std::size_t>(ExprKind::kNoneAfter) + 1);
    if (e == nullptr) {
      json_.null();
      return;
    }
    json_.begin_object();
    json_.field("expr", kNames[static_cast<int>(e->kind)]);
    json_.field("type", type_name(e->type));
    switch (e->kind) {
      case ExprKind::kIntLiteral: json_.field("value", e->as<std::int64_t>()); break;
      case ExprKind::kDurationLiteral: json_.field("value", e->as<Nanoseconds>().count); break;
      case ExprKind::kFloatLiteral:
        json_.key("value");
        json_.real(e->as<double>());
        break;
      case ExprKind::kBoolLiteral: json_.field("value", e->as<bool>()); break;
      case ExprKind::kStrLiteral: json_.field("value", e->as<std::string>()); break;
      case ExprKind::kLocal: json_.field("local", e->as<LocalId>().index); break;
      case ExprKind::kConst: json_.field("name", program_.constant(e->as<ConstId>()).name); break;
      case ExprKind::kShared: json_.field("name", program_.shared_value(e->as<SharedId>()).name); break;
      case ExprKind::kCallTask: json_.field("task", program_.task(e->as<TaskId>()).name); break;
      case ExprKind::kCallBuiltin: json_.field("builtin", builtin_info(e->as<Builtin>()).name); break;
      case ExprKind::kField:
        json_.field("field", e->operands[0]->type->record->fields[e->as<FieldIndex>().index].name);
        break;
      case ExprKind::kResultField: json_.field("field", result_part_name(e->as<ResultPart>())); break;
      case ExprKind::kTupleElement: json_.field("element", e->as<ElementIndex>().index); break;
      case ExprKind::kUnary: {
        UnaryOp op = e->as<UnaryOp>();
        json_.field("op", op == UnaryOp::kNot ? "not" : op == UnaryOp::kBitNot ? "~" : "-");
        break;
      }
      case ExprKind::kBinary: json_.field("op", binary_op_text(e->as<BinaryOp>())); break;
      case ExprKind::kRange:
      case ExprKind::kSlice: json_.field("inclusive", e->inclusive); break;
      case ExprKind::kGather:
      case ExprKind::kGatherEach: json_.field("settle", e->settle); break;
      default: break;
    }
    if (e->suspends) json_.field("suspends", true);
    if (!e->bindings.empty()) {
      json_.key("bind");
      json_.begin_array();
      for (LocalId id : e->bindings) json_.number(id.index);
      json_.end_array();
    }
    if (!e->operands.empty()) {
      json_.key("operands");
      json_.begin_array();
      for (const ExprPtr& operand : e->operands) expr(operand.get());
      json_.end_array();
    }
    json_.end_object();
  }

  const Program& program_;
  const source::SourceMap& sources_;
  JsonWriter json_;
};

}  // namespace

std::string to_json(const Program& program, const source::SourceMap& sources) {
  return IrJson(program, sources).run();
}

}  // namespace taskc::ir
