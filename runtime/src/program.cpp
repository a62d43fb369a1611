#include "taskrt/program.hpp"

#include <cstdio>

namespace taskrt {

int run_program(const RuntimeOptions& options, const std::function<Task<int>()>& make_root) {
  try {
    auto runtime = Runtime::create(options);
    return runtime->run(make_root());
  } catch (const Error& error) {
    write_stderr_line("error: " + error.describe());
  } catch (const std::exception& error) {
    write_stderr_line(std::string("error: Failed: ") + error.what());
  }
  return 1;
}

}  // namespace taskrt
