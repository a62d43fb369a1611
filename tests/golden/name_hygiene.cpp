// Writes a .task program whose user names are every name the C++ backend
// generates, and names C++ itself could misread, at every nesting level; the
// golden run of it proves that no user name ever meets a generated one or a
// macro. The generated names are not listed here: they are harvested from the
// C++ that `taskc emit-cpp` writes for every program of the test corpus, so a
// temporary added to the backend tomorrow is covered without editing this.
//
//   name_hygiene OUT.task FILE.task…
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/driver/command_line.hpp"
#include "compiler/ir/builtins.hpp"
#include "tests/golden/read_file.hpp"

namespace fs = std::filesystem;

namespace {

// Names C++ could read as something else: macros of the C library, POSIX and
// the runtime's headers, reserved identifiers, keywords that are not .task
// keywords, and the namespaces generated code names.
const std::vector<std::string> kMisreadable = {
    "M_PI",  "NAN",      "INT_MAX", "PATH_MAX", "EXIT_FAILURE", "ENOENT",   "SEEK_SET", "__linux", "errno",
    "stdin", "assert",   "EOF",     "NULL",     "unix",         "linux",    "st_mtime", "_Exit",   "__x",
    "_Y",    "class",    "new",     "delete",   "template",     "typename", "this",     "auto",    "register",
    "std",   "taskrt",   "x_",      "x_u",      "x__u",         "main_u",   "CURLE_OK", "SIGINT",  "FD_SET",
    "TRUE",  "INFINITY", "major",   "minor",    "offsetof",     "alignas"};

using taskc::testing::read_file;

// Every identifier-like word of a C++ text.
std::vector<std::string> identifiers(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word += c;
    } else if (!word.empty()) {
      if (!std::isdigit(static_cast<unsigned char>(word[0]))) words.push_back(word);
      word.clear();
    }
  }
  return words;
}

// The names generated code makes up (they end in `_`), as a user could
// write them: `stop_3_` gives `stop`, `stop_1` and `stop_1_`.
std::set<std::string> harvest(const std::vector<std::string>& programs) {
  fs::path scratch = fs::temp_directory_path() / ("name_hygiene_" + std::to_string(::getpid()));
  std::set<std::string> names;
  for (const std::string& program : programs) {
    std::ostringstream out;
    std::ostringstream err;
    // Unformatted: the names are the same, and clang-format took two minutes of
    // each test variant over the whole corpus.
    if (taskc::driver::run_command_line({"emit-cpp", program, "-o", scratch.string(), "--no-format"}, out, err) != 0) {
      continue;
    }
    for (const auto& entry : fs::directory_iterator(scratch)) {
      for (const std::string& word : identifiers(read_file(entry.path()))) {
        if (word.size() < 2 || word.back() != '_' || !std::isalpha(static_cast<unsigned char>(word[0]))) continue;
        // stem, then an optional _<digits>, then the final `_`.
        std::string rest = word.substr(0, word.size() - 1);
        std::size_t digits = rest.find_last_not_of("0123456789");
        bool numbered = digits != std::string::npos && digits + 1 < rest.size() && rest[digits] == '_';
        std::string stem = numbered ? rest.substr(0, digits) : rest;
        // One of node_0_done_, node_1_done_, …: numbers inside a stem are one name.
        std::string normal;
        for (std::size_t i = 0; i < stem.size(); ++i) {
          bool digit = std::isdigit(static_cast<unsigned char>(stem[i]));
          if (!digit || i == 0 || !std::isdigit(static_cast<unsigned char>(stem[i - 1])))
            normal += digit ? '0' : stem[i];
        }
        if (normal.empty()) continue;
        names.insert(normal);
        names.insert(normal + (numbered ? "_1" : ""));
        names.insert(normal + (numbered ? "_1_" : "_"));
      }
    }
    fs::remove_all(scratch);
  }
  return names;
}

