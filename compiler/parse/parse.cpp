#include "compiler/parse/parse.hpp"

#include <TaskLexer.h>
#include <TaskParser.h>
#include <antlr4-runtime.h>
#include <fmt/format.h>

#include <algorithm>

#include "compiler/parse/byte_stream.hpp"
#include "compiler/parse/literals.hpp"
#include "compiler/parse/nesting.hpp"
#include "compiler/parse/python_habits.hpp"
#include "compiler/parse/syntax_errors.hpp"

namespace taskc::parse {

// Parses the text of one `{…}` interpolation, [begin, end) in `file`.
// How deep the text being parsed sits (an interpolation: the string it is in).
struct Nesting {
  std::size_t rules = 0;  // towards kMaxTreeDepth
  std::size_t exprs = 0;  // towards kMaxExprDepth
};

ast::ExprPtr parse_interpolation_in(const source::SourceFile& file, diag::DiagnosticSink& sink, std::uint32_t begin,
                                    std::uint32_t end, Nesting around);

namespace {

using taskc_grammar::TaskLexer;
using taskc_grammar::TaskParser;

// Builds our AST by walking ANTLR's context accessors. After a syntax error the
// tree can miss any child, so every access here tolerates null and missing
// tokens; the result is then only used for reporting, never checked.
class AstBuilder {
 public:
  // `offset` is where the parsed text starts in the file: non-zero when parsing
  // the interpolation inside a string.
  AstBuilder(const source::SourceFile& file, diag::DiagnosticSink& sink, std::uint32_t offset, Nesting around)
      : file_(file), sink_(sink), offset_(offset), nesting_(around) {}

  ast::Module module(TaskParser::Module_Context* tree) {
    ast::Module module;
    module.file = file_.id();
    for (TaskParser::ItemContext* item : tree->item()) {
      if (auto built = this->item(item)) module.items.push_back(std::move(*built));
    }
    return module;
  }

  // Any expression; past kMaxExprDepth, a diagnostic and an error expression in its place.
  ast::ExprPtr expr(TaskParser::ExprContext* node);

 private:
  ast::ExprPtr expr_below_limit(TaskParser::ExprContext* node);

  // --- spans and tokens -------------------------------------------------------

  source::Span span(const antlr4::Token* token) const {
    if (token == nullptr || token->getStartIndex() == INVALID_INDEX) return source::Span{file_.id(), offset_, offset_};
    return source::Span{file_.id(), offset_ + static_cast<std::uint32_t>(token->getStartIndex()),
                        offset_ + static_cast<std::uint32_t>(token->getStopIndex() + 1)};
  }

  source::Span span(antlr4::ParserRuleContext* node) const {
    if (node == nullptr || node->getStart() == nullptr) return source::Span{file_.id(), offset_, offset_};
    source::Span start = span(node->getStart());
    const antlr4::Token* stop = node->getStop();
    // After error recovery a rule can end before it starts.
    if (stop == nullptr || stop->getStopIndex() == INVALID_INDEX ||
        stop->getStopIndex() + 1 < node->getStart()->getStartIndex()) {
      return start;
    }
    return source::Span{file_.id(), start.begin, offset_ + static_cast<std::uint32_t>(stop->getStopIndex() + 1)};
  }

  source::Span span(antlr4::tree::TerminalNode* node) const { return span(node ? node->getSymbol() : nullptr); }

  // A token that the parser really read (error recovery invents missing ones).
  static bool present(antlr4::tree::TerminalNode* node) {
    return node != nullptr && node->getSymbol()->getTokenIndex() != INVALID_INDEX &&
           node->getSymbol()->getStartIndex() != INVALID_INDEX;
  }

  std::string text(antlr4::tree::TerminalNode* node) const {
    return present(node) ? std::string(file_.text(span(node))) : std::string();
  }

  ast::ExprPtr error_expr(source::Span where) const {
    auto expr = std::make_unique<ast::Expr>();
    expr->kind = ast::ExprKind::kInvalid;
    expr->span = where;
    return expr;
  }

  ast::ExprPtr expr_or_error(TaskParser::ExprContext* node, antlr4::ParserRuleContext* parent) {
    if (node == nullptr) return error_expr(span(parent));
    return expr(node);
  }

  // --- items ------------------------------------------------------------------

  std::optional<ast::Item> item(TaskParser::ItemContext* node) {
    ast::Item item;
    item.span = span(node);
    antlr4::tree::TerminalNode* name = nullptr;
    if (auto* n = node->importItem()) {
      item.kind = ast::ItemKind::kImport;
      name = n->STRING();
      item.name = plain_string(name);
    } else if (auto* n = node->useItem()) {
      item.kind = ast::ItemKind::kUse;
      name = n->STRING();
      item.name = plain_string(name);
    } else if (auto* n = node->typeDecl()) {
      item.kind = ast::ItemKind::kType;
      name = n->ID();
      for (auto* field : n->fieldDecl()) {
        ast::Param& out = item.fields.emplace_back(param(field->ID(), field->type_()));
        if (field->AS()) {
          out.json_name = plain_string(field->STRING());
          out.json_name_span = span(field->STRING());
        }
      }
    } else if (auto* n = node->constDecl()) {
      item.kind = ast::ItemKind::kConst;
      name = n->ID();
      if (n->type_()) item.declared_type = type(n->type_());
      item.value = expr_or_error(n->expr(), n);
    } else if (auto* n = node->semaphoreDecl()) {
      item.kind = ast::ItemKind::kSemaphore;
      name = n->ID();
      item.value = expr_or_error(n->expr(), n);
    } else if (auto* n = node->rateLimitDecl()) {
      item.kind = ast::ItemKind::kRateLimit;
      name = n->ID();
      item.value = expr_or_error(n->count, n);
      item.period = expr_or_error(n->period, n);
    } else if (auto* n = node->sharedDecl()) {
      item.kind = ast::ItemKind::kShared;
      name = n->ID();
      if (n->type_()) item.declared_type = type(n->type_());
      item.value = expr_or_error(n->expr(), n);
    } else if (auto* n = node->taskDecl()) {
      item.kind = ast::ItemKind::kTask;
      name = n->ID();
      item.task_kind = n->kind && n->kind->getType() == TaskLexer::CPU ? ast::TaskKind::kCpu : ast::TaskKind::kIo;
      signature(n->signature(), item);
      for (auto* clause : n->clause()) clauses(clause, item.clauses);
      item.body = block(n->block());
    } else if (auto* n = node->externTaskDecl()) {
      item.kind = ast::ItemKind::kExternTask;
      name = n->ID();
      item.task_kind = n->kind && n->kind->getType() == TaskLexer::CPU ? ast::TaskKind::kCpu : ast::TaskKind::kIo;
      signature(n->signature(), item);
      for (auto* clause : n->clause()) clauses(clause, item.clauses);
      item.extern_symbol = plain_string(n->STRING());
      item.extern_span = span(n->STRING());
    } else if (auto* n = node->flowDecl()) {
      item.kind = ast::ItemKind::kFlow;
      item.task_kind = ast::TaskKind::kFlow;
      name = n->ID();
      signature(n->signature(), item);
      item.body = block(n->block());
    } else {
      return std::nullopt;
    }
    if (!present(name)) return std::nullopt;
    item.name_span = span(name);
    // Imports and uses are named by their string's contents, which may be empty.
    bool by_string = item.kind == ast::ItemKind::kImport || item.kind == ast::ItemKind::kUse;
    if (item.name.empty() && !by_string) item.name = text(name);
    return item;
  }

