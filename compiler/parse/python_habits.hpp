// Diagnostics for what Python users write first, each naming the `.task` way:
// a method call (`d.get(k)`) and `n // 2`, which is a comment here. (`elif`,
// `&&`, `||` and `!` are lexed as tokens of their own and reported where the
// AST is built; `True`, `False` and `None` are names the checker reports.)
#pragma once

#include <CommonTokenStream.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.hpp"
#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/source/source_file.hpp"

namespace taskc::parse {

// Reports `receiver.method(args)` (E0009), spelling the call the language's
// way with the same receiver and arguments (as written in the source).
void report_method_call(const ast::Expr& method, std::string_view receiver, const std::vector<std::string_view>& args,
                        diag::DiagnosticSink& sink);

// Warns (E0010) about each `//` comment that starts right after an operand on
// its line and reads like one (`let half = n // 2`): Python's floor division,
// which here silently comments out the rest of the line. A comment that reads
// like words (`x = 5 // seconds to wait`) is left alone.
void warn_floor_division(antlr4::CommonTokenStream& tokens, const source::SourceFile& file, diag::DiagnosticSink& sink,
                         std::uint32_t offset);

// Reports Python's string prefixes (`f"…"`, `b"…"`, `u"…"`) as errors (E0001)
// naming the language's way, and hides each prefix from the parser, which
// then reads the string alone.
void report_string_prefixes(antlr4::CommonTokenStream& tokens, const source::SourceFile& file,
                            diag::DiagnosticSink& sink, std::uint32_t offset);

// Reports Python's comprehensions (`[f(x) for x in xs]`, `{k: v for …}`,
// `sum(x for x in xs)`) as errors (E0001) naming the loop to write instead,
// and hides the `for …` part from the parser, which reads on without it. A
// `for` after `gather` or `race` in the same brackets is the language's own.
// Whether it found one: the names the loop binds are then unknown, so the
// program is not checked further.
bool report_comprehensions(antlr4::CommonTokenStream& tokens, const source::SourceFile& file,
                           diag::DiagnosticSink& sink, std::uint32_t offset);

// Reports `for i, x in …` and `let a, b = …` (E0001), Python's tuples
// without parentheses, naming `for (i, x) in …`; the parser reads on with
// the first name alone. Whether it found one (then the program is not
// checked further: the other names are unknown).
bool report_bare_tuple_patterns(antlr4::CommonTokenStream& tokens, const source::SourceFile& file,
                                diag::DiagnosticSink& sink, std::uint32_t offset);

}  // namespace taskc::parse
