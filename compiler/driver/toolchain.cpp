#include "compiler/driver/toolchain.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <sstream>

#include "compiler/codegen/cpp/identifiers.hpp"
#include "compiler/driver/build_cache.hpp"
#include "compiler/driver/build_config.hpp"
#include "compiler/driver/cache_size.hpp"
#include "compiler/driver/in_process_linker.hpp"
#include "compiler/driver/runtime_location.hpp"
#include "compiler/driver/runtime_pch.hpp"
#include "compiler/driver/shell.hpp"
#include "compiler/version.hpp"

namespace taskc::driver {
namespace {

namespace fs = std::filesystem;

std::string cxx_of(const BuildOptions& options) {
  if (!options.cxx.empty()) return options.cxx;
  const char* configured = std::getenv("TASKC_CXX");
  return configured != nullptr && *configured != '\0' ? configured : kDefaultCxx;
}

// Where `program` is: itself when it names a path, else its first
// executable on PATH; empty when there is none.
fs::path find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "";
  while (!dirs.empty()) {
    std::size_t colon = dirs.find(':');
    fs::path candidate = fs::path(std::string(dirs.substr(0, colon))) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
  }
  return {};
}

bool on_path(const std::string& program) {
  return !find_program(program).empty();
}

// Runs a program with `args` (no shell), capturing stdout and stderr together.
int run_arguments(const std::vector<std::string>& args, std::string& output) {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0) return -1;
  pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) {
    ::dup2(pipe_ends[1], 1);
    ::dup2(pipe_ends[1], 2);
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_ends[1]);
  std::array<char, 4096> buffer{};
  ssize_t n = 0;
  while ((n = ::read(pipe_ends[0], buffer.data(), buffer.size())) > 0) output.append(buffer.data(), n);
  ::close(pipe_ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The arguments of the linker command in `driver_output` (`cxx -###`): its
// last line, each argument in double quotes with \ and \" escaped.
std::vector<std::string> parse_link_line(const std::string& driver_output) {
  std::vector<std::string> args;
  std::size_t end = driver_output.find_last_not_of("\n");
  if (end == std::string::npos) return args;
  std::size_t begin = driver_output.rfind('\n', end);
  std::string_view line(driver_output.data() + (begin == std::string::npos ? 0 : begin + 1),
                        end - (begin == std::string::npos ? 0 : begin + 1) + 1);
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    if (line[i] != '"') return {};
    std::string arg;
    for (++i; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) ++i;
      arg.push_back(line[i]);
    }
    if (i >= line.size()) return {};
    ++i;
    args.push_back(std::move(arg));
  }
  return args;
}

// What the cache key knows of the runtime library programs link: its path,
// time and size (a rebuilt runtime means rebuilt programs). False, having
// said so, when it is missing.
bool identify_runtime(const RuntimeLocation& runtime, std::string& identity, std::ostream& err) {
  std::error_code error;
  auto time = fs::last_write_time(runtime.library, error);
  if (error) {
    err << fmt::format("taskc: error: the runtime library `{}` is missing; build taskc first\n", runtime.library);
    return false;
  }
  identity = std::to_string(time.time_since_epoch().count()) + std::to_string(fs::file_size(runtime.library, error)) +
             runtime.library;
  if (!runtime.mpi_library.empty()) {
    identity += std::to_string(fs::last_write_time(runtime.mpi_library, error).time_since_epoch().count());
  }
  return true;
}

// The runtime libraries a program links, for the command line: libtaskrt.a,
// and for --mpi the MPI launcher linked whole before it (nothing names the
// launcher: it installs itself) and MPI's own libraries after. False, with
// the reason, when this taskc has no MPI.
bool runtime_libraries(const RuntimeLocation& runtime, bool mpi, std::string& libraries, std::ostream& err) {
  libraries = shell_quote(runtime.library);
  if (!mpi) return true;
  if (runtime.mpi_library.empty() || std::string_view(kMpiLinkFlags).empty()) {
    err << "taskc: error: --mpi: this taskc was built without MPI (no libtaskrt_mpi.a beside `" << runtime.library
        << "`);\n  help: install Open MPI (`apt-get install libopenmpi-dev openmpi-bin`), then build taskc again "
           "(scripts/bootstrap)\n";
    return false;
  }
  libraries = fmt::format("-Wl,--whole-archive {} -Wl,--no-whole-archive {} {}", shell_quote(runtime.mpi_library),
                          libraries, kMpiLinkFlags);
  return true;
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();  // what is still buffered may fail to go (a full disk)
  return !out.fail();
}

