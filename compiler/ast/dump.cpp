#include "compiler/ast/dump.hpp"

#include <fmt/format.h>

namespace taskc::ast {
namespace {

class Dumper {
 public:
  explicit Dumper(const source::SourceMap& sources) : sources_(sources) {}

  std::string run(const Module& module) {
    out_ = "module\n";
    for (const Item& item : module.items) dump_item(item, 1);
    return std::move(out_);
  }

 private:
  void line(int depth, std::string_view text) {
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  std::string at(source::Span span) const {
    if (!span.valid()) return "@?";
    source::LineColumn lc = sources_.get(span.file).line_column(span.begin);
    return fmt::format("@{}:{}", lc.line, lc.column);
  }

  static std::string type_text(const TypeExpr& type) {
    switch (type.kind) {
      case TypeExpr::Kind::kOptional: return type_text(type.args.at(0)) + "?";
      case TypeExpr::Kind::kTuple: {
        std::string out = "(";
        for (std::size_t i = 0; i < type.args.size(); ++i) out += (i ? ", " : "") + type_text(type.args[i]);
        return out + ")";
      }
      case TypeExpr::Kind::kNamed: {
        if (type.args.empty()) return type.name;
        std::string out = type.name + "[";
        for (std::size_t i = 0; i < type.args.size(); ++i) out += (i ? ", " : "") + type_text(type.args[i]);
        return out + "]";
      }
    }
    return "?";
  }

  static std::string pattern_text(const Pattern& pattern) {
    if (!pattern.is_tuple) return pattern.names.empty() ? "?" : pattern.names[0];
    std::string out = "(";
    for (std::size_t i = 0; i < pattern.names.size(); ++i) {
      bool nested = pattern.has_nested() && pattern.nested[i].is_tuple;
      out += (i ? ", " : "") + (nested ? pattern_text(pattern.nested[i]) : pattern.names[i]);
    }
    return out + ")";
  }

  void dump_item(const Item& item, int depth) {
    std::string head = fmt::format("{} {} {}", item_kind_name(item.kind), item.name, at(item.span));
    if (item.kind == ItemKind::kTask || item.kind == ItemKind::kExternTask) {
      head = fmt::format("{} {} {}", item.task_kind == TaskKind::kIo ? "io" : "cpu", head, "");
      head.pop_back();
    }
    line(depth, head);
    for (const Param& field : item.fields)
      line(depth + 1, fmt::format("field {}: {}{}", field.name, type_text(field.type),
                                  field.json_name.empty() ? "" : fmt::format(" as \"{}\"", field.json_name)));
    for (const Param& param : item.params)
      line(depth + 1, fmt::format("param {}: {}", param.name, type_text(param.type)));
    if (item.result) line(depth + 1, "-> " + type_text(*item.result));
    if (item.declared_type) line(depth + 1, ": " + type_text(*item.declared_type));
    for (const Clause& clause : item.clauses) dump_clause(clause, depth + 1);
    if (item.value) dump_expr(*item.value, depth + 1);
    if (item.period) dump_expr(*item.period, depth + 1);
    if (!item.extern_symbol.empty()) line(depth + 1, "= \"" + item.extern_symbol + "\"");
    if (item.kind == ItemKind::kTask || item.kind == ItemKind::kFlow) dump_block(item.body, depth + 1);
  }

  void dump_clause(const Clause& clause, int depth) {
    switch (clause.kind) {
      case Clause::Kind::kUses: line(depth, "uses " + clause.name); break;
      case Clause::Kind::kTimeout: line(depth, "timeout"); break;
      case Clause::Kind::kRetry: {
        std::string kinds;
        for (const std::string& kind : clause.on_kinds) kinds += " " + kind;
        line(depth, "retry" + (kinds.empty() ? "" : " on" + kinds));
        break;
      }
      case Clause::Kind::kInProcess: line(depth, "in process"); break;
      case Clause::Kind::kBlocking: line(depth, "blocking"); break;
    }
    if (clause.value) dump_expr(*clause.value, depth + 1);
    if (clause.backoff) dump_expr(*clause.backoff, depth + 1);
  }

  void dump_block(const Block& block, int depth) {
    line(depth, "block");
    for (const Stmt& stmt : block.stmts) dump_stmt(stmt, depth + 1);
  }

  void dump_stmt(const Stmt& stmt, int depth) {
    static constexpr const char* kAssignText[] = {"=", "+=", "-=", "*=", "/=", "%="};
    switch (stmt.kind) {
      case StmtKind::kLet: {
        std::string after;
        for (const std::string& name : stmt.after) after += " " + name;
        line(depth, fmt::format("let {}{}{} {}", pattern_text(stmt.pattern),
                                stmt.declared_type ? ": " + type_text(*stmt.declared_type) : "",
                                after.empty() ? "" : " after" + after, at(stmt.span)));
        break;
      }
      case StmtKind::kAssign:
        line(depth, fmt::format("assign {} {}", kAssignText[static_cast<int>(stmt.assign_op)], at(stmt.span)));
        dump_expr(*stmt.target, depth + 1);
        break;
      case StmtKind::kIf: line(depth, "if " + at(stmt.span)); break;
      case StmtKind::kWhile: line(depth, "while " + at(stmt.span)); break;
      case StmtKind::kFor: line(depth, fmt::format("for {} {}", pattern_text(stmt.pattern), at(stmt.span))); break;
      case StmtKind::kBreak: line(depth, "break " + at(stmt.span)); break;
      case StmtKind::kContinue: line(depth, "continue " + at(stmt.span)); break;
      case StmtKind::kReturn: line(depth, "return " + at(stmt.span)); break;
      case StmtKind::kFail: line(depth, "fail " + at(stmt.span)); break;
      case StmtKind::kWith: line(depth, fmt::format("with {} {}", stmt.name, at(stmt.span))); break;
      case StmtKind::kTry: line(depth, "try " + at(stmt.span)); break;
      case StmtKind::kExpr: line(depth, "expr " + at(stmt.span)); break;
    }
    if (stmt.value) dump_expr(*stmt.value, depth + 1);
    if (stmt.kind == StmtKind::kIf || stmt.kind == StmtKind::kWhile || stmt.kind == StmtKind::kFor ||
        stmt.kind == StmtKind::kWith || stmt.kind == StmtKind::kTry) {
      dump_block(stmt.body, depth + 1);
    }
    if (stmt.else_body) {
      line(depth + 1, "else");
      dump_block(*stmt.else_body, depth + 2);
    }
    for (const CatchClause& clause : stmt.catches) {
      std::string names;
      for (const std::string& name : clause.names) names += " " + name;
      line(depth + 1, "catch" + names);
      dump_block(clause.body, depth + 2);
    }
  }

  void dump_expr(const Expr& expr, int depth) {
    switch (expr.kind) {
      case ExprKind::kIntLiteral: line(depth, fmt::format("int {}", expr.int_value)); return;
      case ExprKind::kFloatLiteral: line(depth, fmt::format("float {}", expr.float_value)); return;
      case ExprKind::kDurationLiteral: line(depth, fmt::format("duration {}ns", expr.int_value)); return;
      case ExprKind::kBoolLiteral: line(depth, expr.bool_value ? "true" : "false"); return;
      case ExprKind::kNoneLiteral: line(depth, "none"); return;
      case ExprKind::kName: line(depth, "name " + expr.name); return;
      case ExprKind::kStringLiteral:
        line(depth, "string");
        for (const StringPart& part : expr.parts) {
          if (part.expr) {
            dump_expr(*part.expr, depth + 1);
          } else {
            line(depth + 1, fmt::format("text {:?}", part.text));
          }
        }
        return;
      case ExprKind::kCall: line(depth, "call " + expr.name); break;
      case ExprKind::kChannelNew: line(depth, fmt::format("{}[{}]", expr.name, type_text(*expr.type_arg))); break;
      case ExprKind::kField: line(depth, "field " + expr.name); break;
      case ExprKind::kTupleField: line(depth, fmt::format("field {}", expr.int_value)); break;
      case ExprKind::kIndex: line(depth, "index"); break;
      case ExprKind::kUnary:
        line(depth, expr.unary_op == UnaryOp::kNot ? "not" : expr.unary_op == UnaryOp::kBitNot ? "invert" : "negate");
        break;
      case ExprKind::kBinary: line(depth, fmt::format("binary {}", binary_op_text(expr.binary_op))); break;
      case ExprKind::kRange: line(depth, expr.inclusive ? "range ..=" : "range .."); break;
      case ExprKind::kSlice: line(depth, expr.inclusive ? "slice ..=" : "slice .."); break;
      case ExprKind::kConditional: line(depth, "if-else"); break;
      case ExprKind::kList: line(depth, "list"); break;
      case ExprKind::kMap: line(depth, "map"); break;
      case ExprKind::kTuple: line(depth, "tuple"); break;
      case ExprKind::kRecord:
        line(depth, "record " + expr.name);
        for (const FieldInit& field : expr.fields) {
          line(depth + 1, field.name + ":");
          dump_expr(*field.value, depth + 2);
        }
        return;
      case ExprKind::kGather: line(depth, expr.settle ? "gather settle" : "gather"); break;
      case ExprKind::kGatherEach:
        line(depth, fmt::format("gather{} for {}{}", expr.settle ? " settle" : "", pattern_text(expr.pattern),
                                expr.as_completed ? " as completed" : ""));
        break;
      case ExprKind::kRaceEach: line(depth, fmt::format("race for {}", pattern_text(expr.pattern))); break;
      case ExprKind::kRace: line(depth, "race"); break;
      case ExprKind::kTimeout: line(depth, "timeout"); break;
      case ExprKind::kTryElse: line(depth, "try-else"); break;
      case ExprKind::kKeyFunction: line(depth, fmt::format("key {}", pattern_text(expr.pattern))); break;
      case ExprKind::kInvalid: line(depth, "invalid"); break;
    }
    for (const ExprPtr& operand : expr.operands) {
      if (operand) {
        dump_expr(*operand, depth + 1);
      } else {
        line(depth + 1, "(none)");
      }
    }
  }

  const source::SourceMap& sources_;
  std::string out_;
};

}  // namespace

std::string dump(const Module& module, const source::SourceMap& sources) {
  return Dumper(sources).run(module);
}

}  // namespace taskc::ast
