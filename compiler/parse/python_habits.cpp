#include "compiler/parse/python_habits.hpp"

#include <TaskLexer.h>
#include <fmt/format.h>

#include <cctype>
#include <string>
#include <vector>

namespace taskc::parse {
namespace {

using taskc_grammar::TaskLexer;

struct MethodSpelling {
  std::string_view python;
  // `{0}` is the receiver as written, `{1}` its arguments.
  std::string_view task;
};

// Python's methods of str, list and dict, and how each is written here.
constexpr MethodSpelling kMethods[] = {
    {"get", "get({0}, {1}, default)"},
    {"append", "push({0}, {1})"},
    {"pop", "pop({0})"},
    {"extend", "{0} += {1}"},
    {"items", "for (key, value) in {0} {{ … }}"},
    {"keys", "keys({0})"},
    {"values", "values({0})"},
    {"split", "split({0}, {1})"},
    {"join", "join({1}, {0})"},
    {"strip", "trim({0})"},
    {"lower", "lower({0})"},
    {"upper", "upper({0})"},
    {"startswith", "starts_with({0}, {1})"},
    {"endswith", "ends_with({0}, {1})"},
    {"replace", "replace({0}, {1})"},
    {"find", "find({0}, {1})"},
    {"index", "find({0}, {1})"},
    {"isdigit", "is_digit({0})"},
    {"isalpha", "is_alpha({0})"},
    {"isspace", "is_space({0})"},
    {"format", "\"…{{value:spec}}…\" (a format spec inside the interpolation)"},
    {"sort", "{0} = sorted({0})"},
    {"reverse", "{0} = reversed({0})"},
    {"add", "{0}[{1}] = true (a map[T, bool] is a set)"},
    {"copy", "let copy = {0} (values are copied when assigned)"},
    {"count", "len(split({0}, {1})) - 1"},
};

// Source text for a suggestion: as written, unless it is long or spans lines.
std::string shown(std::string_view text, std::string_view otherwise) {
  if (text.empty() || text.size() > 40 || text.find('\n') != std::string_view::npos) return std::string(otherwise);
  return std::string(text);
}

// Tokens that end an operand: after one, `//` can be an operator.
bool ends_operand(std::size_t type) {
  switch (type) {
    case TaskLexer::ID:
    case TaskLexer::INT:
    case TaskLexer::FLOAT:
    case TaskLexer::RPAREN:
    case TaskLexer::RBRACK: return true;
    default: return false;
  }
}

// Whether the text after `//` reads like the right side of a division: a
// number, a bracket, or one name (with fields, calls or an operator after
// it), rather than words.
bool reads_like_operand(std::string_view rest) {
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  if (i == rest.size()) return false;
  auto c = static_cast<unsigned char>(rest[i]);
  if (std::isdigit(c) || c == '(') return true;
  if (!(std::isalpha(c) || c == '_')) return false;
  while (i < rest.size()) {
    auto d = static_cast<unsigned char>(rest[i]);
    if (std::isalnum(d) || d == '_' || d == '.') {
      ++i;
      continue;
    }
    break;
  }
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  if (i == rest.size()) return true;
  // A name followed by an operator or a bracket continues an expression; a
  // name followed by another word is prose.
  return std::string_view("+-*/%)]([,<>=&|^").find(rest[i]) != std::string_view::npos;
}

}  // namespace

void report_method_call(const ast::Expr& method, std::string_view receiver, const std::vector<std::string_view>& args,
                        diag::DiagnosticSink& sink) {
  std::string object = shown(receiver, "x");
  std::string arguments;
  for (std::size_t i = 0; i < args.size(); ++i) arguments += (i ? ", " : "") + shown(args[i], "…");
  auto& reported =
      sink.error(diag::Code::kMethodCall, method.name_span, fmt::format("`{}` is called as a method", method.name))
          .with_label("the language has no methods");
  for (const MethodSpelling& spelling : kMethods) {
    if (spelling.python != method.name) continue;
    reported.help(fmt::format("write `{}`", fmt::format(fmt::runtime(spelling.task), object, arguments)));
    return;
  }
  reported.help(fmt::format("functions take the value first: `{}({}{}{})`", method.name, object,
                            arguments.empty() ? "" : ", ", arguments));
}

void warn_floor_division(antlr4::CommonTokenStream& tokens, const source::SourceFile& file, diag::DiagnosticSink& sink,
                         std::uint32_t offset) {
  const antlr4::Token* previous = nullptr;
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getType() != TaskLexer::LINE_COMMENT) {
      if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) previous = token;
      continue;
    }
    if (previous == nullptr || previous->getLine() != token->getLine() || !ends_operand(previous->getType())) continue;
    std::string comment = token->getText();
    if (!reads_like_operand(std::string_view(comment).substr(2))) continue;
    auto begin = offset + static_cast<std::uint32_t>(token->getStartIndex());
    sink.warning(diag::Code::kFloorDivision, source::Span{file.id(), begin, begin + 2},
                 "`//` starts a comment, not a floor division")
        .with_label("everything after this is a comment")
        .help(
            "`/` of two ints is an int, rounded toward zero (Python's `//` rounds down; they differ for "
            "negative quotients); a comment that is meant as one reads better on a line of its own");
  }
}

