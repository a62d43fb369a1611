#include "compiler/parse/parse.hpp"

#include <TaskLexer.h>
#include <TaskParser.h>
#include <antlr4-runtime.h>

#include "compiler/parse/byte_stream.hpp"
#include "compiler/parse/syntax_errors.hpp"

namespace taskc::parse {
namespace {

using taskc_grammar::TaskParser;

class AstBuilder {
 public:
  explicit AstBuilder(const source::SourceFile& file) : file_(file) {}

  ast::Module build(TaskParser::Module_Context* tree) {
    ast::Module module;
    module.file = file_.id();
    for (TaskParser::ItemContext* item : tree->item()) {
      add_item(item, module);
    }
    return module;
  }

 private:
  source::Span span(antlr4::ParserRuleContext* node) const {
    std::uint32_t begin = static_cast<std::uint32_t>(node->getStart()->getStartIndex());
    const antlr4::Token* stop = node->getStop();
    // An empty rule (possible after error recovery) has its stop before its start.
    std::uint32_t end =
        stop && stop->getStopIndex() + 1 >= begin ? static_cast<std::uint32_t>(stop->getStopIndex() + 1) : begin;
    return source::Span{file_.id(), begin, end};
  }

  source::Span span(antlr4::tree::TerminalNode* node) const {
    const antlr4::Token* token = node->getSymbol();
    return source::Span{file_.id(), static_cast<std::uint32_t>(token->getStartIndex()),
                        static_cast<std::uint32_t>(token->getStopIndex() + 1)};
  }

  // A name token that error recovery may have left out.
  void add_named(ast::ItemKind kind, antlr4::ParserRuleContext* node, antlr4::tree::TerminalNode* name,
                 ast::Module& module) {
    if (name == nullptr || name->getSymbol()->getTokenIndex() == static_cast<size_t>(-1)) return;
    source::Span name_span = span(name);
    module.items.push_back(ast::Item{kind, std::string(file_.text(name_span)), span(node), name_span});
  }

  void add_item(TaskParser::ItemContext* item, ast::Module& module) {
    if (auto* node = item->importItem()) add_named(ast::ItemKind::kImport, node, node->STRING(), module);
    if (auto* node = item->useItem()) add_named(ast::ItemKind::kUse, node, node->STRING(), module);
    if (auto* node = item->typeDecl()) add_named(ast::ItemKind::kType, node, node->ID(), module);
    if (auto* node = item->constDecl()) add_named(ast::ItemKind::kConst, node, node->ID(), module);
    if (auto* node = item->semaphoreDecl()) add_named(ast::ItemKind::kSemaphore, node, node->ID(), module);
    if (auto* node = item->sharedDecl()) add_named(ast::ItemKind::kShared, node, node->ID(), module);
    if (auto* node = item->taskDecl()) add_named(ast::ItemKind::kTask, node, node->ID(), module);
    if (auto* node = item->externTaskDecl()) add_named(ast::ItemKind::kExternTask, node, node->ID(), module);
    if (auto* node = item->flowDecl()) add_named(ast::ItemKind::kFlow, node, node->ID(), module);
  }

  const source::SourceFile& file_;
};

}  // namespace

ast::Module parse(const source::SourceFile& file, diag::DiagnosticSink& sink) {
  ByteStream input(file.text());
  taskc_grammar::TaskLexer lexer(&input);
  // The lexer never fails: unknown characters become UNKNOWN_CHAR tokens that
  // the parser reports.
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  TaskParser parser(&tokens);
  SyntaxErrorListener listener(file, sink);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  TaskParser::Module_Context* tree = parser.module_();
  return AstBuilder(file).build(tree);
}

}  // namespace taskc::parse
