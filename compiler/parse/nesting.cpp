#include "compiler/parse/nesting.hpp"

#include <TaskLexer.h>
#include <fmt/format.h>

#include <vector>

#include "compiler/parse/literals.hpp"

namespace taskc::parse {

using taskc_grammar::TaskLexer;

namespace {

// Tokens after which a `-` is binary: those that end an operand.
bool ends_operand(std::size_t type) {
  switch (type) {
    case TaskLexer::ID:
    case TaskLexer::INT:
    case TaskLexer::FLOAT:
    case TaskLexer::DURATION:
    case TaskLexer::STRING:
    case TaskLexer::LONG_STRING:
    case TaskLexer::RAW_STRING:
    case TaskLexer::RAW_LONG_STRING:
    case TaskLexer::TRUE:
    case TaskLexer::FALSE:
    case TaskLexer::NONE:
    case TaskLexer::RPAREN:
    case TaskLexer::RBRACK: return true;
    default: return false;
  }
}

// Tokens that open an operand of their own, nested in what came before:
// `not x`, `-x`, `try x else y`.
bool is_prefix(std::size_t type, std::size_t previous) {
  return type == TaskLexer::NOT || type == TaskLexer::BANG || type == TaskLexer::TILDE || type == TaskLexer::TRY ||
         (type == TaskLexer::MINUS && !ends_operand(previous));
}

// Tokens that end every prefix operator open at their level: separators,
// binary operators, statement keywords.
bool ends_prefixes(std::size_t type) {
  switch (type) {
    case TaskLexer::COMMA:
    case TaskLexer::COLON:
    case TaskLexer::SEMI:
    case TaskLexer::ASSIGN:
    case TaskLexer::PLUS_ASSIGN:
    case TaskLexer::MINUS_ASSIGN:
    case TaskLexer::STAR_ASSIGN:
    case TaskLexer::SLASH_ASSIGN:
    case TaskLexer::PERCENT_ASSIGN:
    case TaskLexer::PLUS:
    case TaskLexer::MINUS:  // binary here: a prefix one was counted before
    case TaskLexer::STAR:
    case TaskLexer::SLASH:
    case TaskLexer::PERCENT:
    case TaskLexer::STARSTAR:
    case TaskLexer::SHL:
    case TaskLexer::SHR:
    case TaskLexer::AMP:
    case TaskLexer::PIPE:
    case TaskLexer::CARET:
    case TaskLexer::AMPAMP:
    case TaskLexer::PIPEPIPE:
    case TaskLexer::ELSE:
    case TaskLexer::EQ:
    case TaskLexer::NE:
    case TaskLexer::LT:
    case TaskLexer::LE:
    case TaskLexer::GT:
    case TaskLexer::GE:
    case TaskLexer::AND:
    case TaskLexer::OR:
    case TaskLexer::IN:
    case TaskLexer::DOTDOT:
    case TaskLexer::DOTDOTEQ:
    case TaskLexer::TIMEOUT:
    case TaskLexer::LET:
    case TaskLexer::IF:
    case TaskLexer::WHILE:
    case TaskLexer::FOR:
    case TaskLexer::RETURN:
    case TaskLexer::FAIL:
    case TaskLexer::WITH:
    case TaskLexer::BREAK:
    case TaskLexer::CONTINUE: return true;
    default: return false;
  }
}

}  // namespace

bool check_string_nesting(const source::SourceFile& file, diag::DiagnosticSink& sink) {
  std::string_view text = file.text();
  for (std::size_t i = 0; i < text.size(); ++i) {
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (text[i] == '/' && next == '/') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (text[i] == '/' && next == '*') {
      std::size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (text.substr(i, 3) == "\"\"\"") {
      // A long string, to its closing quotes: only its interpolations nest.
      std::size_t end = i + 3;
      while (end < text.size() && text.substr(end, 3) != "\"\"\"") end += text[end] == '\\' ? 2 : 1;
      end = std::min(end + 3, text.size());
      if (string_nesting(text.substr(i, end - i), 3) > static_cast<std::size_t>(kMaxNesting)) {
        auto at = static_cast<std::uint32_t>(i);
        report_string_too_deep(source::Span{file.id(), at, at + 3}, sink);
        return false;
      }
      i = end - 1;
    } else if (text[i] == '"') {
      StringExtent string = walk_nested(text, i + 1, {'"'});
      if (string.deepest > static_cast<std::size_t>(kMaxNesting)) {
        auto at = static_cast<std::uint32_t>(i);
        report_string_too_deep(source::Span{file.id(), at, at + 1}, sink);
        return false;
      }
      i = string.end;
    }
  }
  return true;
}

bool check_nesting(antlr4::CommonTokenStream& tokens, const source::SourceFile& file, diag::DiagnosticSink& sink,
                   std::uint32_t offset) {
  tokens.fill();
  // Prefix operators open at each bracket level, the outermost first.
  std::vector<int> prefixes{0};
  int depth = 0;  // brackets plus prefix operators open
  std::size_t previous = antlr4::Token::INVALID_TYPE;
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;  // comments
    std::size_t type = token->getType();
    bool opens = false;
    if (type == TaskLexer::LPAREN || type == TaskLexer::LBRACK || type == TaskLexer::LBRACE) {
      prefixes.push_back(0);
      opens = true;
    } else if (type == TaskLexer::RPAREN || type == TaskLexer::RBRACK || type == TaskLexer::RBRACE) {
      if (prefixes.size() > 1) {  // an unmatched one is the parser's to report
        depth -= 1 + prefixes.back();
        prefixes.pop_back();
      }
      if (type == TaskLexer::RBRACE) {  // a block's end ends a statement
        depth -= prefixes.back();
        prefixes.back() = 0;
      }
    } else if (is_prefix(type, previous)) {
      ++prefixes.back();
      opens = true;
    } else if (ends_prefixes(type)) {
      depth -= prefixes.back();
      prefixes.back() = 0;
    }
    if (opens && ++depth > kMaxNesting) {
      auto at = offset + static_cast<std::uint32_t>(token->getStartIndex());
      auto length = static_cast<std::uint32_t>(token->getStopIndex() + 1 - token->getStartIndex());
      sink.error(diag::Code::kNestedTooDeeply, source::Span{file.id(), at, at + length},
                 fmt::format("nested more than {} deep", kMaxNesting))
          .with_label(fmt::format("level {} opens here", kMaxNesting + 1))
          .help("brackets, `not`, `-` and `try` nest; name the inner parts with `let`, or move them into tasks");
      return false;
    }
    previous = type;
  }
  return true;
}

void TreeDepthGuard::enterEveryRule(antlr4::ParserRuleContext* context) {
  if (++depth_ > kMaxTreeDepth) {
    const antlr4::Token* start = context->getStart();
    throw TooDeep{start != nullptr && start->getStartIndex() != INVALID_INDEX ? start->getStartIndex() : 0};
  }
}

void report_too_deep(const TreeDepthGuard::TooDeep& where, const source::SourceFile& file, diag::DiagnosticSink& sink,
                     std::uint32_t offset) {
  auto at = offset + static_cast<std::uint32_t>(where.start_index);
  sink.error(diag::Code::kNestedTooDeeply, source::Span{file.id(), at, at + 1},
             fmt::format("nested more than {} rules of the grammar deep", kMaxTreeDepth))
      .with_label("the limit is passed here")
      .help("each `else if` nests in the one before: look the value up in a map, or return early from a task");
}

void report_string_too_deep(source::Span where, diag::DiagnosticSink& sink) {
  sink.error(diag::Code::kNestedTooDeeply, source::Span{where.file, where.begin, where.begin + 1},
             fmt::format("strings and interpolations nested more than {} deep", kMaxNesting))
      .with_label("the limit is passed here")
      .help("build the inner strings first, with `let`");
}

void report_expression_too_deep(source::Span where, diag::DiagnosticSink& sink) {
  sink.error(diag::Code::kNestedTooDeeply, where, fmt::format("an expression more than {} levels deep", kMaxExprDepth))
      .with_label("the limit is passed here")
      .help("split a long chain of operators with `let`: `let a = x1 + x2 + ...` then `let b = a + ...`");
}

}  // namespace taskc::parse
