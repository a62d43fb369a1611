// Format specs (`"{x:.2f}"`, `format(x, ".2f")`): a spec written in the
// program is checked here against the type of the value it formats, with the
// runtime's own parser, so a checked program never fails on one.
#include <fmt/format.h>

#include "compiler/check/checker.hpp"
#include "taskrt/format_spec.hpp"

namespace taskc::check {

void Checker::check_format_spec(std::string_view spec_text, source::Span span, const ir::Type* type) {
  if (type->is_error()) return;
  std::string problem;
  std::optional<taskrt::FormatSpec> spec = taskrt::parse_format_spec(spec_text, problem);
  if (spec) {
    taskrt::FormatTarget target = type->is(ir::TypeKind::kInt)     ? taskrt::FormatTarget::kInt
                                  : type->is(ir::TypeKind::kFloat) ? taskrt::FormatTarget::kFloat
                                                                   : taskrt::FormatTarget::kText;
    problem = taskrt::format_spec_mismatch(*spec, target);
    if (problem.empty()) return;
    error(diag::Code::kBadFormatSpec, span,
          fmt::format("format spec `{}` does not fit type `{}`", spec_text, ir::type_name(type)))
        .with_label(problem);
    return;
  }
  error(diag::Code::kBadFormatSpec, span, fmt::format("malformed format spec `{}`", spec_text)).with_label(problem);
}

ir::ExprPtr Checker::formatted(ir::ExprPtr value, const std::string& spec, source::Span spec_span) {
  check_format_spec(spec, spec_span, value->type);
  source::Span span = source::Span::cover(value->span, spec_span);
  auto text = std::make_unique<ir::Expr>();
  text->kind = ir::ExprKind::kStrLiteral;
  text->type = types_->str_type();
  text->span = spec_span;
  text->payload = spec;
  auto out = std::make_unique<ir::Expr>();
  out->kind = ir::ExprKind::kCallBuiltin;
  out->type = types_->str_type();
  out->span = span;
  out->payload = ir::Builtin::kFormat;
  out->operands.push_back(std::move(value));
  out->operands.push_back(std::move(text));
  return out;
}

}  // namespace taskc::check
