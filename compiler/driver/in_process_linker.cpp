#include "compiler/driver/in_process_linker.hpp"

#include <filesystem>

#if TASKC_HAVE_LLD_LIBRARY
#include <lld/Common/Driver.h>
#include <llvm/Support/raw_os_ostream.h>
#endif

namespace taskc::driver {

bool can_link_in_process(const std::vector<std::string>& args) {
#if TASKC_HAVE_LLD_LIBRARY
  // The compiler driver runs `ld.lld` (or `ld.lld-14`) for -fuse-ld=lld;
  // anything else (GNU ld, gold) is started as a process.
  return !args.empty() && std::filesystem::path(args[0]).filename().string().rfind("ld.lld", 0) == 0;
#else
  (void)args;
  return false;
#endif
}

int link_in_process(const std::vector<std::string>& args, std::ostream& messages) {
#if TASKC_HAVE_LLD_LIBRARY
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  // lld writes through a mapping of the output file by default: on a full disk
  // that is a SIGBUS with no message. Written with write(2), lld 14 still aborts
  // on a failed write, but says why; the driver keeps lld out of process when
  // the disk is nearly full (toolchain.cpp).
  argv.push_back("--no-mmap-output-file");
  llvm::raw_os_ostream out(messages);
  // Not exitEarly: lld must return here, its state torn down, so that a
  // process (a test) may link again.
  bool linked = lld::elf::link(argv, out, out, /*exitEarly=*/false, /*disableOutput=*/false);
  out.flush();
  return linked ? 0 : 1;
#else
  (void)args;
  messages << "taskc was built without lld's library\n";
  return 1;
#endif
}

}  // namespace taskc::driver
