// Golden test of a whole program: build it with taskc, run it, compare.
//
//   golden_run TASKC TEST_HTTP_SERVER FILE.task [BACKEND]
//
// BACKEND is cpp (the default) or llvm. Under llvm, a program the LLVM
// backend does not lower yet is a skipped test (exit status 77), named so in
// the summary, not a pass.
//
// FILE.task says what to expect in comments:
//   // expect: <line>            the program's stdout, line by line, in order
//   // expect-any-order: <line>  consecutive such lines match the same number of
//                                stdout lines in some order (threads that end
//                                at the same moment)
//   // expect-glob: <pattern>    one stdout line matching a pattern in which `*`
//                                stands for any text (timings, ports): `Time: *`
//   // expect-exit: <n>          its exit status (default 0)
//   // expect-stderr: <text>     text its stderr must contain (each such line)
//   // args: <a> <b> …           its command-line arguments
//   // server: http              start the test HTTP server first; `{server}`
//                                in the arguments becomes its base URL
//   // run: build only (<why>)   built, not run: a server, which runs until
//                                stopped (tests/golden/serve drives it)
// Programs are built at -O0 into the cache named by TASKC_CACHE_DIR, so a
// second run of the suite does not compile again. A program without a
// `flow main` (a library of tasks for embedding) is only compiled: its
// `taskc emit-cpp` output must be valid C++. Run from the repository root.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

// What ctest counts as a skipped test (SKIP_RETURN_CODE).
constexpr int kSkipped = 77;

// One expected stdout line, or a group of lines that may come in any order.
struct ExpectedLines {
  std::vector<std::string> lines;
  bool any_order = false;
  bool glob = false;
};

struct Expectations {
  std::vector<ExpectedLines> stdout_lines;
  std::vector<std::string> stderr_parts;
  int exit_status = 0;
  std::string args;
  bool http_server = false;
  bool build_only = false;
};

Expectations read_expectations(const std::string& path) {
  Expectations e;
  std::ifstream in(path);
  std::string line;
  auto after = [&](const std::string& marker, std::string& value) {
    std::size_t at = line.find(marker);
    if (at == std::string::npos) return false;
    value = line.substr(at + marker.size());
    return true;
  };
  auto expect = [&](const std::string& value, bool any_order) {
    if (any_order && !e.stdout_lines.empty() && e.stdout_lines.back().any_order) {
      e.stdout_lines.back().lines.push_back(value);
    } else {
      e.stdout_lines.push_back({{value}, any_order});
    }
  };
  while (std::getline(in, line)) {
    std::string value;
    if (after("// expect-exit: ", value)) {
      e.exit_status = std::atoi(value.c_str());
    } else if (after("// expect-stderr: ", value)) {
      e.stderr_parts.push_back(value);
    } else if (after("// expect-glob: ", value)) {
      e.stdout_lines.push_back({{value}, false, true});
    } else if (after("// expect-any-order: ", value)) {
      expect(value, true);
    } else if (after("// expect: ", value)) {
      expect(value, false);
    } else if (line.find("// expect:") != std::string::npos) {
      expect("", false);
    } else if (after("// args: ", value)) {
      e.args = value;
    } else if (after("// run: ", value)) {
      e.build_only = value.rfind("build only", 0) == 0;
    } else if (after("// server: ", value)) {
      e.http_server = value == "http";
    }
  }
  return e;
}

