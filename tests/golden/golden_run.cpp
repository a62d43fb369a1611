// Golden test of a whole program: build it with taskc, run it, compare.
//
//   golden_run TASKC FILE.task
//
// FILE.task says what to expect in comments:
//   // expect: <line>            the program's stdout, line by line, in order
//   // expect-any-order: <line>  consecutive such lines match the same number of
//                                stdout lines in some order (threads that end
//                                at the same moment)
//   // expect-exit: <n>          its exit status (default 0)
//   // expect-stderr: <text>     text its stderr must contain (each such line)
//   // args: <a> <b> …           its command-line arguments
// Programs are built at -O0 into the cache named by TASKC_CACHE_DIR, so a
// second run of the suite does not compile again.
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// One expected stdout line, or a group of lines that may come in any order.
struct ExpectedLines {
  std::vector<std::string> lines;
  bool any_order = false;
};

struct Expectations {
  std::vector<ExpectedLines> stdout_lines;
  std::vector<std::string> stderr_parts;
  int exit_status = 0;
  std::string args;
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
    } else if (after("// expect-any-order: ", value)) {
      expect(value, true);
    } else if (after("// expect: ", value)) {
      expect(value, false);
    } else if (line.find("// expect:") != std::string::npos) {
      expect("", false);
    } else if (after("// args: ", value)) {
      e.args = value;
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
    if (got != want) return false;
    at += group.lines.size();
  }
  return at == actual.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: golden_run TASKC FILE.task\n";
    return 2;
  }
  std::string taskc = argv[1];
  std::string path = argv[2];
  Expectations expected = read_expectations(path);
  std::string executable = "/tmp/golden_run_" + std::to_string(::getpid());

  std::string out;
  std::string err;
  if (run(taskc + " build -O0 " + path + " -o " + executable, out, err) != 0) {
    std::cerr << path << ": taskc build failed:\n" << out << err;
    return 1;
  }
  out.clear();
  err.clear();
  int status = run(executable + " " + expected.args, out, err);
  ::unlink(executable.c_str());

  bool ok = true;
  std::vector<std::string> actual = lines_of(out);
  if (!matches(expected.stdout_lines, actual)) {
    ok = false;
    std::cerr << path << ": stdout differs from the `// expect:` lines\n---- expected\n";
    for (const ExpectedLines& group : expected.stdout_lines) {
      for (const std::string& line : group.lines) std::cerr << (group.any_order ? "(any order) " : "") << line << "\n";
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
