// Limits on how deeply a program nests, enforced while it is parsed, so that
// no input can overflow the stack of any phase (without them, 20,000 nested
// `not`s crash the compiler) or make parsing quadratic. Three guards, one per
// kind of recursion:
//  - check_nesting() counts on the tokens, before ANTLR parses them, the
//    brackets and prefix operators (`not`, `-`, `try`) open at each point:
//    ANTLR's prediction looks ahead across them recursively, and across a
//    bracket's whole contents, so they must be bounded before it starts;
//  - TreeDepthGuard bounds the rules ANTLR's parser is inside (a chain of
//    `else if`s nests without brackets);
//  - the AST builder bounds the depth of expressions it builds (an operator
//    chain is a loop for ANTLR but a deep tree for every later phase).
#pragma once

#include <CommonTokenStream.h>
#include <tree/ParseTreeListener.h>

#include <cstddef>
#include <cstdint>

#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/source/source_file.hpp"

namespace taskc::parse {

// Brackets ((, [, {) and prefix operators open at once, at most; Python's
// limit on brackets is 200 too.
inline constexpr int kMaxNesting = 200;
// Rules of the grammar the parser is inside at once, at most; well above what
// kMaxNesting allows, so only chains without brackets reach it.
inline constexpr std::size_t kMaxTreeDepth = 2000;
// Levels of one expression's tree, at most: terms of one operator chain.
inline constexpr std::size_t kMaxExprDepth = 500;

// Reports the first string literal whose interpolations nest deeper than
// kMaxNesting; false if there is one. Reads the text itself, before the
// lexer: ANTLR's lexer recurses once per level of a nested string.
bool check_string_nesting(const source::SourceFile& file, diag::DiagnosticSink& sink);

// Reports the first token that opens a level deeper than kMaxNesting; false
// if there is one. Reads every token of `tokens`. `offset`: where the text
// starts in the file.
bool check_nesting(antlr4::CommonTokenStream& tokens, const source::SourceFile& file, diag::DiagnosticSink& sink,
                   std::uint32_t offset);

// A parse listener that counts the rules the parser is in and throws TooDeep
// past kMaxTreeDepth, ending the parse.
class TreeDepthGuard final : public antlr4::tree::ParseTreeListener {
 public:
  struct TooDeep {
    std::size_t start_index;  // of the first token of the rule that went too deep
  };
  // `depth`: rules already entered around this parse (an interpolation's string).
  explicit TreeDepthGuard(std::size_t depth) : depth_(depth) {}

  void enterEveryRule(antlr4::ParserRuleContext* context) override;
  void exitEveryRule(antlr4::ParserRuleContext*) override { --depth_; }
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

 private:
  std::size_t depth_;
};

// Reports TooDeep at `where` (relative to `offset`).
void report_too_deep(const TreeDepthGuard::TooDeep& where, const source::SourceFile& file, diag::DiagnosticSink& sink,
                     std::uint32_t offset);
// Reports an expression deeper than kMaxExprDepth at `where`.
void report_expression_too_deep(source::Span where, diag::DiagnosticSink& sink);
// Reports a string literal whose interpolations nest deeper than kMaxNesting.
void report_string_too_deep(source::Span where, diag::DiagnosticSink& sink);

}  // namespace taskc::parse