// Runs a shell command; returns its exit status, with stdout and stderr.
int run(const std::string& command, std::string& out, std::string& err) {
  char err_path[] = "/tmp/golden_run_stderr_XXXXXX";
  int fd = ::mkstemp(err_path);
  ::close(fd);
  FILE* pipe = ::popen((command + " 2>" + err_path).c_str(), "r");
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  std::ifstream in(err_path);
  std::ostringstream text;
  text << in.rdbuf();
  err = text.str();
  ::unlink(err_path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Whether `text` matches `pattern`, where `*` matches any run of characters
// and everything else only itself (brackets and backslashes are common in
// printed values, so they are not special).
bool glob_matches(const std::string& pattern, const std::string& text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool matches(const std::vector<ExpectedLines>& expected, const std::vector<std::string>& actual) {
  std::size_t at = 0;
  for (const ExpectedLines& group : expected) {
    if (at + group.lines.size() > actual.size()) return false;
    std::vector<std::string> got(actual.begin() + at, actual.begin() + at + group.lines.size());
    std::vector<std::string> want = group.lines;
    if (group.any_order) {
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    if (group.glob) {
      if (!glob_matches(want[0], got[0])) return false;
    } else if (got != want) {
      return false;
    }
    at += group.lines.size();
  }
  return at == actual.size();
}

// The test HTTP server as a child process: it prints its port, and serves
// until its stdin closes (when we exit, however we exit).
class HttpServerProcess {
 public:
  explicit HttpServerProcess(const std::string& program) {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::execl(program.c_str(), program.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    std::string line;
    char c = 0;
    while (::read(from_child[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(from_child[0]);
    if (!line.empty()) url_ = "http://127.0.0.1:" + line;
  }
  ~HttpServerProcess() {
    if (stdin_ >= 0) ::close(stdin_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  // Empty if the server did not start.
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::string url_;
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool has_main(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flow main(", 0) == 0) return true;
  }
  return false;
}

// A program without main: its generated C++ must compile (with clang++, as
// `taskc build` does).
bool compile_library(const std::string& taskc, const std::string& path) {
  std::string dir = "/tmp/golden_run_lib_" + std::to_string(::getpid());
  std::string out;
  std::string err;
  if (run(taskc + " emit-cpp " + path + " -o " + dir, out, err) != 0) {
    std::cerr << path << ": taskc emit-cpp failed:\n" << out << err;
    return false;
  }
  std::string source_dir = path.substr(0, path.find_last_of('/') + 1);
  std::string sources;
  for (const std::string& line : lines_of(out)) {
    std::size_t at = line.rfind(" and ");
    if (at != std::string::npos) sources = line.substr(at + 5);
  }
  int status =
      run("clang++ -std=c++20 -fsyntax-only -Iruntime/include -I" + dir + " -I" + source_dir + " " + sources, out, err);
  run("rm -rf " + dir, out, out);
  if (status != 0) {
    std::cerr << path << ": the generated C++ does not compile:\n" << err;
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: golden_run TASKC TEST_HTTP_SERVER FILE.task [cpp|llvm]\n";
    return 2;
  }
  std::string backend = argc == 5 ? argv[4] : "cpp";
  std::string taskc = argv[1];
  std::string server_program = argv[2];
  std::string path = argv[3];
  Expectations expected = read_expectations(path);
  std::string executable = "/tmp/golden_run_" + std::to_string(::getpid());

  std::string out;
  std::string err;
  if (!has_main(path)) {
    if (backend != "cpp") return kSkipped;  // a library embeds the C++ backend's code
    return compile_library(taskc, path) ? 0 : 1;
  }
  // The C++ backend unoptimised (clang is slow to optimise); the LLVM backend
  // as `taskc build` makes programs, optimised with the runtime's hot paths
  // inlined (its unoptimised code, which `taskc run` makes, the differential
  // fuzz test builds too).
  // With --no-fallback, a program the LLVM backend does not lower yet is
  // refused at once instead of built (slowly, at -O2) by the C++ backend.
  std::string level = backend == "llvm" ? "-O2 --no-fallback" : "-O0";
  if (run(taskc + " build " + level + " --backend " + backend + " " + path + " -o " + executable, out, err) != 0) {
    std::size_t refused = err.find("does not lower");
    if (backend == "llvm" && refused != std::string::npos) {
      std::cerr << path << ": the LLVM backend " << err.substr(refused, err.find(" yet", refused) + 4 - refused)
                << "\n";
      return kSkipped;
    }
    std::cerr << path << ": taskc build failed:\n" << out << err;
    return 1;
  }
  if (expected.build_only) {
    ::unlink(executable.c_str());
    return 0;
  }
  out.clear();
  err.clear();
  std::optional<HttpServerProcess> server;
  if (expected.http_server) {
    server.emplace(server_program);
    if (server->url().empty()) {
      std::cerr << path << ": the test HTTP server `" << server_program << "` did not start\n";
      return 1;
    }
    expected.args = replace_all(expected.args, "{server}", server->url());
  }
  int status = run(executable + " " + expected.args, out, err);
  server.reset();
  ::unlink(executable.c_str());

  bool ok = true;
  std::vector<std::string> actual = lines_of(out);
  if (!matches(expected.stdout_lines, actual)) {
    ok = false;
    std::cerr << path << ": stdout differs from the `// expect:` lines\n---- expected\n";
    for (const ExpectedLines& group : expected.stdout_lines) {
      for (const std::string& line : group.lines) {
        std::cerr << (group.any_order ? "(any order) " : group.glob ? "(pattern) " : "") << line << "\n";
      }
    }
    std::cerr << "---- actual\n" << out << "----\n";
  }
  if (status != expected.exit_status) {
    ok = false;
    std::cerr << path << ": exit status " << status << ", expected " << expected.exit_status << "\n";
  }
  for (const std::string& part : expected.stderr_parts) {
    if (err.find(part) == std::string::npos) {
      ok = false;
      std::cerr << path << ": stderr lacks `" << part << "`\n";
    }
  }
  if (!ok) std::cerr << "---- stderr\n" << err;
  return ok ? 0 : 1;
}
