# Writes OUTPUT: the names the C headers generated code includes declare at
# global scope (functions, struct tags, typedefs: `pipe`, `time`, `stat`), as
# C++ string literals one per line. A namespace cannot take one of them, so
# taskc names a program's namespace otherwise (pipe.task: `pipe_task`).
#   cmake -DCXX=clang++ -DRUNTIME_INCLUDE=dir -DOUTPUT=file -P cpp_globals.cmake
cmake_policy(SET CMP0007 NEW)
include("${CMAKE_CURRENT_LIST_DIR}/cpp_probe.cmake")
taskc_preprocess_probe(text FALSE -P)
# The C library's declarations start their lines: `extern int pipe (int …`,
# `struct stat {`, `typedef __time_t time_t;`. Names in namespace std may
# match too; a namespace is then renamed without need, which does no harm.
string(REGEX MATCHALL "\nextern [^;(\n]*[ *][A-Za-z][A-Za-z0-9_]* \\(" functions "${text}")
string(REGEX MATCHALL "\nstruct [A-Za-z][A-Za-z0-9_]*" structs "${text}")
# (Without the typedef's `;`, which would split a CMake list.)
string(REGEX MATCHALL "\ntypedef [^;{}\n]*[ *][A-Za-z][A-Za-z0-9_]*" typedefs "${text}")
set(names "")
foreach(match IN LISTS functions structs typedefs)
  string(REGEX MATCH "[A-Za-z][A-Za-z0-9_]*( \\()?$" name "${match}")
  string(REGEX REPLACE " \\($" "" name "${name}")
  if(name)
    list(APPEND names "${name}")
  endif()
endforeach()
taskc_write_names("${names}")
