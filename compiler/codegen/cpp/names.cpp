// Types, identifiers and literals as C++ writes them.
#include <fmt/format.h>
#include <set>

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
  return "void";  // unreachable after a successful check
}

std::string CppEmitter::identifier(const std::string& name) {
  // Names the generated code itself declares next to the user's.
  static const std::set<std::string> kGenerated = {
      "format_value", "attempts", "sites", "context", "clauses", "attempt",   "app",           "options",
      "argc",         "argv",     "value", "error",   "number",  "in_worker", "process_tasks", "process_task_table"};
  std::string out = cpp_identifier(name);
  return kGenerated.count(out) ? out + "_" : out;
}

std::string cpp_identifier(const std::string& name) {
  // C++ keywords, alternative tokens, macros of the C library, and the
  // namespaces generated code names.
  static const std::set<std::string> kReserved = {"alignas",
                                                  "alignof",
                                                  "asm",
                                                  "auto",
                                                  "bool",
                                                  "break",
                                                  "case",
                                                  "catch",
                                                  "char",
                                                  "class",
                                                  "concept",
                                                  "const",
                                                  "consteval",
                                                  "constexpr",
                                                  "constinit",
                                                  "const_cast",
                                                  "continue",
                                                  "co_await",
                                                  "co_return",
                                                  "co_yield",
                                                  "decltype",
                                                  "default",
                                                  "delete",
                                                  "do",
                                                  "double",
                                                  "dynamic_cast",
                                                  "else",
                                                  "enum",
                                                  "explicit",
                                                  "export",
                                                  "extern",
                                                  "float",
                                                  "for",
                                                  "friend",
                                                  "goto",
                                                  "if",
                                                  "inline",
                                                  "int",
                                                  "long",
                                                  "mutable",
                                                  "namespace",
                                                  "new",
                                                  "noexcept",
                                                  "nullptr",
                                                  "operator",
                                                  "private",
                                                  "protected",
                                                  "public",
                                                  "register",
                                                  "reinterpret_cast",
                                                  "requires",
                                                  "return",
                                                  "short",
                                                  "signed",
                                                  "sizeof",
                                                  "static",
                                                  "static_assert",
                                                  "static_cast",
                                                  "struct",
                                                  "switch",
                                                  "template",
                                                  "this",
                                                  "thread_local",
                                                  "throw",
                                                  "try",
                                                  "typedef",
                                                  "typeid",
                                                  "typename",
                                                  "union",
                                                  "unsigned",
                                                  "using",
                                                  "virtual",
                                                  "void",
                                                  "volatile",
                                                  "wchar_t",
                                                  "while",
                                                  "char8_t",
                                                  "char16_t",
                                                  "char32_t",
                                                  "and",
                                                  "and_eq",
                                                  "bitand",
                                                  "bitor",
                                                  "compl",
                                                  "not",
                                                  "not_eq",
                                                  "or",
                                                  "or_eq",
                                                  "xor",
                                                  "xor_eq",
                                                  "true",
                                                  "false",
                                                  "errno",
                                                  "EOF",
                                                  "NULL",
                                                  "unix",
                                                  "linux",
                                                  "std",
                                                  "taskrt"};
  // Generated temporaries end in `_`; a user name that does too gets a `u`.
  if (!name.empty() && name.back() == '_') return name + "u";
  return kReserved.count(name) ? name + "_" : name;
}

std::string CppEmitter::string_literal(const std::string& value) {
  std::string out = "std::string(\"";
  bool has_nul = false;
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
          has_nul = has_nul || c == 0;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  if (has_nul) out += fmt::format(", {}", value.size());
  return out + ")";
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
