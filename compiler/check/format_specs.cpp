// What a program writes for the runtime to read at run time, checked when it
// is compiled with the runtime's own code, so a checked program never fails
// on one: format specs (`"{x:.2f}"`, `format(x, ".2f")`), against the type of
// the value they format, and regular expressions with their replacements.
#include <fmt/format.h>

#include "compiler/check/checker.hpp"
#include "taskrt/format_spec.hpp"
#include "taskrt/regex.hpp"

namespace taskc::check {

void Checker::check_format_spec(std::string_view spec_text, source::Span span, const ir::Type* type,
                                const ir::Expr* value) {
  if (type->is_error()) return;
  std::string problem;
  std::optional<taskrt::FormatSpec> spec = taskrt::parse_format_spec(spec_text, problem);
  if (spec) {
    taskrt::FormatTarget target = type->is(ir::TypeKind::kInt)     ? taskrt::FormatTarget::kInt
                                  : type->is(ir::TypeKind::kFloat) ? taskrt::FormatTarget::kFloat
                                                                   : taskrt::FormatTarget::kText;
    problem = taskrt::format_spec_mismatch(*spec, target);
    // `{hits / total:.1%}`: a float's presentation of an int quotient.
    bool as_float = std::string_view("fFeEgG%").find(spec->type) != std::string_view::npos && spec->type != 0;
    if (problem.empty() && as_float && value != nullptr) warn_int_quotient(*value);
    if (problem.empty()) return;
    error(diag::Code::kBadFormatSpec, span,
          fmt::format("format spec `{}` does not fit type `{}`", spec_text, ir::type_name(type)))
        .with_label(problem);
    return;
  }
  error(diag::Code::kBadFormatSpec, span, fmt::format("malformed format spec `{}`", spec_text)).with_label(problem);
}

void Checker::check_regex(const ir::Expr& pattern, const ir::Expr* replacement) {
  const std::string& text = pattern.as<std::string>();
  std::string fragment;
  std::string problem = taskrt::regex_error(text, &fragment);
  if (!problem.empty()) {
    // Point at the part RE2 names, where the source shows it as written.
    source::Span where = pattern.span;
    std::string_view written = sources_.get(where.file).text(where);
    std::size_t at = fragment.empty() ? std::string_view::npos : written.find(fragment);
    if (at != std::string_view::npos) {
      where = source::Span{where.file, where.begin + static_cast<std::uint32_t>(at),
                           where.begin + static_cast<std::uint32_t>(at + fragment.size())};
    }
    error(diag::Code::kBadRegex, where, fmt::format("invalid regular expression: {}", problem))
        .with_label("RE2 stops here")
        .note("patterns are RE2's syntax: Perl's, without backreferences and lookaround");
    return;
  }
  if (replacement == nullptr) return;
  problem = taskrt::replacement_error(text, replacement->as<std::string>());
  if (problem.empty()) return;
  error(diag::Code::kBadRegex, replacement->span, fmt::format("invalid replacement: {}", problem))
      .with_label("in this replacement")
      .note("\\1 to \\9 are the pattern's groups and \\0 the whole match; write \\\\ for a backslash");
}

ir::ExprPtr Checker::formatted(ir::ExprPtr value, const std::string& spec, source::Span spec_span) {
  check_format_spec(spec, spec_span, value->type, value.get());
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
