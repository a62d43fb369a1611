// The file builtins: contents, atomic replacement, and errors that name the
// path and the system's reason.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using testing::run;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string name = (fs::temp_directory_path() / "taskrt-files-XXXXXX").string();
    path = ::mkdtemp(name.data());
  }
  ~ScratchDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

TEST_CASE("write_file then read_file gives the same bytes") {
  ScratchDir dir;
  std::string text("line one\nline two\n\0binary\xff", 27);
  auto body = [&]() -> Task<std::string> {
    co_await write_file(dir / "a.txt", text);
    co_return co_await read_file(dir / "a.txt");
  };
  auto runtime = testing::make_runtime();
  CHECK(runtime->run(body()) == text);
}

TEST_CASE("write_file replaces a file atomically and leaves no temporary behind") {
  ScratchDir dir;
  std::string path = dir / "a.txt";
  std::ofstream(path) << "old contents";
  ::chmod(path.c_str(), 0640);
  auto body = [&]() -> Task<void> {
    // Many writers at once: each result is one whole text, never a mix.
    std::vector<Task<void>> writes;
    for (int i = 0; i < 20; ++i) writes.push_back((write_file(path, std::string(10000, static_cast<char>('a' + i)))));
    co_await gather(std::move(writes));
  };
  auto runtime = testing::make_runtime();
  runtime->run(body());
  std::string contents = run(read_file(path));
  REQUIRE(contents.size() == 10000);
  CHECK(contents == std::string(10000, contents[0]));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path)) ++entries;
  CHECK(entries == 1);
  struct stat status {};
  ::stat(path.c_str(), &status);
  CHECK((status.st_mode & 0777) == 0640);
}

TEST_CASE("write_file through a symbolic link writes its target") {
  ScratchDir dir;
  std::ofstream(dir / "target.txt") << "old";
  fs::create_symlink(dir / "target.txt", dir / "link.txt");
  run(write_file(dir / "link.txt", "new"));
  CHECK(fs::is_symlink(dir / "link.txt"));
  CHECK(run(read_file(dir / "target.txt")) == "new");
}

TEST_CASE("append_file adds to the end, creating the file") {
  ScratchDir dir;
  auto body = [&]() -> Task<std::string> {
    co_await append_file(dir / "log", "one\n");
    co_await append_file(dir / "log", "two\n");
    co_return co_await read_file(dir / "log");
  };
  auto runtime = testing::make_runtime();
  CHECK(runtime->run(body()) == "one\ntwo\n");
}

TEST_CASE("read_lines splits on newlines and drops carriage returns") {
  ScratchDir dir;
  std::ofstream(dir / "lines") << "a\r\nb\n\nc";
  CHECK(run(read_lines(dir / "lines")) == std::vector<std::string>{"a", "b", "", "c"});
}

TEST_CASE("list_dir gives the sorted names without . and ..") {
  ScratchDir dir;
  std::ofstream(dir / "b");
  std::ofstream(dir / "a");
  fs::create_directory(dir / "c");
  CHECK(run(list_dir(dir.path.string())) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("file errors are IoErrors naming the path and the reason") {
  ScratchDir dir;
  auto message = [&](Task<std::string> task) -> std::string {
    try {
      auto runtime = testing::make_runtime();
      runtime->run(std::move(task));
    } catch (const IoError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(message((read_file(dir / "missing"))) == "cannot read `" + (dir / "missing") + "`: No such file or directory");
  CHECK(message((read_file(dir.path.string()))) == "cannot read `" + dir.path.string() + "`: Is a directory");
  auto write = [&](std::string path) -> Task<std::string> {
    co_await write_file(path, "x");
    co_return "";
  };
  CHECK(message(write(dir / "no/such/dir")) ==
        "cannot write `" + (dir / "no/such/dir") + "`: No such file or directory");
  CHECK_THROWS_AS(run(list_dir(dir / "missing")), IoError);
}

TEST_CASE("env and now") {
  ::setenv("TASKRT_TEST_VARIABLE", "value", 1);
  CHECK(env("TASKRT_TEST_VARIABLE") == std::optional<std::string>("value"));
  CHECK_FALSE(env("TASKRT_TEST_VARIABLE_THAT_IS_NOT_SET").has_value());
  CHECK(now() > 1.7e9);  // after 2023: the Unix epoch in seconds, not a steady clock
}

#if !defined(__SANITIZE_THREAD__)  // fork() of a process ThreadSanitizer watches is not supported
TEST_CASE("a process killed while write_file writes leaves no partial file behind") {
  fs::path dir = fs::temp_directory_path() / ("taskrt_kill_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  int probe = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (probe < 0) {
    WARN("this file system cannot make unnamed files: write_file falls back to named temporaries here");
    fs::remove_all(dir);
    return;
  }
  ::close(probe);
  std::string path = (dir / "big.txt").string();
  std::string text(std::size_t{64} << 20, 'x');  // long enough to be killed in the middle
  for (int round = 0; round < 5; ++round) {
    pid_t child = ::fork();  // no runtime threads exist here: the child only writes
    REQUIRE(child >= 0);
    if (child == 0) {
      while (true) detail::write_file_now(path, text);
    }
    ::usleep(static_cast<useconds_t>(20'000 + round * 15'000));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
  }
  // Never half a file. A temporary is left only when a kill lands between
  // the two system calls that name the finished file and rename it (Linux
  // has no call that does both): then it is a complete copy.
  int complete_temporaries = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    INFO(entry.path());
    CHECK(fs::file_size(entry.path()) == text.size());
    if (entry.path().filename() != "big.txt") {
      CHECK(entry.path().filename().string().starts_with("big.txt.tmp-"));
      ++complete_temporaries;
    }
  }
  CHECK(complete_temporaries <= 5);  // one kill, at most one
  fs::remove_all(dir);
}
#endif