// Stores what taskc learnt about the toolchain in the build cache: written to
// a file of this process's own and renamed into place, so that another taskc
// reads all of it or nothing.
void remember(const fs::path& path, const std::string& text) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  fs::path partial = path;
  partial += ".partial." + std::to_string(::getpid());
  if (write_file(partial, text)) {
    fs::rename(partial, path, error);
  } else {
    fs::remove(partial, error);
  }
}

// What `cxx --version` prints: part of every C++ build's cache key. Kept in
// the build cache under the compiler's file, size and time, since running
// it costs a cache hit ~0.1 s; a compiler that changes is asked again.
bool identify_compiler(const std::string& cxx, std::string& identity) {
  std::error_code path_error;
  std::error_code size_error;
  std::error_code time_error;
  fs::path program = fs::canonical(find_program(cxx), path_error);
  std::uintmax_t size = path_error ? 0 : fs::file_size(program, size_error);
  auto time = path_error ? fs::file_time_type{} : fs::last_write_time(program, time_error);
  fs::path saved;
  if (!path_error && !size_error && !time_error) {
    std::string key = fmt::format("{} {} {} {}", cxx, program.string(), size, time.time_since_epoch().count());
    saved = cache_root() / fmt::format("compiler-{:016x}.id", fnv1a(key));
    std::ifstream in(saved, std::ios::binary);
    identity.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!identity.empty()) return true;
  }
  if (run_capture(shell_quote(cxx) + " --version", identity) != 0) return false;
  if (!saved.empty()) remember(saved, identity);
  return true;
}

constexpr std::uintmax_t kMiB = std::uintmax_t{1} << 20;

std::uintmax_t free_space(const fs::path& dir) {
  std::error_code error;
  fs::space_info space = fs::space(dir, error);
  return error ? UINTMAX_MAX : space.available;
}

// A build that failed because the disk is full is not a taskc bug: say what is.
bool reported_disk_full(const fs::path& dir, std::ostream& err) {
  std::uintmax_t available = free_space(dir);
  if (available >= 64 * kMiB) return false;
  err << fmt::format(
      "taskc: error: the disk holding the build cache `{}` is full ({} MiB free); free some space, or choose "
      "another cache directory with TASKC_CACHE_DIR\n",
      dir.string(), available / kMiB);
  return true;
}

}  // namespace

std::string namespace_for(const std::string& path) {
  std::string stem = fs::path(path).stem().string();
  std::string name;
  for (char c : stem) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "task_" + name;
  return codegen::program_namespace(name);
}

bool write_sources(const codegen::CppCode& code, const std::string& directory, std::ostream& err) {
  std::error_code error;
  fs::create_directories(directory, error);
  fs::path dir(directory);
  if (!write_file(dir / (code.file_stem + ".hpp"), code.header) ||
      !write_file(dir / (code.file_stem + ".cpp"), code.source)) {
    err << fmt::format("taskc: error: cannot write the generated C++ into `{}`\n", directory);
    return false;
  }
  return true;
}

bool format_sources(const codegen::CppCode& code, const std::string& directory) {
  // The house style (.clang-format), so that emitted code reads like ours.
  // Only for code people read: `taskc build` compiles it as generated.
  const char* configured = std::getenv("TASKC_CLANG_FORMAT");
  std::string formatter = configured != nullptr && *configured != '\0' ? configured : "clang-format";
  std::string ignored;
  if (run_capture(shell_quote(formatter) + " --version", ignored) != 0) return false;
  fs::path dir(directory);
  std::string command = fmt::format(
      "{} -i --style={} {} {}", shell_quote(formatter),
      shell_quote("{BasedOnStyle: Google, ColumnLimit: 120, SortIncludes: Never, DerivePointerAlignment: false, "
                  "PointerAlignment: Left, AllowShortFunctionsOnASingleLine: Inline}"),
      shell_quote((dir / (code.file_stem + ".hpp")).string()), shell_quote((dir / (code.file_stem + ".cpp")).string()));
  return run_capture(command, ignored) == 0;
}

