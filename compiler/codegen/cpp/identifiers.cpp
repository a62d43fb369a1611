#include "compiler/codegen/cpp/identifiers.hpp"

#include <algorithm>
#include <array>

namespace taskc::codegen {
namespace {

// Sorted: the macros of the headers generated code includes (see
// cpp_macros.cmake), generated when taskc is built.
constexpr std::string_view kMacros[] = {
#include "cpp_macros.inc"
};

// Sorted: the global names of the C headers generated code includes (see
// cpp_globals.cmake), generated when taskc is built.
constexpr std::string_view kCGlobals[] = {
#include "cpp_globals.inc"
};

// C++ keywords and alternative tokens, and the namespaces generated code
// names (a local `std` would hide `std::string`).
constexpr std::string_view kKeywords[] = {
    "alignas",     "alignof",  "and",        "and_eq",    "asm",       "auto",         "bitand",
    "bitor",       "bool",     "break",      "case",      "catch",     "char",         "char16_t",
    "char32_t",    "char8_t",  "class",      "co_await",  "co_return", "co_yield",     "compl",
    "concept",     "const",    "const_cast", "consteval", "constexpr", "constinit",    "continue",
    "decltype",    "default",  "delete",     "do",        "double",    "dynamic_cast", "else",
    "enum",        "explicit", "export",     "extern",    "false",     "float",        "for",
    "friend",      "goto",     "if",         "inline",    "int",       "long",         "mutable",
    "namespace",   "new",      "noexcept",   "not",       "not_eq",    "nullptr",      "operator",
    "or",          "or_eq",    "private",    "protected", "public",    "register",     "reinterpret_cast",
    "requires",    "return",   "short",      "signed",    "sizeof",    "static",       "static_assert",
    "static_cast", "struct",   "switch",     "template",  "this",      "thread_local", "throw",
    "true",        "try",      "typedef",    "typeid",    "typename",  "union",        "unsigned",
    "using",       "virtual",  "void",       "volatile",  "wchar_t",   "while",        "xor",
    "xor_eq",      "std",      "taskrt"};

// Names generated code declares in the program's namespace beside the
// user's: the printing and serialization overloads of records, and the
// process-task table embedders pass to the runtime.
constexpr std::string_view kGeneratedNames[] = {"decode", "encode", "format_value", "process_task_table"};

constexpr std::string_view kSuffix = "_u";

bool contains(const auto& names, std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

bool reserved_by_cpp(std::string_view name) {
  // C++ reserves names with a double underscore anywhere or a leading
  // underscore (before a capital, or at namespace scope).
  return name.empty() || name.front() == '_' || name.find("__") != std::string_view::npos;
}

}  // namespace

bool is_cpp_macro(std::string_view name) {
  static_assert(std::is_sorted(std::begin(kMacros), std::end(kMacros)));
  return std::binary_search(std::begin(kMacros), std::end(kMacros), name);
}

bool is_c_global(std::string_view name) {
  static_assert(std::is_sorted(std::begin(kCGlobals), std::end(kCGlobals)));
  return std::binary_search(std::begin(kCGlobals), std::end(kCGlobals), name);
}

std::string program_namespace(std::string_view stem) {
  // Names C++ or the runtime already use at the top level.
  if (stem == "main" || stem == "CLI" || stem == "fmt" || is_c_global(stem)) return std::string(stem) + "_task";
  return user_identifier(stem);
}

std::string user_identifier(std::string_view name, const std::set<std::string, std::less<>>& taken) {
  bool as_is = !reserved_by_cpp(name) && name.back() != '_' && !name.ends_with(kSuffix) && !contains(kKeywords, name) &&
               !contains(kGeneratedNames, name) && !is_cpp_macro(name) && !taken.count(name);
  if (as_is) return std::string(name);
  return std::string(name) + std::string(kSuffix);
}

}  // namespace taskc::codegen
