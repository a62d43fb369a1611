// How the names of a .task program meet C++'s namespace.
//
// Every name the C++ backend makes up ends in `_` (`end_2_`, `context_`,
// `sites_`), and no user name is ever written so. A user name is written as
// itself unless C++ could read it as something else — a keyword, a macro of
// the headers generated code includes (read from the C++ compiler when taskc
// is built), an identifier C++ reserves, or a name the generated code uses
// beside it — and then it gets the suffix `_u`: `NAN` becomes `NAN_u`. A user
// name that already ends in `_u` or `_` gets the suffix too, so two user names
// never become one.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace taskc::codegen {

// True if the headers of generated code define `name` as a macro.
bool is_cpp_macro(std::string_view name);

// True if the C headers generated code includes declare `name` at global
// scope (a function, struct or typedef: `pipe`, `stat`, `time_t`), where a
// namespace of that name cannot be.
bool is_c_global(std::string_view name);

// The namespace for a program whose file stem, as a C identifier, is `stem`:
// the stem, unless C++ or the C library has a global of that name (pipe.task:
// `pipe_task`).
std::string program_namespace(std::string_view stem);

// The C++ spelling of a user name. `taken` holds further names that must not
// be used as they are in the scope the name is declared in (a local named
// like a task or a record, a field named like its record).
std::string user_identifier(std::string_view name, const std::set<std::string, std::less<>>& taken = {});

}  // namespace taskc::codegen