  // The contents of a string literal without interpolation (paths, symbols).
  std::string plain_string(antlr4::tree::TerminalNode* node) {
    if (!present(node)) return {};
    std::vector<ast::StringPart> parts = string_parts(node);
    std::string out;
    for (const ast::StringPart& part : parts) {
      if (part.expr) {
        sink_.error(diag::Code::kInvalidLiteral, part.expr->span, "interpolation is not allowed here")
            .with_label("this string must be a constant")
            .help("write `\\{` for a literal brace");
      } else {
        out += part.text;
      }
    }
    return out;
  }

  ast::Param param(antlr4::tree::TerminalNode* name, TaskParser::Type_Context* type_node) {
    ast::Param param;
    param.name = text(name);
    param.name_span = span(name);
    param.type = type(type_node);
    return param;
  }

  void signature(TaskParser::SignatureContext* node, ast::Item& item) {
    if (node == nullptr) return;
    for (auto* p : node->param()) {
      item.params.push_back(param(p->ID(), p->type_()));
      if (p->expr()) item.params.back().default_value = expr(p->expr());
    }
    if (node->ARROW()) item.result = type(node->type_());
  }

  // A clause; `uses net, api` gives one per name.
  void clauses(TaskParser::ClauseContext* node, std::vector<ast::Clause>& out) {
    auto* uses = dynamic_cast<TaskParser::UsesClauseContext*>(node);
    if (uses == nullptr) {
      out.push_back(clause(node));
      return;
    }
    for (auto* target : uses->usesTarget()) {
      ast::Clause& clause = out.emplace_back();
      clause.span = span(target);
      clause.kind = ast::Clause::Kind::kUses;
      clause.name = text(target->ID());
      clause.name_span = span(target->ID());
      if (target->clauseValue()) clause.value = clause_value(target->clauseValue());
    }
  }

  ast::Clause clause(TaskParser::ClauseContext* node) {
    ast::Clause clause;
    clause.span = span(node);
    if (auto* n = dynamic_cast<TaskParser::TimeoutClauseContext*>(node)) {
      clause.kind = ast::Clause::Kind::kTimeout;
      clause.value = clause_value(n->clauseValue());
    } else if (auto* n = dynamic_cast<TaskParser::RetryClauseContext*>(node)) {
      clause.kind = ast::Clause::Kind::kRetry;
      clause.value = clause_value(n->clauseValue(0));
      if (n->BACKOFF()) clause.backoff = clause_value(n->clauseValue(1));
      for (auto* kind : n->ID()) {
        clause.on_kinds.push_back(text(kind));
        clause.on_spans.push_back(span(kind));
      }
    } else if (dynamic_cast<TaskParser::InProcessClauseContext*>(node)) {
      clause.kind = ast::Clause::Kind::kInProcess;
    } else {
      clause.kind = ast::Clause::Kind::kBlocking;
    }
    return clause;
  }

  ast::ExprPtr clause_value(TaskParser::ClauseValueContext* node) {
    if (node == nullptr) return error_expr(source::Span{file_.id(), offset_, offset_});
    if (node->expr()) return expr(node->expr());
    return literal_or_name(node->getStart(), span(node));
  }

  // --- types ------------------------------------------------------------------

  ast::TypeExpr type(TaskParser::Type_Context* node) {
    if (node == nullptr || node->baseType() == nullptr) {
      ast::TypeExpr error;
      error.span = span(node);
      return error;
    }
    ast::TypeExpr result = base_type(node->baseType());
    // Each `?` wraps once more: `int??` is legal syntax that the checker rejects.
    for (auto* question : node->QUESTION()) {
      ast::TypeExpr optional;
      optional.kind = ast::TypeExpr::Kind::kOptional;
      optional.span = source::Span::cover(result.span, span(question));
      optional.args.push_back(std::move(result));
      result = std::move(optional);
    }
    return result;
  }

  ast::TypeExpr base_type(TaskParser::BaseTypeContext* node) {
    ast::TypeExpr type;
    type.span = span(node);
    if (auto* n = dynamic_cast<TaskParser::NamedTypeContext*>(node)) {
      type.kind = ast::TypeExpr::Kind::kNamed;
      type.name = text(n->ID());
      for (auto* arg : n->type_()) type.args.push_back(this->type(arg));
    } else if (auto* n = dynamic_cast<TaskParser::TupleTypeContext*>(node)) {
      type.kind = ast::TypeExpr::Kind::kTuple;
      for (auto* arg : n->type_()) type.args.push_back(this->type(arg));
    }
    return type;
  }

  // --- statements -------------------------------------------------------------

  ast::Block block(TaskParser::BlockContext* node) {
    ast::Block block;
    if (node == nullptr) return block;
    block.span = span(node);
    std::vector<TaskParser::StmtContext*> stmts = node->stmt();
    for (std::size_t i = 0; i < stmts.size(); ++i) {
      if (dynamic_cast<TaskParser::EmptyStmtContext*>(stmts[i])) continue;
      if (i + 1 < stmts.size()) {
        if (auto* assign = foreign_declaration(stmts[i], stmts[i + 1])) {
          block.stmts.push_back(declaration(stmts[i], assign));
          ++i;
          continue;
        }
      }
      block.stmts.push_back(this->stmt(stmts[i]));
    }
    return block;
  }

