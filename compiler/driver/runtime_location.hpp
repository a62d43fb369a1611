// Where the runtime's headers and library are. An installed taskc
// (`cmake --install`) finds them next to itself: <prefix>/bin/taskc,
// <prefix>/include/taskrt/, <prefix>/lib/libtaskrt.a. A taskc in its build
// tree uses the paths its build recorded.
#pragma once

#include <string>

namespace taskc::driver {

struct RuntimeLocation {
  std::string include_dir;  // holds taskrt/taskrt.hpp
  std::string library;      // libtaskrt.a
  // taskrt-hot.bc beside libtaskrt.a, for the LLVM backend to inline (empty:
  // not there, as in sanitizer builds).
  std::string inlined_bitcode;
  // libtaskrt_mpi.a beside libtaskrt.a, for `taskc build --mpi` (empty: not
  // there, taskc was built without MPI).
  std::string mpi_library;
};

RuntimeLocation find_runtime();

}  // namespace taskc::driver
