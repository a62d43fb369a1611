// Printing values as source, checked arithmetic, and errors.
#include <catch2/catch.hpp>

#include "taskrt/taskrt.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

TEST_CASE("values print the way they are written in source") {
  CHECK(format_value(std::int64_t{42}) == "42");
  CHECK(format_value(2.5) == "2.5");
  CHECK(format_value(true) == "true");
  CHECK(format_value(std::optional<std::int64_t>()) == "none");
  CHECK(format_value(std::chrono::nanoseconds(250ms)) == "250ms");
  CHECK(format_value(std::vector<std::int64_t>{1, 2}) == "[1, 2]");
  CHECK(format_value(std::vector<std::string>{"a", "b"}) == "[\"a\", \"b\"]");
  CHECK(format_value(std::tuple<std::int64_t, std::string>{1, "x"}) == "(1, \"x\")");
  Map<std::string, std::int64_t> map;
  map["k"] = 3;
  map["a"] = 1;
  CHECK(format_value(map) == "{\"k\": 3, \"a\": 1}");
  CHECK(join_arguments(std::string("total:"), std::int64_t{3}, std::vector<std::string>{"x"}) == "total: 3 [\"x\"]");
}

TEST_CASE("maps keep insertion order and index by key") {
  Map<std::string, int> map;
  map["b"] += 2;
  map["a"] += 1;
  map["b"] += 5;
  CHECK(map.size() == 2);
  CHECK(*map.find("b") == 7);
  CHECK(map.find("zz") == nullptr);
  CHECK(map.begin()->first == "b");
}

TEST_CASE("a map finds its keys while it grows past its index and shrinks below it") {
  // Small maps are walked and large ones indexed: every key must be found,
  // in order, across both changes.
  Map<std::string, int> map;
  for (int i = 0; i < 40; ++i) {
    map["key " + std::to_string(i)] = i;
    for (int j = 0; j <= i; ++j) REQUIRE(map.find("key " + std::to_string(j)) != nullptr);
    REQUIRE(!map.contains("key " + std::to_string(i + 1)));
  }
  for (int i = 0; i < 40; i += 2) map.erase("key " + std::to_string(i));
  CHECK(map.size() == 20);
  for (int i = 0; i < 40; ++i) CHECK(map.contains("key " + std::to_string(i)) == (i % 2 == 1));
  for (int i = 1; i < 36; i += 2) map.erase("key " + std::to_string(i));
  CHECK(map.size() == 2);
  CHECK(map.begin()->first == "key 37");
  CHECK(*map.find("key 39") == 39);
  map["key 0"] = 100;
  CHECK(map.size() == 3);
  std::vector<std::string> order;
  for (const auto& [key, value] : map) order.push_back(key);
  CHECK(order == std::vector<std::string>{"key 37", "key 39", "key 0"});
  Map<std::string, int> copy = map;
  CHECK(copy == map);
  CHECK(*copy.find("key 0") == 100);
}

TEST_CASE("checked arithmetic fails with Arithmetic instead of overflowing") {
  CHECK(checked_add(1, 2) == 3);
  CHECK_THROWS_AS(checked_add(INT64_MAX, 1), ArithmeticError);
  CHECK_THROWS_AS(checked_mul(INT64_MAX / 2, 3), ArithmeticError);
  CHECK_THROWS_AS(checked_sub(INT64_MIN, 1), ArithmeticError);
  CHECK_THROWS_WITH(checked_div(std::int64_t{1}, std::int64_t{0}), "division by zero");
  CHECK_THROWS_AS(checked_div(INT64_MIN, std::int64_t{-1}), ArithmeticError);
  CHECK(checked_div(std::int64_t{-7}, std::int64_t{2}) == -3);
  CHECK(checked_mod(std::int64_t{-7}, std::int64_t{2}) == -1);
  CHECK(checked_mod(INT64_MIN, std::int64_t{-1}) == 0);
  CHECK_THROWS_AS(checked_neg(INT64_MIN), ArithmeticError);
  CHECK_THROWS_AS(checked_div(1.0, 0.0), ArithmeticError);
}

TEST_CASE("errors carry their kind, message and trace") {
  TimeoutError error("fetch timed out after 5s");
  error.add_frame({"fetch", "crawl.task", 12});
  error.add_frame({"main", "crawl.task", 30});
  CHECK(error.describe() == "Timeout: fetch timed out after 5s\n  in fetch (crawl.task:12)\n  in main (crawl.task:30)");
  CHECK(kind_of(std::make_exception_ptr(std::runtime_error("x"))) == ErrorKind::kFailed);
  CHECK(kind_of(std::make_exception_ptr(IoError("y"))) == ErrorKind::kIoError);
  CHECK_THROWS_AS(rethrow_as_error(std::make_exception_ptr(std::runtime_error("z"))), FailedError);
}
