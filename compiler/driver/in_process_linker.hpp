// Linking inside taskc with lld's library, when the link command the C++
// driver gave us runs lld: no process to start, and no second load of
// libLLVM, which taskc has loaded already (about 60 ms of a first `taskc run`).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace taskc::driver {

// Whether `args` (a linker command, argv[0] first) can be run by the linker
// built into taskc: it is lld's ELF linker, and taskc was built with it.
bool can_link_in_process(const std::vector<std::string>& args);

// Runs `args` as lld would: 0 when it linked, else non-zero. lld's messages
// go straight to `messages`: on a fatal error (an output it cannot write)
// lld ends the process itself, after flushing them.
int link_in_process(const std::vector<std::string>& args, std::ostream& messages);

}  // namespace taskc::driver
