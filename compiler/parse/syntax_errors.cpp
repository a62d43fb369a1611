#include "compiler/parse/syntax_errors.hpp"

#include <Parser.h>
#include <TaskLexer.h>
#include <TaskParser.h>
#include <Token.h>
#include <fmt/format.h>

#include <vector>

#include "compiler/support/utf8.hpp"

namespace taskc::parse {
namespace {

using taskc_grammar::TaskLexer;
using taskc_grammar::TaskParser;

// How a token type reads in a message: `->`, `task`, "a name", "end of file".
std::string token_type_name(const antlr4::dfa::Vocabulary& vocabulary, size_t type) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case TaskLexer::ID: return "a name";
    case TaskLexer::INT: return "an integer";
    case TaskLexer::FLOAT: return "a number";
    case TaskLexer::DURATION: return "a duration";
    case TaskLexer::STRING:
    case TaskLexer::LONG_STRING:
    case TaskLexer::RAW_STRING:
    case TaskLexer::RAW_LONG_STRING: return "a string";
    default: break;
  }
  std::string literal = vocabulary.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') return "`" + literal.substr(1, literal.size() - 2) + "`";
  return vocabulary.getSymbolicName(type);
}

// How a concrete token reads: `{`, the name `foo`, end of file.
std::string token_text(const source::SourceFile& file, std::uint32_t offset, const antlr4::Token* token) {
  if (token->getType() == antlr4::Token::EOF) return offset == 0 ? "end of file" : "the end of the interpolation";
  std::string_view text = file.text(source::Span{file.id(), offset + static_cast<std::uint32_t>(token->getStartIndex()),
                                                 offset + static_cast<std::uint32_t>(token->getStopIndex() + 1)});
  return fmt::format("`{}`", support::printable(text, 40));
}

bool rule_is_type(size_t rule) {
  return rule == TaskParser::RuleType_ || rule == TaskParser::RuleBaseType;
}

bool rule_is_expression(size_t rule) {
  return rule == TaskParser::RuleExpr || rule == TaskParser::RulePrimary || rule == TaskParser::RuleArgs ||
         rule == TaskParser::RuleClauseValue || rule == TaskParser::RuleMapEntry || rule == TaskParser::RuleFieldInit;
}

// What the parser wanted, in words: "a type", "an expression", "`)` or `,`".
std::string describe_expected(antlr4::Parser& parser) {
  antlr4::misc::IntervalSet expected;
  try {
    expected = parser.getExpectedTokens();
  } catch (...) {
    return {};
  }
  size_t rule = parser.getContext() ? parser.getContext()->getRuleIndex() : 0;
  if (expected.contains(static_cast<size_t>(TaskLexer::ID)) && rule_is_type(rule)) return "a type";
  if (expected.contains(static_cast<size_t>(TaskLexer::INT)) && expected.contains(static_cast<size_t>(TaskLexer::ID)) &&
      rule_is_expression(rule)) {
    return "an expression";
  }
  if (rule == TaskParser::RuleItem || rule == TaskParser::RuleModule_) {
    return "an item (`task`, `flow`, `type`, `const`, `semaphore`, `shared`, `import` or `use`)";
  }
  std::vector<std::string> names;
  for (ssize_t type : expected.toList()) {
    names.push_back(token_type_name(parser.getVocabulary(), static_cast<size_t>(type)));
  }
  if (names.empty() || names.size() > 6) return {};
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// Keywords that read like names a program would choose (`limit`, `after`,
// `type`…): a syntax error at one is most often a name that cannot be one.
bool is_name_like_keyword(size_t type) {
  switch (type) {
    case TaskLexer::AFTER:
    case TaskLexer::LIMIT:
    case TaskLexer::AS:
    case TaskLexer::PER:
    case TaskLexer::ON:
    case TaskLexer::PROCESS:
    case TaskLexer::BLOCKING:
    case TaskLexer::SETTLE:
    case TaskLexer::BACKOFF:
    case TaskLexer::RETRY:
    case TaskLexer::TIMEOUT:
    case TaskLexer::USES:
    case TaskLexer::RACE:
    case TaskLexer::GATHER:
    case TaskLexer::FAIL:
    case TaskLexer::WITH:
    case TaskLexer::TYPE:
    case TaskLexer::USE:
    case TaskLexer::IMPORT:
    case TaskLexer::SHARED:
    case TaskLexer::CONST:
    case TaskLexer::SEMAPHORE:
    case TaskLexer::RATELIMIT:
    case TaskLexer::EXTERN:
    case TaskLexer::TASK:
    case TaskLexer::FLOW: return true;
    default: return false;
  }
}

}  // namespace

