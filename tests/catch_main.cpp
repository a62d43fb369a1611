// The one translation unit that holds Catch2's main(); compiled once and shared
// by every test executable.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <optional>

// A test executable whose tests start worker processes of itself (the process
// pool re-executes /proc/self/exe) defines this to serve them; the others
// leave it undefined.
std::optional<int> serve_test_worker(int argc, char** argv) __attribute__((weak));

int main(int argc, char** argv) {
  if (serve_test_worker) {
    if (std::optional<int> status = serve_test_worker(argc, argv)) return *status;
  }
  return Catch::Session().run(argc, argv);
}
