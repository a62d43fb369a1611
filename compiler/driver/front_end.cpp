#include "compiler/driver/front_end.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <ostream>

#include "compiler/check/check.hpp"

namespace taskc::driver {

int run_front_end(const std::string& path, const diag::RenderOptions& render, std::ostream& err, FrontEnd& result) {
  result.loaded = load_program(path, result.sources, result.sink);
  if (!result.loaded.fatal_error.empty()) {
    err << "taskc: error: " << result.loaded.fatal_error << "\n";
    return 2;
  }
  // A syntax error leaves holes in the AST, and checking it would only add
  // noise; any other error so far is reported again by nothing, so checking
  // goes on and one error never hides the others.
  bool complete = result.loaded.complete && std::all_of(result.loaded.modules.begin(), result.loaded.modules.end(),
                                                        [](const ast::Module& module) { return module.complete; });
  if (complete) {
    std::vector<const ast::Module*> modules;
    for (const ast::Module& module : result.loaded.modules) modules.push_back(&module);
    result.program = check::check(modules, result.sources, result.sink);
  }
  if (!result.sink.diagnostics().empty()) {
    err << diag::render(result.sink, result.sources, render);
  }
  if (!result.sink.has_errors()) return 0;
  if (render.format == diag::Format::kHuman) {
    std::size_t count = result.sink.error_count();
    err << fmt::format("taskc: {} error{} in {}\n", count, count == 1 ? "" : "s", path);
  }
  return 1;
}

}  // namespace taskc::driver