  static bool is_one_name(antlr4::ParserRuleContext* node) {
    return node->getStart() == node->getStop() && node->getStart()->getType() == TaskParser::ID;
  }

  // `var n = 0` (or `int n = 0`, `val`, `auto`: another language's declaration)
  // parses as a bare name and then an assignment on the same line: the
  // assignment, when so.
  static TaskParser::AssignStmtContext* foreign_declaration(TaskParser::StmtContext* first,
                                                            TaskParser::StmtContext* second) {
    auto* word = dynamic_cast<TaskParser::ExprStmtContext*>(first);
    auto* assign = dynamic_cast<TaskParser::AssignStmtContext*>(second);
    if (word == nullptr || assign == nullptr || assign->op->getType() != TaskParser::ASSIGN) return nullptr;
    if (!is_one_name(word) || !is_one_name(assign->expr(0))) return nullptr;
    if (word->getStop()->getLine() != assign->getStart()->getLine()) return nullptr;
    return assign;
  }

  // Reported (E0013) and read as `let n = 0`, so checking goes on without an
  // unknown name at every use of `n`.
  ast::Stmt declaration(TaskParser::StmtContext* word, TaskParser::AssignStmtContext* assign) {
    std::string keyword = word->getText();
    std::string name = assign->expr(0)->getText();
    bool is_type =
        keyword == "int" || keyword == "float" || keyword == "str" || keyword == "bool" || keyword == "duration";
    sink_
        .error(diag::Code::kForeignDeclaration, span(word),
               fmt::format("`{} {} = …` declares nothing here: a variable is declared with `let`", keyword, name))
        .with_label("not a declaration here")
        .help(is_type ? fmt::format("write `let {}: {} = …`", name, keyword) : fmt::format("write `let {} = …`", name));
    ast::Stmt stmt;
    stmt.kind = ast::StmtKind::kLet;
    stmt.span = source::Span{file_.id(), span(word).begin, span(assign).end};
    stmt.pattern.span = span(assign->expr(0));
    stmt.pattern.names.push_back(name);
    stmt.pattern.name_spans.push_back(span(assign->expr(0)));
    stmt.value = expr_or_error(assign->expr(1), assign);
    return stmt;
  }

  ast::Pattern pattern(TaskParser::PatternContext* node) {
    ast::Pattern pattern;
    pattern.span = span(node);
    if (auto* n = dynamic_cast<TaskParser::NamePatternContext*>(node)) {
      pattern.names.push_back(text(n->ID()));
      pattern.name_spans.push_back(span(n->ID()));
    } else if (auto* n = dynamic_cast<TaskParser::TuplePatternContext*>(node)) {
      pattern.is_tuple = true;
      std::vector<ast::Pattern> parts;
      for (auto* part : n->pattern()) parts.push_back(this->pattern(part));
      bool nested = std::any_of(parts.begin(), parts.end(), [](const ast::Pattern& p) { return p.is_tuple; });
      for (ast::Pattern& part : parts) {
        pattern.names.push_back(part.is_tuple ? "_" : part.names.empty() ? "?" : part.names[0]);
        pattern.name_spans.push_back(part.is_tuple || part.name_spans.empty() ? part.span : part.name_spans[0]);
        if (nested) pattern.nested.push_back(part.is_tuple ? std::move(part) : ast::Pattern{});
      }
    }
    return pattern;
  }

  ast::Stmt stmt(TaskParser::StmtContext* node) {
    ast::Stmt stmt;
    stmt.span = span(node);
    if (auto* n = dynamic_cast<TaskParser::LetStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kLet;
      stmt.pattern = pattern(n->pattern());
      if (n->type_()) stmt.declared_type = type(n->type_());
      stmt.value = expr_or_error(n->expr(), n);
      for (auto* id : n->ID()) {
        stmt.after.push_back(text(id));
        stmt.after_spans.push_back(span(id));
      }
    } else if (auto* n = dynamic_cast<TaskParser::AssignStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kAssign;
      stmt.target = expr_or_error(n->expr(0), n);
      stmt.value = expr_or_error(n->expr(1), n);
      stmt.assign_op = assign_op(n->op);
      check_assign_target(*stmt.target);
    } else if (auto* n = dynamic_cast<TaskParser::IfStatementContext*>(node)) {
      return if_stmt(n->ifStmt());
    } else if (auto* n = dynamic_cast<TaskParser::WhileStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kWhile;
      stmt.value = expr_or_error(n->expr(), n);
      stmt.body = block(n->block());
    } else if (auto* n = dynamic_cast<TaskParser::ForStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kFor;
      stmt.pattern = pattern(n->pattern());
      stmt.value = expr_or_error(n->expr(), n);
      stmt.body = block(n->block());
    } else if (dynamic_cast<TaskParser::BreakStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kBreak;
    } else if (dynamic_cast<TaskParser::ContinueStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kContinue;
    } else if (auto* n = dynamic_cast<TaskParser::ReturnStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kReturn;
      if (n->expr()) stmt.value = expr(n->expr());
    } else if (auto* n = dynamic_cast<TaskParser::FailStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kFail;
      stmt.value = expr_or_error(n->expr(), n);
    } else if (auto* n = dynamic_cast<TaskParser::WithStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kWith;
      stmt.name = text(n->ID());
      stmt.name_span = span(n->ID());
      stmt.body = block(n->block());
    } else if (auto* n = dynamic_cast<TaskParser::TryStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kTry;
      stmt.body = block(n->block());
      for (auto* c : n->catchClause()) {
        ast::CatchClause clause;
        clause.span = span(c);
        for (auto* id : c->ID()) {
          clause.names.push_back(text(id));
          clause.name_spans.push_back(span(id));
        }
        clause.body = block(c->block());
        stmt.catches.push_back(std::move(clause));
      }
    } else if (auto* n = dynamic_cast<TaskParser::ExprStmtContext*>(node)) {
      stmt.kind = ast::StmtKind::kExpr;
      stmt.value = expr_or_error(n->expr(), n);
    }
    return stmt;
  }

