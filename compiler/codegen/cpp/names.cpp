// Types, identifiers and literals as C++ writes them.
#include <fmt/format.h>

#include "compiler/codegen/cpp/emitter.hpp"

namespace taskc::codegen {

std::string CppEmitter::type(const ir::Type* t) const {
  auto join = [this](const std::vector<const ir::Type*>& args) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + type(args[i]);
    return out;
  };
  switch (t->kind) {
    case ir::TypeKind::kInt: return "std::int64_t";
    case ir::TypeKind::kFloat: return "double";
    case ir::TypeKind::kBool: return "bool";
    case ir::TypeKind::kStr: return "std::string";
    case ir::TypeKind::kDuration: return "taskrt::Duration";
    case ir::TypeKind::kVoid: return "void";
    case ir::TypeKind::kList: return "std::vector<" + join(t->args) + ">";
    case ir::TypeKind::kMap: return "taskrt::Map<" + join(t->args) + ">";
    case ir::TypeKind::kTuple: return "std::tuple<" + join(t->args) + ">";
    case ir::TypeKind::kOptional: return "std::optional<" + join(t->args) + ">";
    case ir::TypeKind::kResult: return "taskrt::Result<" + join(t->args) + ">";
    case ir::TypeKind::kChannel: return "taskrt::Channel<" + join(t->args) + ">";
    case ir::TypeKind::kRecord: return identifier(t->record->name);
    case ir::TypeKind::kError: break;
  }
  TASKC_UNREACHABLE("the error type reached the C++ backend");
}

std::string CppEmitter::identifier(const std::string& name) {
  return user_identifier(name);
}

std::string CppEmitter::local_identifier(const std::string& name) const {
  return user_identifier(name, program_names_);
}

std::string CppEmitter::field_identifier(const ir::RecordDef& record, const std::string& field) const {
  // The runtime's records keep the runtime's member names.
  if (record.from_runtime()) return field;
  // A member may not be named like its class.
  return user_identifier(field, {identifier(record.name)});
}

namespace {

bool has_nul(const std::string& value) {
  return value.find('\0') != std::string::npos;
}

}  // namespace

std::string CppEmitter::string_literal(const std::string& value) {
  if (has_nul(value)) return fmt::format("std::string({}, {})", quoted(value), value.size());
  return fmt::format("std::string({})", quoted(value));
}

std::string CppEmitter::string_view_literal(const std::string& value) {
  if (has_nul(value)) return fmt::format("std::string_view({}, {})", quoted(value), value.size());
  return quoted(value);
}

std::string CppEmitter::error_kind_set(ir::ErrorKindSet kinds) {
  std::string out;
  for (int i = 0; i < ir::kErrorKindCount; ++i) {
    if (!(kinds & ir::bit(static_cast<ir::ErrorKind>(i)))) continue;
    out += fmt::format("{}taskrt::kind_bit(taskrt::ErrorKind::k{})", out.empty() ? "" : " | ", ir::kErrorKindNames[i]);
  }
  return out;
}

std::string CppEmitter::duration_literal(std::int64_t nanoseconds) {
  // A chrono literal in the largest unit that holds the value exactly, as a
  // person writes it: 100ms, 2s, 1h.
  static constexpr std::pair<std::int64_t, const char*> kUnits[] = {
      {3'600'000'000'000, "h"}, {60'000'000'000, "min"}, {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  if (nanoseconds == 0) return "0s";
  for (const auto& [size, suffix] : kUnits) {
    if (nanoseconds % size == 0) return std::to_string(nanoseconds / size) + suffix;
  }
  return std::to_string(nanoseconds) + "ns";
}

std::string CppEmitter::float_literal(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string CppEmitter::line_directive(source::Span span) const {
  if (!options_.line_directives || !span.valid()) return {};
  const source::SourceFile& file = sources_.get(span.file);
  return fmt::format("#line {} \"{}\"", file.line_column(span.begin).line, escaped(file.path()));
}

std::string CppEmitter::quoted(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '?': out += "\\?"; break;  // no trigraphs
      default:
        if (c < 0x20 || c >= 0x7f) {
          // Octal escapes stop after three digits, unlike hex ones.
          out += fmt::format("\\{:03o}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string CppEmitter::escaped(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\{:03o}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace taskc::codegen
