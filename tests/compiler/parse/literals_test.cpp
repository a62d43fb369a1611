#include <catch2/catch.hpp>

#include "compiler/parse/literals.hpp"

using namespace taskc::parse;

TEST_CASE("integer literals: decimal, underscores, hex, and the int64 range") {
  std::int64_t value = 0;
  CHECK(parse_int("42", value));
  CHECK(value == 42);
  CHECK(parse_int("1_000_000", value));
  CHECK(value == 1000000);
  CHECK(parse_int("0xff", value));
  CHECK(value == 255);
  CHECK(parse_int("9223372036854775807", value));
  CHECK(value == INT64_MAX);
  CHECK_FALSE(parse_int("9223372036854775808", value));
  CHECK_FALSE(parse_int("99999999999999999999999", value));
}

TEST_CASE("duration literals become nanoseconds") {
  std::int64_t ns = 0;
  std::string problem;
  CHECK(parse_duration("100ns", ns, problem));
  CHECK(ns == 100);
  CHECK(parse_duration("500us", ns, problem));
  CHECK(ns == 500'000);
  CHECK(parse_duration("10ms", ns, problem));
  CHECK(ns == 10'000'000);
  CHECK(parse_duration("1.5s", ns, problem));
  CHECK(ns == 1'500'000'000);
  CHECK(parse_duration("5m", ns, problem));
  CHECK(ns == 300'000'000'000);
  CHECK(parse_duration("1h", ns, problem));
  CHECK(ns == 3'600'000'000'000);
  CHECK_FALSE(parse_duration("0.5ns", ns, problem));
  CHECK(problem == "not a whole number of nanoseconds");
  CHECK_FALSE(parse_duration("3000000h", ns, problem));
}

TEST_CASE("escapes and interpolation braces") {
  CHECK(decode_escape('n') == '\n');
  CHECK(decode_escape('{') == '{');
  CHECK_FALSE(decode_escape('q').has_value());
  // "a {f("}")} b" : the brace inside the nested string does not close.
  std::string text = R"("a {f("}")} b")";
  CHECK(matching_brace(text, 3) == 10);
  std::string nested = R"("{ {1: 2}[1] }")";
  CHECK(matching_brace(nested, 1) == 13);
}