  ast::Stmt if_stmt(TaskParser::IfStmtContext* node) {
    ast::Stmt stmt;
    stmt.kind = ast::StmtKind::kIf;
    stmt.span = span(node);
    if (node == nullptr) return stmt;
    stmt.value = expr_or_error(node->expr(), node);
    stmt.body = block(node->block(0));
    else_part(stmt, node->ELSE(), node->ifStmt(), node->block().size() > 1 ? node->block(1) : nullptr,
              node->elifClause());
    return stmt;
  }

  // `elif c { … }` is reported and read as `else if c { … }`, so checking goes on.
  ast::Stmt elif_clause(TaskParser::ElifClauseContext* node) {
    ast::Stmt stmt;
    stmt.kind = ast::StmtKind::kIf;
    stmt.span = span(node);
    sink_.error(diag::Code::kElif, span(node->ELIF()), "`elif` is written `else if`")
        .with_label("Python's `elif`")
        .help("write `} else if condition {`");
    stmt.value = expr_or_error(node->expr(), node);
    stmt.body = block(node->block(0));
    else_part(stmt, node->ELSE(), node->ifStmt(), node->block().size() > 1 ? node->block(1) : nullptr,
              node->elifClause());
    return stmt;
  }

  void else_part(ast::Stmt& stmt, antlr4::tree::TerminalNode* has_else, TaskParser::IfStmtContext* else_if,
                 TaskParser::BlockContext* else_block, TaskParser::ElifClauseContext* elif) {
    if (else_if != nullptr || elif != nullptr) {
      ast::Block chained;
      chained.span = else_if ? span(else_if) : span(elif);
      chained.stmts.push_back(else_if ? if_stmt(else_if) : elif_clause(elif));
      stmt.else_body = std::move(chained);
    } else if (has_else != nullptr) {
      stmt.else_body = block(else_block);
    }
  }

  // `&&`, `||` and `!`: reported, and read as the words they stand for.
  void report_c_operator(const antlr4::Token* op, std::string_view word) {
    source::Span where{file_.id(), offset_ + static_cast<std::uint32_t>(op->getStartIndex()),
                       offset_ + static_cast<std::uint32_t>(op->getStopIndex() + 1)};
    sink_.error(diag::Code::kSymbolicLogic, where, fmt::format("`{}` is written `{}`", op->getText(), word))
        .with_label(fmt::format("write `{}`", word))
        .note("the logical operators are the words `and`, `or` and `not`");
  }

  static ast::AssignOp assign_op(const antlr4::Token* op) {
    switch (op ? op->getType() : static_cast<size_t>(TaskLexer::ASSIGN)) {
      case TaskLexer::PLUS_ASSIGN: return ast::AssignOp::kAdd;
      case TaskLexer::MINUS_ASSIGN: return ast::AssignOp::kSub;
      case TaskLexer::STAR_ASSIGN: return ast::AssignOp::kMul;
      case TaskLexer::SLASH_ASSIGN: return ast::AssignOp::kDiv;
      case TaskLexer::PERCENT_ASSIGN: return ast::AssignOp::kMod;
      default: return ast::AssignOp::kSet;
    }
  }

  void check_assign_target(const ast::Expr& target) {
    const ast::Expr* base = &target;
    while (base->kind == ast::ExprKind::kField || base->kind == ast::ExprKind::kIndex ||
           base->kind == ast::ExprKind::kTupleField) {
      base = base->operands.at(0).get();
    }
    if (base->kind != ast::ExprKind::kName) {
      sink_.error(diag::Code::kInvalidAssignTarget, target.span, "cannot assign to this expression")
          .with_label("not a variable, element or field")
          .help("assign to a variable (`x = …`), a list or map element (`xs[i] = …`) or a field (`p.url = …`)");
    }
  }

  // --- expressions ------------------------------------------------------------

  ast::ExprPtr make(ast::ExprKind kind, antlr4::ParserRuleContext* node) {
    auto expr = std::make_unique<ast::Expr>();
    expr->kind = kind;
    expr->span = span(node);
    return expr;
  }

  // `gather f(x) for x in xs limit n` and `race f(x) for x in xs limit n`:
  // the element expression is always a call.
  ast::ExprPtr each(ast::ExprKind kind, antlr4::ParserRuleContext* node, antlr4::tree::TerminalNode* callee,
                    antlr4::tree::TerminalNode* close, TaskParser::ArgsContext* args,
                    TaskParser::PatternContext* pattern_node, TaskParser::ExprContext* iterable,
                    TaskParser::ExprContext* limit) {
    auto out = make(kind, node);
    auto call = std::make_unique<ast::Expr>();
    call->kind = ast::ExprKind::kCall;
    call->name = text(callee);
    call->name_span = span(callee);
    call->span = source::Span::cover(span(callee), span(close));
    add_args(args, *call);
    out->operands.push_back(std::move(call));
    out->pattern = pattern(pattern_node);
    out->operands.push_back(expr_or_error(iterable, node));
    out->operands.push_back(limit ? expr_or_error(limit, node) : nullptr);
    return out;
  }

  void add_args(TaskParser::ArgsContext* args, ast::Expr& expr) {
    if (args == nullptr) return;
    for (auto* arg : args->expr()) expr.operands.push_back(this->expr(arg));
  }

  ast::ExprPtr parse_interpolation(std::uint32_t begin, std::uint32_t end, Nesting around) {
    return parse_interpolation_in(file_, sink_, begin, end, around);
  }

  ast::ExprPtr primary(TaskParser::PrimaryContext* node);
  ast::ExprPtr literal_or_name(const antlr4::Token* token, source::Span where);
  std::vector<ast::StringPart> string_parts(antlr4::tree::TerminalNode* node);