BuildResult build_executable(const codegen::CppCode& code, const std::string& name, const std::string& source_dir,
                             const BuildOptions& options, std::ostream& err) {
  BuildResult result;
  std::string cxx = cxx_of(options);

  std::string compiler_identity;
  if (!identify_compiler(cxx, compiler_identity)) {
    err << fmt::format("taskc: error: cannot run the C++ compiler `{}` (choose one with --cxx or TASKC_CXX)\n", cxx);
    return result;
  }
  RuntimeLocation runtime = find_runtime();
  std::string runtime_identity;
  if (!identify_runtime(runtime, runtime_identity, err)) return result;
  std::error_code error;
  // GCC warns about lambdas in coroutine frames once #line has moved the code
  // into the .task file; the warning is meaningless here.
  bool is_clang = compiler_identity.find("clang") != std::string::npos;
  // A program may nest up to 200 deep; its C++ (lambdas for `try … else`)
  // nests deeper than clang's default limit of 256 brackets.
  // As in the LLVM backend, no debug information, the program's or the
  // runtime's: with it a tiny program's executable was 12 MB, not 1.
  std::string flags = fmt::format("-std=c++20 -O{} -g0 -pthread {}{}", options.optimization,
                                  is_clang ? "-fbracket-depth=1024 " : "-Wno-subobject-linkage ", kRuntimeFlags);
  // clang 14's -fsanitize=function cannot compile coroutines ("Cannot represent a
  // difference across sections"); GCC's UBSan has no such check anyway.
  if (is_clang && std::string_view(kRuntimeFlags).find("undefined") != std::string_view::npos) {
    flags += " -fno-sanitize=function";
  }
  std::uint64_t key = fnv1a(code.header);
  key = fnv1a(code.source, key);
  std::string libraries;
  if (!runtime_libraries(runtime, options.mpi, libraries, err)) return result;
  key = fnv1a(compiler_identity + cxx + flags + libraries + kVersion + source_dir, key);
  key = fnv1a(runtime_identity, key);
  fs::path dir = cache_root() / fmt::format("{:016x}", key);
  fs::path executable = dir / name;
  result.executable = executable.string();
  if (fs::exists(executable) && recorded_inputs_unchanged(dir)) {
    mark_cache_entry_used(dir);
    result.ok = true;
    result.cached = true;
    return result;
  }

  fs::create_directories(dir, error);
  if (error || !write_sources(code, dir.string(), err)) {
    err << fmt::format("taskc: error: cannot use the build cache `{}`: {}\n", dir.string(), error.message());
    return result;
  }
  // Compile to a temporary name and rename: a concurrent taskc never sees half a file.
  fs::path partial = dir / (name + ".partial." + std::to_string(::getpid()));
  fs::path depfile = dir / "inputs.d";
  std::optional<RuntimePch> pch;
  if (is_clang) pch.emplace(cxx, flags, compiler_identity, runtime.include_dir, options.verbose, err);
  auto compile = [&](const std::string& precompiled, std::string& output) {
    std::string command = fmt::format(
        "{} {} {}-I{} -I{} -I{} -MMD -MT program -MF {} {} -Wl,--strip-debug {} -lfmt -lcurl -lcrypto -lre2 -lsimdjson "
        "-o {}",
        shell_quote(cxx), flags, precompiled.empty() ? "" : "-include-pch " + shell_quote(precompiled) + " ",
        shell_quote(runtime.include_dir), shell_quote(dir.string()), shell_quote(source_dir),
        shell_quote(depfile.string()), shell_quote((dir / (code.file_stem + ".cpp")).string()), libraries,
        shell_quote(partial.string()));
    if (options.verbose) err << command << "\n";
    return run_capture(command, output);
  };
  std::string output;
  int status = compile(pch ? pch->path() : "", output);
  if (status != 0 && pch && !pch->path().empty() && RuntimePch::refused_in(output)) {
    if (options.verbose) err << output;
    pch->forget();
    output.clear();
    status = compile("", output);
  }
  if (status != 0) {
    fs::remove(partial, error);
    if (reported_disk_full(dir, err)) return result;
    // A program the checker accepted must build: anything else is our bug,
    // unless the user's own C++ (an imported header, an extern function) is at fault.
    err << "taskc: internal error: the generated C++ did not compile; please report this as a taskc bug\n"
           "(unless the message below is about an imported header or an extern task's C++ function).\n"
           "Locations refer to the .task file where they can:\n"
        << output;
    return result;
  }
  if (!output.empty() && options.verbose) err << output;
  record_inputs(dir, depfile, {fs::weakly_canonical(dir, error), fs::weakly_canonical(runtime.include_dir, error)});
  fs::rename(partial, executable, error);
  if (error) {
    err << fmt::format("taskc: error: cannot store the program in the build cache: {}\n", error.message());
    return result;
  }
  after_new_cache_entry(cache_root(), key, err);
  result.ok = true;
  return result;
}

