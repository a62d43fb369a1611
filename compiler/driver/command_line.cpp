#include "compiler/driver/command_line.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <ostream>

#include <unistd.h>
#include <filesystem>

#include "compiler/ast/dump.hpp"
#include "compiler/codegen/cpp/emit_cpp.hpp"
#include "compiler/codegen/cpp/identifiers.hpp"
#include "compiler/codegen/graph/graph.hpp"
#include "compiler/diag/codes.hpp"
#include "compiler/driver/front_end.hpp"
#include "compiler/driver/toolchain.hpp"
#include "compiler/ir/json.hpp"
#include "compiler/version.hpp"

namespace taskc::driver {
namespace {

constexpr const char* kDescription =
    "taskc — compile .task programs that mix I/O and CPU work into native executables.\n"
    "\n"
    "A .task program declares io tasks (run on an event loop), cpu tasks (run on a\n"
    "work-stealing thread pool) and flows (graphs of tasks). taskc checks it and\n"
    "compiles it through LLVM, or to C++, against the taskrt runtime.";

struct Options {
  std::string file;
  std::string diagnostics = "human";
  std::string color = "auto";
  std::string emit_ir;
  bool emit_ast = false;
  std::string graph_format = "dot";
  std::string flow;
  std::string explain;
  std::string output;
  std::string cxx;
  std::string backend = "llvm";
  int optimization = -1;  // unset: the backend's default
  bool verbose = false;
  bool no_fallback = false;
  bool mpi = false;
  bool no_main = false;
  bool no_format = false;
  std::string namespace_name;
  std::vector<std::string> program_args;
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

// Checks the program and generates its C++; false after reporting why not.
// CLI11 validator for --namespace: empty when `value` can be used as is.
std::string check_namespace_name(const std::string& value) {
  bool plain =
      !value.empty() && !std::isdigit(static_cast<unsigned char>(value[0])) &&
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
  if (plain && codegen::program_namespace(value) == value) return {};
  if (plain && codegen::is_c_global(value)) {
    return "`" + value + "` is declared by the C library (" + value + "_task would do), so it cannot name a namespace";
  }
  return "`" + value + "` is not a C++ identifier that taskc can use as a namespace";
}

// `executable`: the program must have a `flow main`, and main() runs it.
// Otherwise (emit-cpp) main() is emitted only when there is a `flow main` and
// --no-main was not given.
bool generate(const Options& options, const Terminal& terminal, std::ostream& err, bool executable,
              codegen::CppCode& code, std::string& name, int& status) {
  FrontEnd front_end;
  status = run_front_end(options.file, render_options(options, terminal), err, front_end);
  if (status != 0) return false;
  if (executable && !front_end.program->main) {
    err << fmt::format("taskc: error: `{}` has no `flow main`, so there is nothing to run\n", options.file)
        << "  help: add `flow main() { … }`, or use `taskc emit-cpp` to embed its tasks in a C++ program\n";
    status = 1;
    return false;
  }
  name = options.namespace_name.empty() ? namespace_for(options.file) : options.namespace_name;
  codegen::CppOptions cpp;
  cpp.name = name;
  cpp.executable = executable || (front_end.program->main && !options.no_main);
  code = codegen::emit_cpp(*front_end.program, front_end.sources, cpp);
  return true;
}

std::string source_dir_of(const std::string& file) {
  std::filesystem::path dir = std::filesystem::path(file).parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

int emit_cpp_command(const Options& options, const Terminal& terminal, std::ostream& out, std::ostream& err) {
  codegen::CppCode code;
  std::string name;
  int status = 0;
  if (!generate(options, terminal, err, false, code, name, status)) return status;
  std::string directory = options.output.empty() ? "." : options.output;
  if (!write_sources(code, directory, err)) return 1;
  if (!options.no_format && !format_sources(code, directory) && options.verbose) {
    err << "taskc: note: no clang-format found (set TASKC_CLANG_FORMAT); the C++ is written unformatted\n";
  }
  out << fmt::format("wrote {0}/{1}.hpp and {0}/{1}.cpp\n", directory, code.file_stem);
  return 0;
}

BuildResult build_command_common(const Options& options, const Terminal& terminal, std::ostream& err, int& status,
                                 bool for_run) {
  BuildResult result;
  FrontEnd front_end;
  status = run_front_end(options.file, render_options(options, terminal), err, front_end);
  if (status != 0) return result;
  if (!front_end.program->main) {
    err << fmt::format("taskc: error: `{}` has no `flow main`, so there is nothing to run\n", options.file)
        << "  help: add `flow main() { … }`, or use `taskc emit-cpp` to embed its tasks in a C++ program\n";
    status = 1;
    return result;
  }
  std::string name = namespace_for(options.file);
  BuildOptions build;
  build.cxx = options.cxx;
  // `taskc run` with the LLVM backend builds at -O0 unless asked: its code
  // mostly calls the runtime (always optimised), and optimising would double
  // the time to the first output. `taskc build` makes an executable to keep,
  // at -O2 with either backend (and with the runtime's hot paths inlined by
  // the LLVM backend).
  build.optimization = options.optimization >= 0 ? options.optimization : options.backend == "llvm" && for_run ? 0 : 2;
  build.verbose = options.verbose;
  build.mpi = options.mpi;
  if (options.backend == "llvm") {
    codegen::LlvmOptions llvm;
    llvm.name = name;
    llvm.optimization = build.optimization;
    codegen::LlvmLowering lowered = codegen::lower_to_llvm(*front_end.program, front_end.sources, llvm);
    if (lowered.module) {
      result = build_executable_llvm(*lowered.module, name, build, err);
      status = result.ok ? 0 : 1;
      return result;
    }
    // Not a failure unless asked: what the LLVM backend cannot lower yet, the C++ backend builds.
    if (options.no_fallback) {
      err << fmt::format(
          "taskc: error: the LLVM backend does not lower {} yet, and --no-fallback was given\n"
          "  help: without --no-fallback, the C++ backend builds the program\n",
          lowered.unsupported);
      status = 1;
      return result;
    }
    if (options.verbose) {
      err << fmt::format("taskc: note: the LLVM backend does not lower {} yet; building with the C++ backend\n",
                         lowered.unsupported);
    }
  }
  codegen::CppOptions cpp;
  // Nobody refers to an executable's namespace, so it is one no header can
  // declare: a file's stem may be a C function's name (`pipe.task`).
  cpp.name = "taskc_program";
  cpp.executable = true;
  codegen::CppCode code = codegen::emit_cpp(*front_end.program, front_end.sources, cpp);
  result = build_executable(code, name, source_dir_of(options.file), build, err);
  status = result.ok ? 0 : 1;
  return result;
}

int build_command(const Options& options, const Terminal& terminal, std::ostream& out, std::ostream& err) {
  std::string target = options.output.empty() ? std::filesystem::path(options.file).stem().string() : options.output;
  std::error_code error;
  // As gcc does: never replace the program's own source with the executable.
  if (std::filesystem::exists(target, error) && std::filesystem::equivalent(target, options.file, error)) {
    err << fmt::format("taskc: error: `-o {}` would overwrite the source file; choose another output name\n", target);
    return 2;
  }
  int status = 0;
  BuildResult built = build_command_common(options, terminal, err, status, false);
  if (!built.ok) return status;
  std::filesystem::copy_file(built.executable, target, std::filesystem::copy_options::overwrite_existing, error);
  if (error) {
    err << fmt::format("taskc: error: cannot write `{}`: {}\n", target, error.message());
    return 1;
  }
  out << fmt::format("built {}{}\n", target, built.cached ? " (cached)" : "");
  return 0;
}

int run_command(const Options& options, const Terminal& terminal, std::ostream& err) {
  int status = 0;
  BuildResult built = build_command_common(options, terminal, err, status, true);
  if (!built.ok) return status;
  // Become the program: its output, exit status and signals are the user's.
  std::vector<std::string> args{built.executable};
  args.insert(args.end(), options.program_args.begin(), options.program_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::cout.flush();
  ::execv(built.executable.c_str(), argv.data());
  err << fmt::format("taskc: error: cannot start `{}`: {}\n", built.executable, std::strerror(errno));
  return 1;
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
  app.set_version_flag("--version", fmt::format("taskc {}", taskc::kVersion), "Print the version and exit");
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

  auto add_build_options = [&](CLI::App& command) {
    command.add_option("file", options.file, "The .task file")->required();
    command.add_option("--cxx", options.cxx,
                       "The C++ compiler for the program (default: $TASKC_CXX, else clang++ where installed)");
    command
        .add_option("--backend", options.backend,
                    "llvm (straight to machine code: a first run in a tenth of a second; a program that imports "
                    "C++ headers is built by the C++ backend, said under -v) or cpp (generated C++, compiled "
                    "by clang++)")
        ->check(CLI::IsMember({"cpp", "llvm"}))
        ->default_str("llvm");
    command.add_option("-O", options.optimization, "Optimisation level of the build, 0 to 3")
        ->check(CLI::Range(0, 3))
        ->default_str("2; `run` with the LLVM backend: 0");
    command.add_flag("-v,--verbose", options.verbose, "Print the commands run");
    command.add_flag("--no-fallback", options.no_fallback,
                     "With --backend llvm: fail, naming what it does not lower yet, instead of building with the "
                     "C++ backend");
    add_diagnostic_options(command, options);
  };
  CLI::App* build = app.add_subcommand("build", "Compile a .task program into an executable");
  add_build_options(*build);
  build->add_option("-o,--output", options.output, "The executable to write (default: the file's stem)");
  build->add_flag("--mpi", options.mpi,
                  "Link MPI: started by mpirun (or srun), rank 0 runs main and the other ranks run its `in process` "
                  "calls; started alone, the program runs as without (docs/cluster.md)");
  CLI::App* run = app.add_subcommand("run", "Build a .task program (cached) and run it: taskc run F.task -- args");
  add_build_options(*run);
  run->add_option("args", options.program_args, "Arguments for the program, after --");
  CLI::App* emit = app.add_subcommand("emit-cpp", "Write the generated C++ (.hpp and .cpp) for embedding");
  emit->add_option("file", options.file, "The .task file")->required();
  emit->add_option("-o,--output", options.output, "The directory to write into (default: .)");
  emit->add_flag("--no-main", options.no_main,
                 "Leave out main(), to link the flows into your own program (the header declares run_<flow>)");
  emit->add_option("--namespace", options.namespace_name,
                   "The C++ namespace and file name (default: from the file's name)")
      ->check(check_namespace_name);
  emit->add_flag("--no-format", options.no_format,
                 "Write the C++ as generated, without running clang-format over it (much faster for large programs)");
  emit->add_flag("-v,--verbose", options.verbose, "Say when no clang-format was found to format the output");
  add_diagnostic_options(*emit, options);

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
  if (build->parsed()) return build_command(options, terminal, out, err);
  if (run->parsed()) return run_command(options, terminal, err);
  if (emit->parsed()) return emit_cpp_command(options, terminal, out, err);
  out << app.help();
  return 0;
}

}  // namespace taskc::driver
