#include "compiler/check/checker.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace taskc::check {

std::unique_ptr<ir::Program> check(const std::vector<const ast::Module*>& modules, const source::SourceMap& sources,
                                   diag::DiagnosticSink& sink) {
  return Checker(sources, sink).run(modules);
}

Checker::Checker(const source::SourceMap& sources, diag::DiagnosticSink& sink)
    : sources_(sources), sink_(sink), program_(std::make_unique<ir::Program>()), types_(program_->types.get()) {}

std::unique_ptr<ir::Program> Checker::run(const std::vector<const ast::Module*>& modules) {
  std::size_t errors_before = sink_.error_count();
  declare_builtin_records();
  if (!modules.empty()) program_->root_file = modules.front()->file;

  // Pass 1: every item's name, so items can refer to each other in any order.
  std::vector<const ast::Item*> items;
  for (const ast::Module* module : modules) {
    for (const ast::Item& item : module->items) {
      items.push_back(&item);
      declare(item);
    }
  }

  // Pass 2: record fields, then everything that has a type.
  for (const ast::Item* item : items) {
    if (item->kind != ast::ItemKind::kType) continue;
    const Symbol* symbol = find_symbol(item->name);
    if (symbol && symbol->item == item) define_record(*item, *program_->records[symbol->index]);
  }
  for (const ast::Item* item : items) {
    const Symbol* symbol = find_symbol(item->name);
    if (symbol == nullptr || symbol->item != item) continue;
    switch (item->kind) {
      case ast::ItemKind::kConst: check_const(*item, program_->consts[symbol->index]); break;
      case ast::ItemKind::kSemaphore: check_semaphore(*item, program_->semaphores[symbol->index]); break;
      case ast::ItemKind::kRateLimit: check_rate_limit(*item, program_->rate_limits[symbol->index]); break;
      case ast::ItemKind::kShared: check_shared(*item, program_->shared[symbol->index]); break;
      case ast::ItemKind::kTask:
      case ast::ItemKind::kExternTask:
      case ast::ItemKind::kFlow: check_signature(*item, program_->tasks[symbol->index]); break;
      default: break;
    }
  }

  // Pass 3: bodies, now that every signature is known.
  for (const ast::Item* item : items) {
    const Symbol* symbol = find_symbol(item->name);
    if (symbol == nullptr || symbol->item != item || symbol->kind != Symbol::Kind::kTask) continue;
    ir::Task& task = program_->tasks[symbol->index];
    check_clauses(*item, task);
    if (item->kind == ast::ItemKind::kFlow) {
      check_flow_body(*item, task);
    } else if (item->kind == ast::ItemKind::kTask) {
      check_task_body(*item, task);
    }
    if (item->name == "main" && item->kind == ast::ItemKind::kFlow) {
      program_->main = ir::TaskId{symbol->index};
      check_main(*item, task);
    }
  }

  if (sink_.error_count() > errors_before) return nullptr;
  mark_suspends();
  return std::move(program_);
}

diag::Diagnostic& Checker::error(diag::Code code, source::Span span, std::string message) {
  return sink_.error(code, span, std::move(message));
}

diag::Diagnostic& Checker::warning(diag::Code code, source::Span span, std::string message) {
  return sink_.warning(code, span, std::move(message));
}

void Checker::mismatch(source::Span span, const ir::Type* expected, const ir::Type* found, std::string_view context) {
  // An operand that already failed has been reported; do not pile on.
  if (expected->is_error() || found->is_error()) return;
  auto& d = error(diag::Code::kTypeMismatch, span,
                  fmt::format("{}: expected `{}`, found `{}`", context, ir::type_name(expected), ir::type_name(found)))
                .with_label(fmt::format("this is `{}`", ir::type_name(found)));
  if (expected->is(ir::TypeKind::kFloat) && found->is(ir::TypeKind::kInt)) {
    d.help("ints become floats only in arithmetic; convert with `float(…)` or write a float literal such as `1.0`");
  } else if (found->is(ir::TypeKind::kOptional) && found->element() == expected) {
    d.help("this value may be `none`; test it first: `if x != none { … }` uses it as `" + ir::type_name(expected) +
           "` inside");
  } else if (expected->is(ir::TypeKind::kStr)) {
    d.help("convert with `str(…)`, or interpolate: \"{x}\"");
  } else if (expected->is(ir::TypeKind::kInt) && found->is(ir::TypeKind::kFloat)) {
    d.help("convert with `int(…)`, which truncates toward zero");
  }
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string Checker::suggestion(std::string_view name) const {
  // Each suggestion compares the name with every name in scope: a file of
  // thousands of unknown names would take quadratic time. The first ones
  // are the ones a person reads.
  if (suggestions_left_ == 0) return {};
  --suggestions_left_;
  std::vector<std::string_view> candidates;
  for (const auto& scope : scopes_) {
    for (const auto& [local, binding] : scope) {
      if (local.find('.') == std::string::npos) candidates.push_back(local);  // not a narrowed field
    }
  }
  for (const auto& [item, symbol] : symbols_) candidates.push_back(item);
  for (const ir::BuiltinInfo& builtin : ir::all_builtins()) candidates.push_back(builtin.name);
  static constexpr std::string_view kTypeNames[] = {"int",  "float", "bool",   "str",    "duration",
                                                    "list", "map",   "result", "channel"};
  for (std::string_view type_name : kTypeNames) candidates.push_back(type_name);

  std::string_view best;
  std::size_t best_distance = name.size() <= 3 ? 1 : 2;
  for (std::string_view candidate : candidates) {
    if (candidate == name) continue;
    std::size_t length_gap =
        candidate.size() > name.size() ? candidate.size() - name.size() : name.size() - candidate.size();
    if (length_gap > best_distance) continue;  // the distance is at least the gap
    std::size_t distance = edit_distance(name, candidate);
    if (distance <= best_distance && (best.empty() || distance < edit_distance(name, best))) best = candidate;
  }
  return best.empty() ? std::string() : fmt::format("did you mean `{}`?", best);
}

std::string_view Checker::source_text(source::Span span) const {
  if (!span.valid()) return {};
  return sources_.get(span.file).text(span);
}

const Symbol* Checker::find_symbol(std::string_view name) const {
  auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : &it->second;
}

const LocalBinding* Checker::find_local(std::string_view name) const {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    auto it = scope->find(name);
    if (it != scope->end()) return &it->second;
  }
  return nullptr;
}

ir::ExprPtr Checker::error_expr(source::Span span) {
  auto expr = std::make_unique<ir::Expr>();
  expr->kind = ir::ExprKind::kNoneLiteral;
  expr->type = types_->error_type();
  expr->span = span;
  return expr;
}

}  // namespace taskc::check