namespace {

// What programs link besides the runtime.
constexpr const char* kLinkedLibraries = "-lfmt -lcurl -lcrypto -lre2 -lsimdjson -pthread";

// The linker command `cxx` runs to link `object` into `output`; empty when
// it cannot be found out. Asked once (`cxx -###`, which needs the object to
// exist) and kept in the build cache with the two files left as "{object}"
// and "{output}".
std::vector<std::string> link_arguments(const std::string& cxx, const std::string& flags, const std::string& libraries,
                                        const std::string& object, const std::string& output) {
  std::string key = fmt::format("{} {} {} {} {}", cxx, flags, libraries, kLinkedLibraries, kVersion);
  fs::path saved = cache_root() / fmt::format("link-{:016x}.args", fnv1a(key));
  std::vector<std::string> args;
  std::ifstream in(saved);
  for (std::string line; std::getline(in, line);) args.push_back(line);
  // A toolchain upgrade moves files (crtbegin.o lives under the GCC version):
  // a saved line that names a file no longer there is asked for again.
  std::error_code missing;
  if (std::any_of(args.begin(), args.end(),
                  [&](const std::string& arg) { return arg.starts_with('/') && !fs::exists(arg, missing); })) {
    args.clear();
  }
  if (args.empty()) {
    std::string request = fmt::format("{} -### {} {} {} {} -o {}", shell_quote(cxx), flags, shell_quote(object),
                                      libraries, kLinkedLibraries, shell_quote(output));
    std::string printed;
    if (run_capture(request, printed) != 0) return {};
    args = parse_link_line(printed);
    bool complete = !args.empty() && fs::path(args[0]).is_absolute() &&
                    std::count(args.begin(), args.end(), object) == 1 &&
                    std::count(args.begin(), args.end(), output) == 1;
    if (!complete) return {};
    std::string text;
    for (const std::string& arg : args) text += (arg == object ? "{object}" : arg == output ? "{output}" : arg) + "\n";
    remember(saved, text);
    return args;
  }
  for (std::string& arg : args) {
    if (arg == "{object}") arg = object;
    if (arg == "{output}") arg = output;
  }
  return args;
}

}  // namespace