// Words the .task grammar keeps for itself, which cannot be user names.
bool is_task_keyword(const std::string& name) {
  static const std::set<std::string> kKeywords = {
      "io",       "cpu",    "task",     "flow",     "let",     "return",  "if",    "else",      "for",       "in",
      "while",    "break",  "continue", "gather",   "race",    "timeout", "retry", "uses",      "limit",     "settle",
      "after",    "try",    "catch",    "fail",     "with",    "shared",  "const", "semaphore", "type",      "use",
      "import",   "extern", "process",  "blocking", "backoff", "on",      "as",    "per",       "ratelimit", "elif",
      "and",      "or",     "not",      "true",     "false",   "none",    "int",   "float",     "bool",      "str",
      "duration", "list",   "map",      "channel",  "result",  "void",    "tuple"};
  return kKeywords.count(name) != 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: name_hygiene OUT.task FILE.task…\n";
    return 2;
  }
  std::set<std::string> found = harvest(std::vector<std::string>(argv + 2, argv + argc));
  if (found.size() < 20) {
    std::cerr << "name_hygiene: only " << found.size() << " generated names found; is the corpus empty?\n";
    return 1;
  }
  found.insert(kMisreadable.begin(), kMisreadable.end());
  std::vector<std::string> names;
  for (const std::string& name : found) {
    if (!is_task_keyword(name) && !taskc::ir::find_builtin(name)) names.push_back(name);
  }
  if (names.size() < 20) {
    std::cerr << "name_hygiene: only " << names.size() << " usable names; the harvest or the filter is broken\n";
    return 1;
  }
  // Half the names are program-level consts (and flow lets that shadow
  // them), half are task names; every name is a field, a parameter and a
  // local at several depths.
  std::size_t half = names.size() / 2;
  auto value = [](std::size_t i) { return static_cast<long>(i) + 1; };
  long all = 0;
  long first_half = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    all += value(i);
    if (i < half) first_half += value(i);
  }
  long second_half = all - first_half;

  std::ostringstream p;
  p << "// Generated by tests/golden/name_hygiene.cpp: " << names.size()
    << " user names that are generated names or names C++ could misread.\n";
  p << "// expect: consts " << first_half << "\n";
  p << "// expect: tasks " << second_half << "\n";
  p << "// expect: params " << all << "\n";
  p << "// expect: locals " << (3 * all + static_cast<long>(names.size())) << "\n";
  p << "// expect: with " << all << "\n";
  p << "// expect: fields " << all << "\n";
  p << "// expect: json true\n";
  p << "// expect: flow " << first_half << "\n";
  p << "// expect: gathered " << 3 * 6 << "\n";
  p << "shared hygiene_total: int = 0\nsemaphore hygiene_permits = 1\n\n";
  for (std::size_t i = 0; i < half; ++i) p << "const " << names[i] << " = " << value(i) << "\n";
  for (std::size_t i = half; i < names.size(); ++i) {
    p << "cpu task " << names[i] << "() -> int { return " << value(i) << " }\n";
  }
  p << "\ntype Hygiene {\n";
  for (std::size_t i = 0; i < names.size(); ++i) p << (i ? ",\n    " : "    ") << names[i] << ": int";
  p << "\n";
  p << "}\n\ncpu task consts_sum() -> int {\n    let hygiene_sum = 0\n";
  for (std::size_t i = 0; i < half; ++i) p << "    hygiene_sum += " << names[i] << "\n";
  p << "    return hygiene_sum\n}\n\ncpu task params(";
  for (std::size_t i = 0; i < names.size(); ++i) p << (i ? ", " : "") << names[i] << ": int";
  p << ") -> int {\n    let hygiene_sum = 0\n";
  for (const std::string& name : names) p << "    hygiene_sum += " << name << "\n";
  p << "    return hygiene_sum\n}\n\n";
  // A local, a loop variable that shadows it, a local that shadows the loop
  // variable and reads it in its own initializer, and a catch binding.
  // In tasks of a few names each: clang's coroutine splitting takes
  // superlinear time in a function's size.
  constexpr std::size_t kPerTask = 8;
  std::size_t local_tasks = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (i % kPerTask == 0) {
      if (i > 0) p << "    return hygiene_sum\n}\n\n";
      p << "cpu task locals_" << local_tasks++ << "(seed: int) -> int {\n    let hygiene_sum = 0\n";
    }
    p << "    if seed > 0 {\n"
      << "        let " << n << " = " << value(i) << "\n"
      << "        for " << n << " in " << n << "..(" << n << " + 1) {\n"
      << "            let " << n << " = " << n << " * 2\n"
      << "            hygiene_sum += " << n << "\n"
      << "        }\n"
      // A capitalized name after `catch` is an error kind; others bind the error.
      << (std::islower(static_cast<unsigned char>(n[0]))
              ? "        try { fail(\"x\") } catch " + n + " { hygiene_sum += len(" + n + ".message) }\n"
              : "        hygiene_sum += 1\n")
      << "        hygiene_sum += " << n << "\n"
      << "    }\n";
  }
  p << "    return hygiene_sum\n}\n\n";
  p << "cpu task locals(seed: int) -> int {\n    let hygiene_sum = 0\n";
  for (std::size_t k = 0; k < local_tasks; ++k) p << "    hygiene_sum += locals_" << k << "(seed)\n";
  p << "    return hygiene_sum\n}\n\n";
  p << "io task in_with(seed: int) -> int {\n    with hygiene_permits {\n        with hygiene_total {\n";
  for (std::size_t i = 0; i < names.size(); ++i) {
    p << "            let " << names[i] << " = " << value(i) << " * seed\n";
    p << "            hygiene_total += " << names[i] << "\n";
  }
  p << "        }\n    }\n    return hygiene_total\n}\n\n";
  p << "io task echo(n: int) -> int { return n }\n\n";
  p << "flow main() {\n";
  p << "    print(\"consts\", consts_sum())\n";
  p << "    let hygiene_tasks = 0";
  for (std::size_t i = half; i < names.size(); ++i) p << " + " << names[i] << "()";
  p << "\n    print(\"tasks\", hygiene_tasks)\n";
  p << "    print(\"params\", params(";
  for (std::size_t i = 0; i < names.size(); ++i) p << (i ? ", " : "") << value(i);
  p << "))\n    print(\"locals\", locals(1))\n    print(\"with\", in_with(1))\n";
  p << "    let hygiene_record = Hygiene {";
  for (std::size_t i = 0; i < names.size(); ++i) p << (i ? ", " : " ") << names[i] << ": " << value(i);
  p << " }\n    let hygiene_fields = 0\n";
  for (const std::string& name : names) p << "    hygiene_fields += hygiene_record." << name << "\n";
  p << "    print(\"fields\", hygiene_fields)\n";
  // The record's JSON reader and writer name every field too.
  p << "    print(\"json\", json_decode[Hygiene](json_encode(hygiene_record)) == hygiene_record)\n";
  for (std::size_t i = 0; i < half; ++i) p << "    let " << names[i] << " = " << value(i) << "\n";
  p << "    let hygiene_flow = 0\n";
  for (std::size_t i = 0; i < half; ++i) p << "    hygiene_flow += " << names[i] << "\n";
  p << "    print(\"flow\", hygiene_flow)\n";
  p << "    let hygiene_gathered = 0\n";
  for (std::size_t i = 0; i < 6 && half + i < names.size(); ++i) {
    const std::string& n = names[half + i];
    p << "    for x in gather echo(" << n << "_g) for " << n << "_g in [1, 2] { hygiene_gathered += x }\n";
  }
  p << "    print(\"gathered\", hygiene_gathered)\n}\n";
  std::ofstream(argv[1]) << p.str();
  return 0;
}