void report_string_prefixes(antlr4::CommonTokenStream& tokens, const source::SourceFile& file,
                            diag::DiagnosticSink& sink, std::uint32_t offset) {
  const std::vector<antlr4::Token*>& all = tokens.getTokens();
  for (std::size_t i = 0; i + 1 < all.size(); ++i) {
    antlr4::Token* prefix = all[i];
    const antlr4::Token* string = all[i + 1];
    if (prefix->getType() != TaskLexer::ID ||
        (string->getType() != TaskLexer::STRING && string->getType() != TaskLexer::LONG_STRING &&
         string->getType() != TaskLexer::RAW_STRING && string->getType() != TaskLexer::RAW_LONG_STRING) ||
        prefix->getStopIndex() + 1 != string->getStartIndex()) {
      continue;
    }
    std::string letters = prefix->getText();
    for (char& c : letters) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (letters.size() > 2 || letters.find_first_not_of("fbur") != std::string::npos) continue;
    auto begin = offset + static_cast<std::uint32_t>(prefix->getStartIndex());
    auto end = offset + static_cast<std::uint32_t>(prefix->getStopIndex()) + 1;
    bool f = letters.find('f') != std::string::npos;
    bool b = letters.find('b') != std::string::npos;
    bool r = letters.find('r') != std::string::npos;
    std::string_view why =
        f && r ? "a raw string `r\"…\"` keeps backslashes but does not interpolate; a plain one interpolates `{…}`"
        : f    ? "every string interpolates `{…}` as it is written (`\"{x}\"`, `\"{x:.2f}\"`): drop the prefix"
        : b && r ? "there are no byte strings (a `str` holds bytes): write the raw string as `r\"…\"`"
        : b      ? "there are no byte strings: a `str` holds bytes; drop the prefix"
                 : "strings are UTF-8 as they are: drop the prefix";
    sink.error(diag::Code::kSyntaxError, source::Span{file.id(), begin, end},
               fmt::format("`{}\"…\"` is Python's string prefix", prefix->getText()))
        .with_label("no prefix here")
        .help(std::string(why));
    // Read on as if the prefix were not there: one mistake, one error.
    if (auto* token = dynamic_cast<antlr4::CommonToken*>(prefix)) token->setChannel(antlr4::Token::HIDDEN_CHANNEL);
  }
}

bool report_comprehensions(antlr4::CommonTokenStream& tokens, const source::SourceFile& file,
                           diag::DiagnosticSink& sink, std::uint32_t offset) {
  bool found = false;
  // One frame per open bracket: its kind, and whether a `gather` or `race`
  // came first in it, whose own `for` is the language's.
  struct Open {
    std::size_t type;
    bool loop_allowed;
  };
  std::vector<Open> open;
  const std::vector<antlr4::Token*>& all = tokens.getTokens();
  const antlr4::Token* previous = nullptr;
  for (std::size_t i = 0; i < all.size(); ++i) {
    antlr4::Token* token = all[i];
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    std::size_t type = token->getType();
    if (type == TaskLexer::LPAREN || type == TaskLexer::LBRACK || type == TaskLexer::LBRACE) {
      open.push_back({type, false});
    } else if (type == TaskLexer::RPAREN || type == TaskLexer::RBRACK || type == TaskLexer::RBRACE) {
      if (!open.empty()) open.pop_back();
    } else if ((type == TaskLexer::GATHER || type == TaskLexer::RACE) && !open.empty()) {
      open.back().loop_allowed = true;
    } else if (type == TaskLexer::FOR && !open.empty() && !open.back().loop_allowed && previous != nullptr) {
      // In braces a `for` statement starts a line (or follows `{`, `}`, `;`).
      std::size_t before = previous->getType();
      bool statement = open.back().type == TaskLexer::LBRACE &&
                       (previous->getLine() != token->getLine() || before == TaskLexer::LBRACE ||
                        before == TaskLexer::RBRACE || before == TaskLexer::SEMI);
      if (!statement && before != TaskLexer::LPAREN && before != TaskLexer::LBRACK) {
        found = true;
        auto begin = offset + static_cast<std::uint32_t>(token->getStartIndex());
        bool map = open.back().type == TaskLexer::LBRACE;
        std::string_view what = map ? "`… for … in …` is Python's comprehension"
                                : open.back().type == TaskLexer::LPAREN ? "`(… for … in …)` is Python's generator"
                                                                        : "`[… for … in …]` is Python's comprehension";
        sink.error(diag::Code::kSyntaxError, source::Span{file.id(), begin, begin + 3}, std::string(what))
            .with_label("the language has no comprehensions")
            .help(map ? "to call a task for each element, all at once, write `gather f(x) for x in xs`; to build "
                        "a map, a loop: `let m: map[K, V] = {}` then `for x in xs { m[key] = value }`"
                      : "build the list in a loop: `let ys: list[T] = []` then `for x in xs { push(ys, …) }`; to "
                        "call a task for each element, all at once, write `gather f(x) for x in xs`");
        // Read on without the loop part: one mistake, one error.
        std::size_t depth = 0;
        for (; i < all.size(); ++i) {
          std::size_t inner = all[i]->getType();
          if (inner == TaskLexer::LPAREN || inner == TaskLexer::LBRACK || inner == TaskLexer::LBRACE) ++depth;
          if (inner == TaskLexer::RPAREN || inner == TaskLexer::RBRACK || inner == TaskLexer::RBRACE) {
            if (depth == 0) break;
            --depth;
          }
          if (inner == antlr4::Token::EOF) break;
          if (auto* hidden = dynamic_cast<antlr4::CommonToken*>(all[i])) {
            hidden->setChannel(antlr4::Token::HIDDEN_CHANNEL);
          }
        }
        if (i < all.size() && all[i]->getType() != antlr4::Token::EOF) open.pop_back();
      }
    }
    previous = token;
  }
  return found;
}

