// The command line of generated programs: main's options with defaults,
// --limit, --seed and --file-max-size (ProgramArgs), and the reproducibility
// --seed promises.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "taskrt/program_args.hpp"
#include "taskrt/random.hpp"

using taskrt::ProgramArgs;

namespace {

std::optional<int> parse(ProgramArgs& args, std::vector<std::string> words) {
  words.insert(words.begin(), "demo");
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  return args.parse(static_cast<int>(argv.size()), argv.data());
}

// main(path: str, workers: int = 4, verbose: bool = false, dry_run: bool = true, wait: duration = 250ms, rest:
// list[str])
std::vector<ProgramArgs::Param> params() {
  return {{"path", "str"},
          {"workers", "int", "4", "4"},
          {"verbose", "bool", "false", "false"},
          {"dry_run", "bool", "true", "true"},
          {"wait", "duration", "250000000ns", "250ms"},
          {"rest", "list[str]"}};
}

}  // namespace

TEST_CASE("main's parameters with defaults are options, the others are arguments") {
  ProgramArgs defaults("demo", "", params());
  REQUIRE_FALSE(parse(defaults, {"in.txt"}).has_value());
  CHECK(defaults.get_str(0) == "in.txt");
  CHECK(defaults.get_int(1) == 4);
  CHECK_FALSE(defaults.get_bool(2));
  CHECK(defaults.get_bool(3));
  CHECK(defaults.get_duration(4) == std::chrono::milliseconds(250));
  CHECK(defaults.rest().empty());

  ProgramArgs given("demo", "", params());
  REQUIRE_FALSE(
      parse(given, {"--workers", "8", "in.txt", "--verbose", "--no-dry-run", "--wait=1s", "a", "b"}).has_value());
  CHECK(given.get_str(0) == "in.txt");
  CHECK(given.get_int(1) == 8);
  CHECK(given.get_bool(2));
  CHECK_FALSE(given.get_bool(3));
  CHECK(given.get_duration(4) == std::chrono::seconds(1));
  CHECK(given.rest() == std::vector<std::string>{"a", "b"});

  // An underscore in a name is a dash on the command line; both are accepted.
  ProgramArgs underscore("demo", "", params());
  REQUIRE_FALSE(parse(underscore, {"x", "--dry_run=false", "--workers=-2"}).has_value());
  CHECK_FALSE(underscore.get_bool(3));
  CHECK(underscore.get_int(1) == -2);

  // After `--`, everything is an argument.
  ProgramArgs after("demo", "", params());
  REQUIRE_FALSE(parse(after, {"--", "--workers", "9"}).has_value());
  CHECK(after.get_str(0) == "--workers");
  CHECK(after.get_int(1) == 4);
  CHECK(after.rest() == std::vector<std::string>{"9"});
}

TEST_CASE("a bad option value, a missing one or a missing argument stops the program with status 2") {
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{{"x", "--workers", "many"},
                                                                            {"x", "--workers"},
                                                                            {"x", "--verbose=maybe"},
                                                                            {"x", "--wait", "5"},
                                                                            {"x", "--no-workers"},
                                                                            {"x", "--unknown"},
                                                                            {}}) {
    ProgramArgs args("demo", "", params());
    CHECK(parse(args, bad) == 2);
  }
}

TEST_CASE("help lists the arguments, then the options with their defaults, then the runtime options") {
  taskrt::Semaphore net(10);
  ProgramArgs args("demo", "Built by taskc from demo.task.", params(), {{"net", 10, 2, &net}});
  std::string help = args.usage();
  CHECK(help.rfind("usage: demo [options] <path> [rest...]\n", 0) == 0);
  CHECK(help.find("  --workers N          int (default: 4)\n") != std::string::npos);
  CHECK(help.find("  --dry-run            bool (default: true; --no-dry-run for false)\n") != std::string::npos);
  CHECK(help.find("  --wait D             duration (default: 250ms)\n") != std::string::npos);
  CHECK(help.find("  --limit NAME=N       permits of a semaphore (this program's: net (10))\n") != std::string::npos);
  CHECK(help.find("  --seed N") != std::string::npos);
  CHECK(help.find("  --file-max-size SIZE") != std::string::npos);
  CHECK(help.find("arguments:\n  path ") < help.find("options:\n  --workers"));
}

TEST_CASE("a limit given with --limit resizes a semaphore before anything runs, and refuses what would hang") {
  taskrt::Semaphore net(10);
  taskrt::Semaphore disk(2);
  auto limits = [&] { return std::vector<ProgramArgs::Limit>{{"net", 10, 3, &net}, {"disk", 2, 1, &disk}}; };
  ProgramArgs args("demo", "", {}, limits());
  REQUIRE_FALSE(parse(args, {"--limit", "net=50", "--limit=disk=1"}).has_value());
  CHECK(net.available() == 50);
  CHECK(disk.available() == 1);
  // Below what one task takes at once, zero, not a number, no such semaphore.
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"--limit", "net=2"}, {"--limit", "net=0"}, {"--limit", "net=x"}, {"--limit", "cpu=4"}, {"--limit"}}) {
    ProgramArgs refused("demo", "", {}, limits());
    CHECK(parse(refused, bad) == 2);
  }
  ProgramArgs none("demo", "", {});
  CHECK(parse(none, {"--limit", "net=5"}) == 2);
}

TEST_CASE("every program takes --seed and --file-max-size") {
  ProgramArgs args("demo", "", {});
  REQUIRE_FALSE(parse(args, {"--seed", "18446744073709551615", "--file-max-size", "16M"}).has_value());
  CHECK(args.options().seed == 18446744073709551615ULL);
  CHECK(args.options().file_max_size == (std::uint64_t{16} << 20));
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"--seed", "-1"}, {"--seed", "18446744073709551616"}, {"--seed"}, {"--file-max-size", "big"}}) {
    ProgramArgs refused("demo", "", {});
    CHECK(parse(refused, bad) == 2);
  }
}

TEST_CASE("with a seed, the draws repeat, and each new thread gets the next stream") {
  auto draws = [] {
    std::vector<std::int64_t> out;
    // A thread of its own, so that its generator is seeded now.
    std::thread([&] {
      for (int i = 0; i < 100; ++i) out.push_back(taskrt::random_int(1, 1'000'000));
      std::vector<int> xs{1, 2, 3, 4, 5, 6, 7, 8};
      taskrt::shuffle(xs);
      for (int x : xs) out.push_back(x);
    }).join();
    return out;
  };
  taskrt::seed_random(42);
  std::vector<std::int64_t> first = draws();
  taskrt::seed_random(42);
  std::vector<std::int64_t> again = draws();
  CHECK(first == again);
  taskrt::seed_random(43);
  CHECK(draws() != first);
}

TEST_CASE("random() is at least 0 and below 1, and random_int covers both ends, evenly") {
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60'000; ++i) {
    double x = taskrt::random();
    REQUIRE((x >= 0.0 && x < 1.0));
    ++counts[static_cast<std::size_t>(taskrt::random_int(-2, 3) + 2)];
  }
  // Each face 10,000 expected; 9,000 is more than 10 standard deviations away.
  for (int count : counts) CHECK(count > 9'000);
  CHECK(taskrt::random_int(INT64_MIN, INT64_MAX) != taskrt::random_int(INT64_MIN, INT64_MAX));
  CHECK_THROWS_AS(taskrt::random_int(1, 0), taskrt::ValueError);
}