  const source::SourceFile& file_;
  diag::DiagnosticSink& sink_;
  std::uint32_t offset_;
  Nesting nesting_;  // exprs: the expressions being built around the current one
  bool reported_too_deep_ = false;
};

ast::ExprPtr AstBuilder::expr(TaskParser::ExprContext* node) {
  if (node == nullptr) return error_expr(source::Span{file_.id(), offset_, offset_});
  if (nesting_.exprs >= kMaxExprDepth) {
    // Once per file: the levels above it would each say the same.
    if (!reported_too_deep_) report_expression_too_deep(span(node), sink_);
    reported_too_deep_ = true;
    return error_expr(span(node));
  }
  ++nesting_.exprs;
  ast::ExprPtr built = expr_below_limit(node);
  --nesting_.exprs;
  return built;
}

ast::ExprPtr AstBuilder::expr_below_limit(TaskParser::ExprContext* node) {
  if (auto* n = dynamic_cast<TaskParser::PrimaryExprContext*>(node)) return primary(n->primary());

  if (auto* n = dynamic_cast<TaskParser::CallExprContext*>(node)) {
    auto call = make(ast::ExprKind::kCall, n);
    ast::ExprPtr callee = expr_or_error(n->expr(), n);
    if (callee->kind == ast::ExprKind::kName) {
      call->name = callee->name;
      call->name_span = callee->span;
    } else if (callee->kind == ast::ExprKind::kField) {
      std::vector<std::string_view> args;
      if (n->args()) {
        for (auto* arg : n->args()->expr()) args.push_back(file_.text(span(arg)));
      }
      report_method_call(*callee, file_.text(callee->operands[0]->span), args, sink_);
      call->kind = ast::ExprKind::kInvalid;
      call->operands.push_back(std::move(callee->operands[0]));
    } else {
      sink_.error(diag::Code::kCallOfNonName, callee->span, "only tasks, flows and builtins can be called")
          .with_label("this is not a name")
          .note("the language has no function values; call a task by its name, as in `fetch(url)`");
      call->kind = ast::ExprKind::kInvalid;
    }
    add_args(n->args(), *call);
    return call;
  }
  if (auto* n = dynamic_cast<TaskParser::FieldExprContext*>(node)) {
    auto field = make(ast::ExprKind::kField, n);
    field->operands.push_back(expr_or_error(n->expr(), n));
    field->name = text(n->ID());
    field->name_span = span(n->ID());
    return field;
  }
  if (auto* n = dynamic_cast<TaskParser::TupleFieldExprContext*>(node)) {
    auto field = make(ast::ExprKind::kTupleField, n);
    field->operands.push_back(expr_or_error(n->expr(), n));
    field->name_span = span(n->INT());
    if (!parse_int(file_.text(field->name_span), field->int_value)) field->int_value = -1;
    return field;
  }
  if (auto* n = dynamic_cast<TaskParser::IndexExprContext*>(node)) {
    ast::ExprPtr container = expr_or_error(n->expr(0), n);
    ast::ExprPtr index = expr_or_error(n->expr(1), n);
    if (index->kind == ast::ExprKind::kRange) {
      // `xs[a..b]` is a slice, not an index by a list.
      auto slice = make(ast::ExprKind::kSlice, n);
      slice->inclusive = index->inclusive;
      slice->operands.push_back(std::move(container));
      slice->operands.push_back(std::move(index->operands[0]));
      slice->operands.push_back(std::move(index->operands[1]));
      return slice;
    }
    auto out = make(ast::ExprKind::kIndex, n);
    out->operands.push_back(std::move(container));
    out->operands.push_back(std::move(index));
    return out;
  }
  if (auto* n = dynamic_cast<TaskParser::SliceExprContext*>(node)) {
    auto slice = make(ast::ExprKind::kSlice, n);
    slice->inclusive = n->op && n->op->getType() == TaskLexer::DOTDOTEQ;
    slice->operands.push_back(expr_or_error(n->expr(0), n));
    slice->operands.push_back(n->from ? expr(n->from) : nullptr);
    slice->operands.push_back(n->to ? expr(n->to) : nullptr);
    if (slice->inclusive && !n->to) {
      sink_.error(diag::Code::kSyntaxError, span(n->op), "`..=` needs an end")
          .with_label("inclusive of what?")
          .help("write `xs[a..]` for everything from `a` on");
    }
    return slice;
  }
  if (auto* n = dynamic_cast<TaskParser::NegateExprContext*>(node)) {
    ast::ExprPtr operand = expr_or_error(n->expr(), n);
    if (n->op && n->op->getType() == TaskLexer::TILDE) {
      auto invert = make(ast::ExprKind::kUnary, n);
      invert->unary_op = ast::UnaryOp::kBitNot;
      invert->operands.push_back(std::move(operand));
      return invert;
    }
    // Fold `-<literal>` so that the most negative int can be written.
    if (operand->kind == ast::ExprKind::kIntLiteral || operand->kind == ast::ExprKind::kFloatLiteral ||
        operand->kind == ast::ExprKind::kDurationLiteral) {
      operand->int_value = -operand->int_value;
      operand->float_value = -operand->float_value;
      operand->span = span(n);
      return operand;
    }
    auto negate = make(ast::ExprKind::kUnary, n);
    negate->unary_op = ast::UnaryOp::kNegate;
    negate->operands.push_back(std::move(operand));
    return negate;
  }
  if (auto* n = dynamic_cast<TaskParser::NotExprContext*>(node)) {
    if (n->op && n->op->getType() == TaskLexer::BANG) report_c_operator(n->op, "not");
    auto negate = make(ast::ExprKind::kUnary, n);
    negate->unary_op = ast::UnaryOp::kNot;
    negate->operands.push_back(expr_or_error(n->expr(), n));
    return negate;
  }
  if (auto* n = dynamic_cast<TaskParser::KeyFunctionExprContext*>(node)) {
    auto key = make(ast::ExprKind::kKeyFunction, n);
    key->pattern = pattern(n->pattern());
    key->operands.push_back(expr_or_error(n->expr(), n));
    return key;
  }
  if (auto* n = dynamic_cast<TaskParser::ConditionalExprContext*>(node)) {
    auto conditional = make(ast::ExprKind::kConditional, n);
    conditional->operands.push_back(expr_or_error(n->expr(1), n));
    conditional->operands.push_back(expr_or_error(n->expr(0), n));
    conditional->operands.push_back(expr_or_error(n->expr(2), n));
    return conditional;
  }
  if (auto* n = dynamic_cast<TaskParser::RangeExprContext*>(node)) {
    auto range = make(ast::ExprKind::kRange, n);
    range->inclusive = n->op && n->op->getType() == TaskLexer::DOTDOTEQ;
    range->operands.push_back(expr_or_error(n->expr(0), n));
    range->operands.push_back(expr_or_error(n->expr(1), n));
    return range;
  }
  if (auto* n = dynamic_cast<TaskParser::TimeoutExprContext*>(node)) {
    auto timeout = make(ast::ExprKind::kTimeout, n);
    timeout->operands.push_back(expr_or_error(n->expr(0), n));
    timeout->operands.push_back(expr_or_error(n->expr(1), n));
    timeout->operands.push_back(n->ELSE() ? expr_or_error(n->expr(2), n) : nullptr);
    return timeout;
  }
  if (auto* n = dynamic_cast<TaskParser::TryElseExprContext*>(node)) {
    auto try_else = make(ast::ExprKind::kTryElse, n);
    try_else->operands.push_back(expr_or_error(n->expr(0), n));
    try_else->operands.push_back(expr_or_error(n->expr(1), n));
    return try_else;
  }

  // The binary operators.
  auto binary = make(ast::ExprKind::kBinary, node);
  const antlr4::Token* op = nullptr;
  if (auto* n = dynamic_cast<TaskParser::MulExprContext*>(node)) op = n->op;
  if (auto* n = dynamic_cast<TaskParser::AddExprContext*>(node)) op = n->op;
  if (auto* n = dynamic_cast<TaskParser::ShiftExprContext*>(node)) op = n->op;
  if (auto* n = dynamic_cast<TaskParser::CompareExprContext*>(node)) op = n->op;
  if (auto* n = dynamic_cast<TaskParser::AndExprContext*>(node)) op = n->op;
  if (auto* n = dynamic_cast<TaskParser::OrExprContext*>(node)) op = n->op;
  if (op != nullptr) {
    switch (op->getType()) {
      case TaskLexer::STAR: binary->binary_op = ast::BinaryOp::kMul; break;
      case TaskLexer::SLASH: binary->binary_op = ast::BinaryOp::kDiv; break;
      case TaskLexer::PERCENT: binary->binary_op = ast::BinaryOp::kMod; break;
      case TaskLexer::PLUS: binary->binary_op = ast::BinaryOp::kAdd; break;
      case TaskLexer::MINUS: binary->binary_op = ast::BinaryOp::kSub; break;
      case TaskLexer::SHL: binary->binary_op = ast::BinaryOp::kShl; break;
      case TaskLexer::SHR: binary->binary_op = ast::BinaryOp::kShr; break;
      case TaskLexer::EQ: binary->binary_op = ast::BinaryOp::kEq; break;
      case TaskLexer::NE: binary->binary_op = ast::BinaryOp::kNe; break;
      case TaskLexer::LT: binary->binary_op = ast::BinaryOp::kLt; break;
      case TaskLexer::LE: binary->binary_op = ast::BinaryOp::kLe; break;
      case TaskLexer::GT: binary->binary_op = ast::BinaryOp::kGt; break;
      case TaskLexer::GE: binary->binary_op = ast::BinaryOp::kGe; break;
      case TaskLexer::AMPAMP: report_c_operator(op, "and"); [[fallthrough]];
      case TaskLexer::AND: binary->binary_op = ast::BinaryOp::kAnd; break;
      case TaskLexer::PIPEPIPE: report_c_operator(op, "or"); [[fallthrough]];
      default: binary->binary_op = ast::BinaryOp::kOr; break;
    }
  } else if (auto* n = dynamic_cast<TaskParser::MemberExprContext*>(node)) {
    binary->binary_op = n->NOT() ? ast::BinaryOp::kNotIn : ast::BinaryOp::kIn;
  } else if (dynamic_cast<TaskParser::PowerExprContext*>(node)) {
    binary->binary_op = ast::BinaryOp::kPow;
  } else if (dynamic_cast<TaskParser::BitAndExprContext*>(node)) {
    binary->binary_op = ast::BinaryOp::kBitAnd;
  } else if (dynamic_cast<TaskParser::BitXorExprContext*>(node)) {
    binary->binary_op = ast::BinaryOp::kBitXor;
  } else if (dynamic_cast<TaskParser::BitOrExprContext*>(node)) {
    binary->binary_op = ast::BinaryOp::kBitOr;
  } else {
    return error_expr(span(node));
  }
  binary->operands.push_back(expr_or_error(node->getRuleContext<TaskParser::ExprContext>(0), node));
  binary->operands.push_back(expr_or_error(node->getRuleContext<TaskParser::ExprContext>(1), node));
  return binary;
}

ast::ExprPtr AstBuilder::literal_or_name(const antlr4::Token* token, source::Span where) {
  auto expr = std::make_unique<ast::Expr>();
  expr->span = where;
  std::string_view text = file_.text(where);
  switch (token ? token->getType() : 0) {
    case TaskLexer::INT:
      expr->kind = ast::ExprKind::kIntLiteral;
      if (!parse_int(text, expr->int_value)) {
        sink_.error(diag::Code::kInvalidLiteral, where, "integer literal does not fit in `int`")
            .with_label("larger than 9223372036854775807")
            .help("`int` is 64-bit; for larger magnitudes use a float such as `1e20`");
      }
      return expr;
    case TaskLexer::FLOAT:
      expr->kind = ast::ExprKind::kFloatLiteral;
      if (!parse_float(text, expr->float_value)) {
        sink_.error(diag::Code::kInvalidLiteral, where, "float literal is out of range").with_label("too large");
      }
      return expr;
    case TaskLexer::DURATION: {
      expr->kind = ast::ExprKind::kDurationLiteral;
      std::string problem;
      if (!parse_duration(text, expr->int_value, problem)) {
        sink_.error(diag::Code::kInvalidLiteral, where, "invalid duration literal").with_label(problem);
      }
      return expr;
    }
    case TaskLexer::ID:
      expr->kind = ast::ExprKind::kName;
      expr->name = std::string(text);
      expr->name_span = where;
      return expr;
    default: return error_expr(where);
  }
}

ast::ExprPtr AstBuilder::primary(TaskParser::PrimaryContext* node) {
  if (node == nullptr) return error_expr(source::Span{file_.id(), offset_, offset_});
  source::Span where = span(node);
  if (dynamic_cast<TaskParser::IntLitContext*>(node) || dynamic_cast<TaskParser::FloatLitContext*>(node) ||
      dynamic_cast<TaskParser::DurationLitContext*>(node) || dynamic_cast<TaskParser::NameRefContext*>(node)) {
    return literal_or_name(node->getStart(), where);
  }
  if (auto* n = dynamic_cast<TaskParser::RawStringLitContext*>(node)) {
    auto string = make(ast::ExprKind::kStringLiteral, n);
    std::string_view raw = file_.text(where);
    std::size_t quote = n->RAW_LONG_STRING() != nullptr ? 3 : 1;
    std::string contents;
    for (std::size_t i = 1 + quote; i + quote < raw.size(); ++i) {
      if (raw[i] == '\r' && raw[i + 1] == '\n') continue;  // a line break is `\n`, as in Python
      contents.push_back(raw[i]);
    }
    string->parts.push_back(ast::StringPart{std::move(contents), nullptr, std::nullopt, {}});
    return string;
  }
  if (auto* n = dynamic_cast<TaskParser::StringLitContext*>(node)) {
    auto string = make(ast::ExprKind::kStringLiteral, n);
    string->parts = string_parts(n->STRING() != nullptr ? n->STRING() : n->LONG_STRING());
    return string;
  }
  if (dynamic_cast<TaskParser::TrueLitContext*>(node) || dynamic_cast<TaskParser::FalseLitContext*>(node)) {
    auto boolean = make(ast::ExprKind::kBoolLiteral, node);
    boolean->bool_value = dynamic_cast<TaskParser::TrueLitContext*>(node) != nullptr;
    return boolean;
  }
  if (dynamic_cast<TaskParser::NoneLitContext*>(node)) return make(ast::ExprKind::kNoneLiteral, node);
  if (auto* n = dynamic_cast<TaskParser::GenericCallContext*>(node)) {
    auto call = make(ast::ExprKind::kChannelNew, n);
    call->name = text(n->ID());
    call->name_span = span(n->ID());
    call->type_arg = type(n->type_());
    add_args(n->args(), *call);
    return call;
  }
  if (auto* n = dynamic_cast<TaskParser::RecordLitContext*>(node)) {
    auto record = make(ast::ExprKind::kRecord, n);
    record->name = text(n->ID());
    record->name_span = span(n->ID());
    for (auto* init : n->fieldInit()) {
      record->fields.push_back(ast::FieldInit{text(init->ID()), span(init->ID()), expr_or_error(init->expr(), init)});
    }
    return record;
  }
  if (auto* n = dynamic_cast<TaskParser::ListLitContext*>(node)) {
    auto list = make(ast::ExprKind::kList, n);
    add_args(n->args(), *list);
    return list;
  }
  if (auto* n = dynamic_cast<TaskParser::MapLitContext*>(node)) {
    auto map = make(ast::ExprKind::kMap, n);
    for (auto* entry : n->mapEntry()) {
      map->operands.push_back(expr_or_error(entry->expr(0), entry));
      map->operands.push_back(expr_or_error(entry->expr(1), entry));
    }
    return map;
  }
  if (auto* n = dynamic_cast<TaskParser::TupleLitContext*>(node)) {
    auto tuple = make(ast::ExprKind::kTuple, n);
    for (auto* element : n->expr()) tuple->operands.push_back(expr(element));
    return tuple;
  }
  if (auto* n = dynamic_cast<TaskParser::ParenExprContext*>(node)) return expr_or_error(n->expr(), n);
  if (auto* n = dynamic_cast<TaskParser::GatherTupleContext*>(node)) {
    auto gather = make(ast::ExprKind::kGather, n);
    gather->settle = n->SETTLE() != nullptr;
    add_args(n->args(), *gather);
    return gather;
  }
  if (auto* n = dynamic_cast<TaskParser::GatherEachContext*>(node)) {
    auto gather = each(ast::ExprKind::kGatherEach, n, n->ID(0), n->RPAREN(), n->args(), n->pattern(), n->expr(0),
                       n->LIMIT() ? n->expr(1) : nullptr);
    gather->settle = n->SETTLE() != nullptr;
    if (n->AS()) {
      gather->as_completed = true;
      antlr4::tree::TerminalNode* word = n->ID(1);
      if (present(word) && text(word) != "completed") {
        sink_
            .error(diag::Code::kSyntaxError, span(word),
                   fmt::format("expected `completed` after `as`, found `{}`", text(word)))
            .with_label("`gather … as completed` gives results as they complete");
      }
    }
    return gather;
  }
  if (auto* n = dynamic_cast<TaskParser::RaceEachContext*>(node)) {
    return each(ast::ExprKind::kRaceEach, n, n->ID(), n->RPAREN(), n->args(), n->pattern(), n->expr(0),
                n->LIMIT() ? n->expr(1) : nullptr);
  }
  if (auto* n = dynamic_cast<TaskParser::RaceExprContext*>(node)) {
    auto race = make(ast::ExprKind::kRace, n);
    add_args(n->args(), *race);
    return race;
  }
  return error_expr(where);
}

std::vector<ast::StringPart> AstBuilder::string_parts(antlr4::tree::TerminalNode* node) {
  std::vector<ast::StringPart> parts;
  auto* rule = node != nullptr ? dynamic_cast<antlr4::RuleContext*>(node->parent) : nullptr;
  Nesting around{nesting_.rules + (rule != nullptr ? rule->depth() : 0), nesting_.exprs};
  source::Span token = span(node);
  std::string_view text = file_.text(token);
  // The quotes around the contents: """…""" may span lines.
  bool is_long = node->getSymbol()->getType() == TaskLexer::LONG_STRING;
  std::size_t quote = is_long ? 3 : 1;
  if (text.size() < 2 * quote) return parts;
  // Each level is parsed on its own, from its own text: a bound keeps that
  // linear, and the nesting within the bound of every later phase.
  if (string_nesting(text, quote) > static_cast<std::size_t>(kMaxNesting)) {
    report_string_too_deep(token, sink_);
    return parts;
  }
  std::string literal;
  // Walk the text between the quotes.
  for (std::size_t i = quote; i + quote < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' && text[i + 1] == '\n') continue;  // a line break is `\n`, as in Python
    if (c == '\\') {
      char next = text[i + 1];
      if (next == '\n' || next == '\r') {
        // A backslash at the end of a line joins the next to it, as in Python.
        i += next == '\r' && text[i + 2] == '\n' ? 2 : 1;
        continue;
      }
      if (next == 'x') {
        // `\xNN`: any byte, as two hexadecimal digits (a control character, say).
        auto hex = [&](std::size_t at) -> int {
          if (at + 1 >= text.size()) return -1;  // the closing quote is not a digit
          char h = text[at];
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        int high = hex(i + 2);
        int low = high < 0 ? -1 : hex(i + 3);
        if (low < 0) {
          std::uint32_t at = token.begin + static_cast<std::uint32_t>(i);
          sink_
              .error(diag::Code::kUnknownEscape, source::Span{file_.id(), at, at + 2},
                     "`\\x` needs two hexadecimal digits")
              .with_label("like \\x1b")
              .help("the escapes are \\n, \\t, \\r, \\0, \\xNN, \\\", \\\\, \\{ and \\}");
          ++i;
        } else {
          literal.push_back(static_cast<char>(high * 16 + low));
          i += 3;
        }
        continue;
      }
      std::optional<char> decoded = decode_escape(next);
      if (!decoded) {
        std::uint32_t at = token.begin + static_cast<std::uint32_t>(i);
        auto& reported =
            sink_.error(diag::Code::kUnknownEscape, source::Span{file_.id(), at, at + 2}, unknown_escape_message(next))
                .with_label("unknown escape")
                .help("the escapes are \\n, \\t, \\r, \\0, \\xNN, \\\", \\\\, \\{ and \\}");
        if (std::string_view("dDwWsSbB.()[]|*+?^$").find(next) != std::string_view::npos) {
          reported.help(
              fmt::format("for a regular expression, a raw string keeps backslashes and braces: "
                          "r\"\\{}…\" (or write `\\\\{}`)",
                          next, next));
        }
      } else {
        literal.push_back(*decoded);
      }
      ++i;
      continue;
    }
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    // An interpolation: find its closing brace, skipping nested strings and
    // braces (the lexer has already checked that they balance).
    std::size_t end = matching_brace(text, i);
    if (!literal.empty()) parts.push_back(ast::StringPart{std::move(literal), nullptr, std::nullopt, {}});
    literal.clear();
    std::uint32_t inner_begin = token.begin + static_cast<std::uint32_t>(i + 1);
    std::uint32_t inner_end = token.begin + static_cast<std::uint32_t>(end);
    std::size_t colon = format_colon(text, i, end);
    ast::StringPart part;
    if (colon != std::string_view::npos) {
      // `{value:spec}`: the spec is checked against the value's type later.
      auto at = token.begin + static_cast<std::uint32_t>(colon);
      part.spec = std::string(text.substr(colon + 1, end - colon - 1));
      part.spec_span = source::Span{file_.id(), at + 1, inner_end};
      inner_end = at;
    }
    part.expr = parse_interpolation(inner_begin, inner_end, around);
    parts.push_back(std::move(part));
    i = end;
  }
  if (!literal.empty() || parts.empty())
    parts.push_back(ast::StringPart{std::move(literal), nullptr, std::nullopt, {}});
  return parts;
}

}  // namespace

ast::ExprPtr parse_interpolation_in(const source::SourceFile& file, diag::DiagnosticSink& sink, std::uint32_t begin,
                                    std::uint32_t end, Nesting around) {
  std::string_view text = file.text(source::Span{file.id(), begin, end});
  ByteStream input(text);
  TaskLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  auto nothing = [&] {
    auto expr = std::make_unique<ast::Expr>();
    expr->kind = ast::ExprKind::kInvalid;
    expr->span = source::Span{file.id(), begin, end};
    return expr;
  };
  if (!check_nesting(tokens, file, sink, begin)) return nothing();
  warn_floor_division(tokens, file, sink, begin);
  report_string_prefixes(tokens, file, sink, begin);
  if (report_comprehensions(tokens, file, sink, begin)) return nothing();
  TaskParser parser(&tokens);
  SyntaxErrorListener listener(file, sink, begin);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  TreeDepthGuard guard(around.rules);
  parser.addParseListener(&guard);
  try {
    TaskParser::InterpolationContext* tree = parser.interpolation();
    parser.removeParseListeners();
    return AstBuilder(file, sink, begin, around).expr(tree->expr());
  } catch (const TreeDepthGuard::TooDeep& where) {
    report_too_deep(where, file, sink, begin);
    return nothing();
  }
}

ast::Module parse(const source::SourceFile& file, diag::DiagnosticSink& sink) {
  ast::Module nothing;
  nothing.file = file.id();
  nothing.complete = false;
  if (!check_string_nesting(file, sink)) return nothing;
  ByteStream input(file.text());
  TaskLexer lexer(&input);
  // The lexer never fails: unknown characters become UNKNOWN_CHAR tokens that
  // the parser reports.
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  if (!check_nesting(tokens, file, sink, 0)) return nothing;
  warn_floor_division(tokens, file, sink, 0);
  report_string_prefixes(tokens, file, sink, 0);
  bool comprehensions = report_comprehensions(tokens, file, sink, 0);
  bool bare_tuples = report_bare_tuple_patterns(tokens, file, sink, 0);
  TaskParser parser(&tokens);
  parser.removeErrorListeners();
  TreeDepthGuard guard(0);
  parser.addParseListener(&guard);

  // Two-stage parsing, as ANTLR's authors recommend: the fast SLL prediction
  // parses almost every valid file; only when it fails do we parse again with
  // full LL prediction and error recovery, which also gives the best messages.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  TaskParser::Module_Context* tree = nullptr;
  bool syntax_errors = false;
  try {
    try {
      tree = parser.module_();
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    if (tree == nullptr) {
      tokens.seek(0);
      parser.reset();
      guard = TreeDepthGuard(0);
      parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
      parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
      SyntaxErrorListener listener(file, sink, 0);
      parser.addErrorListener(&listener);
      std::size_t errors_before = sink.error_count();
      tree = parser.module_();
      parser.removeErrorListeners();
      syntax_errors = sink.error_count() > errors_before || parser.getNumberOfSyntaxErrors() > 0;
    }
  } catch (const TreeDepthGuard::TooDeep& where) {
    report_too_deep(where, file, sink, 0);
    return nothing;
  }
  parser.removeParseListeners();
  ast::Module module = AstBuilder(file, sink, 0, Nesting{}).module(tree);
  module.complete = !syntax_errors && !comprehensions && !bare_tuples;
  return module;
}

}  // namespace taskc::parse