BuildResult build_executable_llvm(codegen::LlvmModule& module, const std::string& name, const BuildOptions& options,
                                  std::ostream& err) {
  BuildResult result;
  RuntimeLocation runtime = find_runtime();
  std::string runtime_identity;
  if (!identify_runtime(runtime, runtime_identity, err)) return result;
  std::error_code error;
  std::string cxx = cxx_of(options);
  // lld links the runtime in a tenth of the time GNU ld takes.
  std::string linker = on_path("ld.lld") ? "-fuse-ld=lld " : "";
  std::string flags = linker + "-Wl,--strip-debug " + kRuntimeFlags;
  std::string libraries;
  if (!runtime_libraries(runtime, options.mpi, libraries, err)) return result;
  // The module's text is the program; the rest is how it is linked. Not the
  // linker's --version: running it would cost a cache hit more than the hash.
  std::string text = module.text();
  std::uint64_t key = fnv1a(text);
  key = fnv1a(fmt::format("llvm O{} {} {} {} {}", options.optimization, cxx, flags, libraries, kVersion), key);
  key = fnv1a(runtime_identity, key);
  key = fnv1a(runtime.inlined_bitcode, key);
  fs::path dir = cache_root() / fmt::format("{:016x}", key);
  fs::path executable = dir / name;
  result.executable = executable.string();
  if (fs::exists(executable)) {
    mark_cache_entry_used(dir);
    result.ok = true;
    result.cached = true;
    return result;
  }
  fs::create_directories(dir, error);
  if (error) {
    err << fmt::format("taskc: error: cannot use the build cache `{}`: {}\n", dir.string(), error.message());
    return result;
  }
  std::string pid = std::to_string(::getpid());
  fs::path object = dir / (name + ".o.partial." + pid);
  // For backend work: the module as LLVM assembly beside the executable.
  if (const char* keep = std::getenv("TASKC_KEEP_LLVM"); keep != nullptr && *keep != '\0') {
    write_file(dir / (name + ".ll"), text);
  }
  std::string problem;
  auto started = std::chrono::steady_clock::now();
  auto milliseconds_since = [](std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
  };
  if (options.verbose && options.optimization > 0 && runtime.inlined_bitcode.empty()) {
    err << "taskc: no taskrt-hot.bc beside the runtime library: the program calls the runtime's hot paths, "
           "not inlined\n";
  }
  if (!module.write_object(object.string(), options.optimization, runtime.inlined_bitcode, problem)) {
    fs::remove(object, error);
    if (reported_disk_full(dir, err)) return result;
    err << "taskc: internal error: the LLVM backend could not write the program: " << problem
        << "\nplease report this as a taskc bug\n";
    return result;
  }
  if (options.verbose) err << fmt::format("taskc: object file written in {:.0f} ms\n", milliseconds_since(started));
  fs::path partial = dir / (name + ".partial." + pid);
  std::string output;
  auto linking = std::chrono::steady_clock::now();
  std::vector<std::string> link = link_arguments(cxx, flags, libraries, object.string(), partial.string());
  int status = 0;
  if (!link.empty()) {
    // The linker itself, as the driver would run it (a third faster), and
    // lld inside taskc when it can.
    if (options.verbose) {
      std::string shown;
      for (const std::string& arg : link) shown += (shown.empty() ? "" : " ") + shell_quote(arg);
      err << shown << "\n";
    }
    // lld 14 aborts when it cannot write its output (a full disk): where that
    // may happen it runs as a process, whose failure taskc can report.
    bool roomy = free_space(dir) >= 512 * kMiB;
    status = roomy && can_link_in_process(link) ? link_in_process(link, err) : run_arguments(link, output);
  } else {
    std::string command = fmt::format("{} {} {} {} {} -o {}", shell_quote(cxx), flags, shell_quote(object.string()),
                                      libraries, kLinkedLibraries, shell_quote(partial.string()));
    if (options.verbose) err << command << "\n";
    status = run_capture(command, output);
  }
  if (options.verbose) err << fmt::format("taskc: linked in {:.0f} ms\n", milliseconds_since(linking));
  fs::remove(object, error);
  if (status != 0) {
    fs::remove(partial, error);
    if (reported_disk_full(dir, err)) return result;
    err << "taskc: internal error: the program built by the LLVM backend did not link; please report this as a "
           "taskc bug:\n"
        << output;
    return result;
  }
  fs::rename(partial, executable, error);
  if (error) {
    err << fmt::format("taskc: error: cannot store the program in the build cache: {}\n", error.message());
    return result;
  }
  after_new_cache_entry(cache_root(), key, err);
  result.ok = true;
  return result;
}

}  // namespace taskc::driver
