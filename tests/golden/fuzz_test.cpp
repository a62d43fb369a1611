// Fuzzing the compiler with mutated programs: each golden program, mutated a
// few times over (bytes cut, slices repeated, lines swapped or borrowed from
// another program, hostile tokens inserted), goes through `check`; those it
// accepts go through `graph` and `--emit-ir json`, and the first few through
// `build`. Nothing may crash, report an internal error, or fail to build
// after `check` accepted it. The suite runs a bounded number (the sanitizer
// builds run it too); scripts/fuzz runs as many as asked, with any seed:
//   TASKC_FUZZ_COUNT  mutants (default 300)
//   TASKC_FUZZ_BUILDS accepted mutants also built (default 2)
//   TASKC_FUZZ_SEED   the random seed (default fixed, so the suite is repeatable)
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/driver/command_line.hpp"
#include "tests/golden/read_file.hpp"

namespace fs = std::filesystem;

namespace {

long setting(const char* name, long fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtol(value, nullptr, 10) : fallback;
}

std::vector<fs::path> corpus() {
  const char* root = std::getenv("TASKC_SOURCE_DIR");
  REQUIRE(root != nullptr);
  std::vector<fs::path> files;
  for (const char* dir : {"tests/golden/check", "tests/golden/run", "examples"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(root) / dir)) {
      std::string name = entry.path().filename().string();
      // Not the mutants other fuzz runs write next to their originals meanwhile:
      // the corpus, and so every mutant made from the seed, would change with them.
      bool mutant = name.rfind("fuzz_", 0) == 0;
      if (entry.path().extension() == ".task" && name.rfind("fail_", 0) != 0 && !mutant) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  return files;
}

// Tokens a hostile or careless user might put anywhere.
const std::vector<std::string> kInserts = {"(",
                                           ")",
                                           "[",
                                           "]",
                                           "{",
                                           "}",
                                           "\"",
                                           "\"{",
                                           "}\"",
                                           ",",
                                           ":",
                                           "=",
                                           "->",
                                           "..",
                                           "?",
                                           "not ",
                                           "-",
                                           "try ",
                                           " else ",
                                           " timeout 1s ",
                                           " timeout -1s ",
                                           "gather(",
                                           "race(",
                                           " limit 0",
                                           "let x = ",
                                           "return ",
                                           "fail ",
                                           "9223372036854775807",
                                           "-9223372036854775808",
                                           "1e999",
                                           "99999999999999h",
                                           "0.0",
                                           "none",
                                           "true",
                                           "“",
                                           "\xff",
                                           std::string(1, '\0'),
                                           "\t",
                                           "\r\n",
                                           "task ",
                                           "cpu ",
                                           "io ",
                                           "flow ",
                                           "use \"x.task\"\n",
                                           "import \"a\\\"b\"\n",
                                           "channel[int](-1)",
                                           "int",
                                           "str",
                                           "list[",
                                           "map[str, ",
                                           "x.0",
                                           ".field",
                                           "in process"};

std::string mutate(std::string text, const std::vector<std::string>& others, std::mt19937_64& random) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(random() % n); };
  int rounds = 1 + static_cast<int>(pick(4));
  for (int round = 0; round < rounds; ++round) {
    std::size_t at = pick(text.size() + 1);
    switch (pick(5)) {
      case 0:  // cut a few bytes
        text.erase(at, 1 + pick(12));
        break;
      case 1: {  // repeat a slice
        std::size_t length = 1 + pick(40);
        text.insert(at, text.substr(at, length));
        break;
      }
      case 2:  // a hostile token
        text.insert(at, kInserts[pick(kInserts.size())]);
        break;
      case 3: {  // swap two lines
        std::vector<std::string> lines;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        if (lines.size() > 1) std::swap(lines[pick(lines.size())], lines[pick(lines.size())]);
        text.clear();
        for (const std::string& line : lines) text += line + "\n";
        break;
      }
      default: {  // a line of another program
        const std::string& other = others[pick(others.size())];
        std::size_t start = other.rfind('\n', pick(other.size()));
        start = start == std::string::npos ? 0 : start + 1;
        std::size_t end = other.find('\n', start);
        text.insert(at, other.substr(start, end == std::string::npos ? std::string::npos : end - start + 1));
      }
    }
  }
  return text;
}

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome run_taskc(std::vector<std::string> args) {
  std::ostringstream out;
  std::ostringstream err;
  int status = taskc::driver::run_command_line(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace

TEST_CASE("mutated programs never crash check, graph or build, and what check accepts builds") {
  const long count = setting("TASKC_FUZZ_COUNT", 300);
  const long builds = setting("TASKC_FUZZ_BUILDS", 2);
  std::mt19937_64 random(static_cast<std::uint64_t>(setting("TASKC_FUZZ_SEED", 20261130)));
  std::vector<fs::path> files = corpus();
  std::vector<std::string> texts;
  for (const fs::path& file : files) texts.push_back(taskc::testing::read_file(file));
  const fs::path output = fs::temp_directory_path() / ("taskc_fuzz_" + std::to_string(::getpid()));
  fs::create_directories(output);
  // Builds go to a cache of this run's own, unless one is given.
  ::setenv("TASKC_CACHE_DIR", (output / "cache").c_str(), 0);

  long accepted = 0;
  long built = 0;
  for (long i = 0; i < count; ++i) {
    std::size_t which = static_cast<std::size_t>(random() % files.size());
    std::string text = mutate(texts[which], texts, random);
    // Next to the original, so its `use` and `import` paths still resolve.
    fs::path mutant = files[which].parent_path() / ("fuzz_" + std::to_string(::getpid()) + ".task");
    std::ofstream(mutant, std::ios::binary) << text;
    INFO("mutant " << i << " of " << files[which].filename().string() << " (kept at " << (output / "last.task") << ")");
    std::ofstream(output / "last.task", std::ios::binary) << text;

    Outcome checked = run_taskc({"check", mutant.string()});
    CHECK((checked.status == 0 || checked.status == 1));
    CHECK(checked.err.find("internal error") == std::string::npos);
    if (checked.status == 0) {
      ++accepted;
      Outcome graph = run_taskc({"graph", mutant.string()});
      CHECK(graph.status == 0);
      CHECK(graph.out.find('\0') == std::string::npos);
      Outcome ir = run_taskc({"check", "--emit-ir", "json", mutant.string()});
      CHECK(ir.status == 0);
      if (built < builds && text != texts[which]) {
        // The backends in turn: a C++ compiler error reaching the user was
        // what this test first found, and the LLVM backend must build all the same.
        const char* backend = built % 2 == 0 ? "llvm" : "cpp";
        Outcome build =
            run_taskc({"build", "--backend", backend, mutant.string(), "-o", (output / "program").string()});
        INFO(build.err);
        // A library (its tasks, no `flow main`) checks but is not a program:
        // refusing to build it, with that message, is right.
        bool library = build.status == 1 && build.err.find("has no `flow main`") != std::string::npos;
        if (!library) {
          ++built;
          CHECK(build.status == 0);
        }
      }
    }
    fs::remove(mutant);
    if (count >= 1000 && (i + 1) % 1000 == 0) {
      std::cerr << "fuzz: " << i + 1 << " of " << count << ", " << accepted << " accepted, " << built << " built\n";
    }
  }
  fs::remove_all(output);
  std::cerr << "fuzz: " << count << " mutants, " << accepted << " accepted by check, " << built << " built\n";
  CHECK(accepted > 0);
}