bool report_bare_tuple_patterns(antlr4::CommonTokenStream& tokens, const source::SourceFile& file,
                                diag::DiagnosticSink& sink, std::uint32_t offset) {
  bool found = false;
  const std::vector<antlr4::Token*>& all = tokens.getTokens();
  auto hide = [](antlr4::Token* token) {
    if (auto* hidden = dynamic_cast<antlr4::CommonToken*>(token)) hidden->setChannel(antlr4::Token::HIDDEN_CHANNEL);
  };
  for (std::size_t i = 0; i + 3 < all.size(); ++i) {
    std::size_t keyword = all[i]->getType();
    if ((keyword != TaskLexer::FOR && keyword != TaskLexer::LET) || all[i + 1]->getType() != TaskLexer::ID ||
        all[i + 2]->getType() != TaskLexer::COMMA) {
      continue;
    }
    // `for i, x in` / `let a, b =`: names and commas up to `in` or `=`.
    std::size_t end = i + 1;
    std::string names;
    while (end + 1 < all.size() && all[end]->getType() == TaskLexer::ID &&
           all[end + 1]->getType() == TaskLexer::COMMA) {
      names += all[end]->getText() + ", ";
      end += 2;
    }
    std::size_t ends_with = keyword == TaskLexer::FOR ? TaskLexer::IN : TaskLexer::ASSIGN;
    if (end + 1 >= all.size() || all[end]->getType() != TaskLexer::ID || all[end + 1]->getType() != ends_with) {
      continue;
    }
    names += all[end]->getText();
    found = true;
    auto begin = offset + static_cast<std::uint32_t>(all[i + 1]->getStartIndex());
    auto stop = offset + static_cast<std::uint32_t>(all[end]->getStopIndex()) + 1;
    bool loop = keyword == TaskLexer::FOR;
    sink.error(
            diag::Code::kSyntaxError, source::Span{file.id(), begin, stop},
            fmt::format("`{} {}` takes a tuple apart without parentheses, as Python does", loop ? "for" : "let", names))
        .with_label("a pattern of several names")
        .help(loop ? fmt::format("write `for ({}) in …`", names)
                   : fmt::format("write `let ({}) = …`, with a tuple on the right: `(1, 2)`", names));
    // Read on with the first name alone: one mistake, one error.
    for (std::size_t k = i + 2; k < end + 1; ++k) hide(all[k]);
    if (loop) continue;
    // Python's `a, b = 1, 2`: the right side's top-level commas too.
    std::size_t depth = 0;
    std::size_t line = all[end + 1]->getLine();
    for (std::size_t k = end + 2; k < all.size() && all[k]->getLine() == line; ++k) {
      std::size_t type = all[k]->getType();
      if (type == TaskLexer::LPAREN || type == TaskLexer::LBRACK || type == TaskLexer::LBRACE) ++depth;
      if (type == TaskLexer::RPAREN || type == TaskLexer::RBRACK || type == TaskLexer::RBRACE) {
        if (depth == 0) break;
        --depth;
      }
      if (depth == 0 && type == TaskLexer::COMMA) {
        for (; k < all.size() && all[k]->getLine() == line && all[k]->getType() != TaskLexer::SEMI; ++k) hide(all[k]);
        break;
      }
    }
  }
  return found;
}

}  // namespace taskc::parse
