// pidfd_open and pidfd_send_signal: a child process as a descriptor the event
// loop can watch (readable once it has exited).
#pragma once

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace taskrt::detail {

// glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37), so C++
// cannot link against its functions; the system calls are simple enough.
inline int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}
inline void pidfd_kill(int pidfd) {
  ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
}

}  // namespace taskrt::detail
