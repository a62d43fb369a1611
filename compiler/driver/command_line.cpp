#include "compiler/driver/command_line.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <ostream>

#include "compiler/ast/dump.hpp"
#include "compiler/codegen/graph/graph.hpp"
#include "compiler/diag/codes.hpp"
#include "compiler/driver/front_end.hpp"
#include "compiler/driver/version.hpp"
#include "compiler/ir/json.hpp"

namespace taskc::driver {
namespace {

constexpr const char* kDescription =
    "taskc — compile .task programs that mix I/O and CPU work into native executables.\n"
    "\n"
    "A .task program declares io tasks (run on an event loop), cpu tasks (run on a\n"
    "work-stealing thread pool) and flows (graphs of tasks). taskc checks it and\n"
    "lowers it to C++ against the taskrt runtime.";

struct Options {
  std::string file;
  std::string diagnostics = "human";
  std::string color = "auto";
  std::string emit_ir;
  bool emit_ast = false;
  std::string graph_format = "dot";
  std::string flow;
  std::string explain;
};

void add_diagnostic_options(CLI::App& command, Options& options) {
  command.add_option("--diagnostics", options.diagnostics, "How to print diagnostics: human, gnu or json")
      ->check(CLI::IsMember({"human", "gnu", "json"}))
      ->default_str("human");
  command.add_option("--color", options.color, "Colour diagnostics: auto (on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_str("auto");
}

diag::RenderOptions render_options(const Options& options, const Terminal& terminal) {
  diag::RenderOptions render;
  diag::parse_format(options.diagnostics, render.format);
  render.colour = render.format == diag::Format::kHuman &&
                  (options.color == "always" || (options.color == "auto" && terminal.colour_allowed));
  return render;
}

int explain(const std::string& code, std::ostream& out, std::ostream& err) {
  const diag::CodeInfo* info = diag::find_code(code);
  if (info == nullptr) {
    err << fmt::format("taskc: error: `{}` is not a diagnostic code; codes look like E0301\n", code);
    return 2;
  }
  out << fmt::format("{}: {}\n\n{}", info->id, info->title, info->explanation);
  return 0;
}

int check_command(const Options& options, const Terminal& terminal, std::ostream& out, std::ostream& err) {
  FrontEnd front_end;
  int status = run_front_end(options.file, render_options(options, terminal), err, front_end);
  if (options.emit_ast && !front_end.loaded.modules.empty()) {
    out << ast::dump(front_end.loaded.modules.front(), front_end.sources);
  }
  if (status == 0 && options.emit_ir == "json") out << ir::to_json(*front_end.program, front_end.sources);
  return status;
}

int graph_command(const Options& options, const Terminal& terminal, std::ostream& out, std::ostream& err) {
  FrontEnd front_end;
  int status = run_front_end(options.file, render_options(options, terminal), err, front_end);
  if (status != 0) return status;
  if (!options.flow.empty()) {
    bool found = false;
    for (const ir::Task& task : front_end.program->tasks) {
      found = found || (task.kind == ir::TaskKind::kFlow && task.name == options.flow);
    }
    if (!found) {
      err << fmt::format("taskc: error: `{}` has no flow named `{}`\n", options.file, options.flow);
      return 2;
    }
  }
  codegen::GraphFormat format =
      options.graph_format == "mermaid" ? codegen::GraphFormat::kMermaid : codegen::GraphFormat::kDot;
  out << codegen::draw_flows(*front_end.program, format, options.flow);
  return 0;
}

}  // namespace

int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const Terminal& terminal) {
  Options options;
  CLI::App app(kDescription, "taskc");
  app.set_version_flag("--version", fmt::format("taskc {}", kVersion), "Print the version and exit");
  app.add_option("--explain", options.explain, "Explain a diagnostic code in detail, e.g. --explain E0301");
  app.require_subcommand(0, 1);
  app.footer(
      "Exit status: 0 success, 1 errors in the program, 2 bad usage or unreadable input.\n"
      "Run `taskc <command> --help` for the options of a command.");

  CLI::App* check = app.add_subcommand("check", "Parse and check a .task file, reporting every error");
  check->add_option("file", options.file, "The .task file")->required();
  add_diagnostic_options(*check, options);
  check->add_option("--emit-ir", options.emit_ir, "Print the checked task-graph IR (format: json)")
      ->check(CLI::IsMember({"json"}));
  check->add_flag("--emit-ast", options.emit_ast, "Print the syntax tree of the file");

  CLI::App* graph = app.add_subcommand("graph", "Draw the task graph of every flow, without running anything");
  graph->add_option("file", options.file, "The .task file")->required();
  graph->add_option("--format", options.graph_format, "dot (Graphviz) or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}))
      ->default_str("dot");
  graph->add_option("--flow", options.flow, "Draw only this flow");
  add_diagnostic_options(*graph, options);

  // CLI11 parses from the back of the vector.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    CLI::App* command = app.get_subcommands().empty() ? &app : app.get_subcommands().front();
    out << command->help();
    return 0;
  } catch (const CLI::CallForVersion& version) {
    out << version.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& error) {
    err << "taskc: error: " << error.what() << "\n"
        << "Run `taskc --help` for usage.\n";
    return 2;
  }

  if (!options.explain.empty()) return explain(options.explain, out, err);
  if (check->parsed()) return check_command(options, terminal, out, err);
  if (graph->parsed()) return graph_command(options, terminal, out, err);
  out << app.help();
  return 0;
}

}  // namespace taskc::driver