void SyntaxErrorListener::syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t, size_t,
                                      const std::string&, std::exception_ptr) {
  if (offending == nullptr) return;
  source::Span span{file_.id(), offset_ + static_cast<std::uint32_t>(offending->getStartIndex()),
                    offset_ + static_cast<std::uint32_t>(offending->getStopIndex() + 1)};
  if (offending->getType() == antlr4::Token::EOF) span = source::Span{file_.id(), span.begin, span.begin};

  // One message per position: ANTLR's recovery can report the same token
  // twice, and reports each byte of a character it does not know.
  for (const diag::Diagnostic& previous : sink_.diagnostics()) {
    if (previous.span.file == span.file && previous.span.begin <= span.begin &&
        (span.begin < previous.span.end || previous.span.begin == span.begin)) {
      return;
    }
  }

  if (offending->getType() == TaskLexer::UNTERMINATED_STRING && span.begin >= 2 &&
      file_.text().substr(span.begin - 2, 2) == "\"\"") {
    // `"""` read as `""` and then a string that ends at the line's end.
    span.begin -= 2;
    span.end = span.begin + 3;
    sink_.error(diag::Code::kUnterminatedString, span, "unterminated `\"\"\"` string")
        .with_label("no closing `\"\"\"` after this")
        .help("a `\"\"\"` string ends with `\"\"\"`; an interpolation `{…}` in it stays on one line");
    return;
  }
  if (offending->getType() == TaskLexer::UNTERMINATED_STRING) {
    sink_.error(diag::Code::kUnterminatedString, span, "unterminated string")
        .with_label("this string has no closing `\"` on its line")
        .help("strings end on the line they start on; write `\\n` for a newline inside one, or use `\"\"\"…\"\"\"`");
    return;
  }
  if (offending->getType() == TaskLexer::UNKNOWN_CHAR) {
    // The lexer reads bytes: report the whole character they start, by name.
    std::string_view text = file_.text();
    std::size_t length = support::utf8_length(text, span.begin);
    std::string what;
    if (length == 0) {
      what = fmt::format("a byte that is not UTF-8 text (0x{:02x})", static_cast<unsigned char>(text[span.begin]));
    } else {
      span.end = span.begin + static_cast<std::uint32_t>(length);
      std::string_view character = text.substr(span.begin, length);
      what = fmt::format("unknown character `{}`", support::printable(character));
      if (length > 1) what += fmt::format(" (U+{:04X})", static_cast<std::uint32_t>(support::utf8_decode(character)));
    }
    auto& reported = sink_.error(diag::Code::kUnknownCharacter, span, what).with_label("not part of the language here");
    std::uint32_t code = length > 1 ? support::utf8_decode(text.substr(span.begin, length)) : 0;
    if (code == 0x201C || code == 0x201D || code == 0x2018 || code == 0x2019) {
      reported.help("a typographic quote, as word processors and web pages write them: strings use `\"`");
    }
    return;
  }

  auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
  std::string expected = parser ? describe_expected(*parser) : std::string();
  std::string after;
  if (parser) {
    // The token just before the offending one; the parser's own position can
    // be earlier when prediction failed after looking ahead.
    size_t index = offending->getTokenIndex();
    if (index != INVALID_INDEX && index > 0) {
      const antlr4::Token* previous = parser->getTokenStream()->get(index - 1);
      if (previous != nullptr) after = " after " + token_text(file_, offset_, previous);
    }
  }
  std::string found = token_text(file_, offset_, offending);
  diag::Diagnostic& reported =
      expected.empty() ? sink_.error(diag::Code::kSyntaxError, span, fmt::format("unexpected {}{}", found, after))
                             .with_label("not expected here")
                       : sink_.error(diag::Code::kSyntaxError, span, fmt::format("expected {}{}", expected, after))
                             .with_label(fmt::format("found {}", found));
  if (is_name_like_keyword(offending->getType())) {
    reported.help(fmt::format("{} is a keyword, so it cannot be a name: call it something else, like `{}_`", found,
                              offending->getText()));
  }
}

}  // namespace taskc::parse
