// test_http_server: TestHttpServer as a program, for tests that run .task
// programs. Prints its port on the first line of stdout, then serves until
// its stdin reaches end of file (the test closed it, or died).
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "tests/support/test_http_server.hpp"

int main() {
  try {
    taskc::testing::TestHttpServer server;
    std::printf("%d\n", server.port());
    std::fflush(stdout);
    char byte;
    while (::read(0, &byte, 1) > 0) {
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test_http_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
