# Writes OUTPUT: every macro name (not starting with `_`) that the headers
# generated code includes, or commonly imports, define, as C++ string
# literals one per line. The C++ backend renames user names found there.
#   cmake -DCXX=clang++ -DRUNTIME_INCLUDE=dir -DOUTPUT=file -P cpp_macros.cmake
include("${CMAKE_CURRENT_LIST_DIR}/cpp_probe.cmake")
taskc_preprocess_probe(defines TRUE -dM)
string(REGEX MATCHALL "#define [A-Za-z][A-Za-z0-9_]*" names "${defines}")
list(TRANSFORM names REPLACE "^#define " "")
taskc_write_names("${names}")
