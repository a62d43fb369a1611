// JSON decoding and encoding through the runtime's json_read/json_write, with
// a record written as the compiler generates one. (tests/golden/run/json.task
// runs the same from programs.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "taskrt/taskrt.hpp"

using namespace taskrt;

namespace program {

// What taskc generates for `type Item { name: str, price: float, tags: list[str]?, kind: str as "type" }`.
struct Item {
  std::string name{};
  double price{};
  std::optional<std::vector<std::string>> tags{};
  std::string kind{};
  friend bool operator==(const Item&, const Item&) = default;
};

inline void json_read(const taskrt::json::Value& json, Item& value) {
  taskrt::json::Object members(json);
  bool has_name = false;
  bool has_price = false;
  bool has_kind = false;
  while (members.next()) {
    std::string_view key = members.key();
    if (key == "name") {
      json_read(members.value(), value.name);
      has_name = true;
    } else if (key == "price") {
      json_read(members.value(), value.price);
      has_price = true;
    } else if (key == "tags") {
      json_read(members.value(), value.tags);
    } else if (key == "type") {
      json_read(members.value(), value.kind);
      has_kind = true;
    }
  }
  if (!has_name) members.missing("name");
  if (!has_price) members.missing("price");
  if (!has_kind) members.missing("type");
}

inline void json_write(taskrt::json::Writer& out, const Item& value) {
  out.begin_object();
  out.key("name");
  json_write(out, value.name);
  out.key("price");
  json_write(out, value.price);
  out.key("tags");
  json_write(out, value.tags);
  out.key("type");
  json_write(out, value.kind);
  out.end_object();
}

}  // namespace program

namespace {

// The ValueError's message, or "" when decoding succeeds.
template <typename T>
std::string decode_error(const std::string& text) {
  try {
    json_decode<T>(text);
  } catch (const ValueError& error) {
    return error.what();
  }
  return "";
}

template <typename T>
void round_trip(const T& value, const std::string& text) {
  CHECK(json_encode(value) == text);
  CHECK(json_decode<T>(text) == value);
}

}  // namespace

TEST_CASE("json: every type of the language round-trips") {
  round_trip<std::int64_t>(42, "42");
  round_trip<std::int64_t>(INT64_MIN, "-9223372036854775808");
  round_trip<std::int64_t>(INT64_MAX, "9223372036854775807");
  round_trip(2.5, "2.5");
  round_trip(1.0, "1.0");
  round_trip(0.1, "0.1");
  round_trip(1e300, "1e+300");
  round_trip(true, "true");
  round_trip(std::string("a\"b\\c\n\t\x01é"), "\"a\\\"b\\\\c\\n\\t\\u0001é\"");
  round_trip(Duration(std::chrono::milliseconds(250)), "\"250ms\"");
  round_trip(std::vector<std::int64_t>{1, 2, 3}, "[1,2,3]");
  round_trip(std::vector<bool>{true, false}, "[true,false]");
  round_trip(std::vector<std::vector<std::int64_t>>{{}, {1}}, "[[],[1]]");
  round_trip(std::optional<std::int64_t>(), "null");
  round_trip(std::optional<std::int64_t>(7), "7");
  round_trip(std::tuple<std::int64_t, std::string>(1, "a"), "[1,\"a\"]");
  round_trip(Map<std::string, std::int64_t>{{"b", 2}, {"a", 1}}, "{\"b\":2,\"a\":1}");
  round_trip(Map<std::int64_t, bool>{{404, true}, {-1, false}}, "{\"404\":true,\"-1\":false}");
  program::Item item{"pen", 1.5, std::vector<std::string>{"a"}, "tool"};
  round_trip(item, R"({"name":"pen","price":1.5,"tags":["a"],"type":"tool"})");
  round_trip(std::vector<program::Item>{item, {"cap", 2.0, std::nullopt, "x"}},
             R"([{"name":"pen","price":1.5,"tags":["a"],"type":"tool"},)"
             R"({"name":"cap","price":2.0,"tags":null,"type":"x"}])");
}

TEST_CASE("json: indented output") {
  Map<std::string, std::vector<std::int64_t>> m{{"a", {1, 2}}, {"b", {}}};
  CHECK(json_encode(m, 2) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": []\n}");
  CHECK(json_encode(Map<std::string, std::int64_t>{}, 2) == "{}");
  CHECK(json_encode(std::int64_t{3}, 4) == "3");
}

TEST_CASE("json: records ignore unknown keys, optional fields may be missing, null only for optionals") {
  auto item = json_decode<program::Item>(R"({"extra": {"deep": [1, 2, {"x": null}]}, "name": "a", "price": 3,)"
                                         R"( "type": "t"})");
  CHECK(item.name == "a");
  CHECK(item.price == 3.0);
  CHECK_FALSE(item.tags.has_value());
  CHECK(decode_error<program::Item>(R"({"name": "a", "price": 1})") == "json_decode: $: missing key \"type\"");
  CHECK(decode_error<program::Item>(R"({"name": null, "price": 1, "type": "t"})") ==
        "json_decode: $.name: expected str, found null");
}

TEST_CASE("json: a decoding error names its path and what was found, at every depth") {
  using Items = std::vector<program::Item>;
  CHECK(decode_error<Items>(R"({"a": 1})") == "json_decode: $: expected array, found object");
  CHECK(decode_error<Items>(R"([{"name": "a", "price": 1, "type": "t"}, 3])") ==
        "json_decode: $[1]: expected object, found number 3");
  CHECK(decode_error<Items>(R"([{"name": "a", "price": "12.5", "type": "t"}])") ==
        "json_decode: $[0].price: expected float, found string \"12.5\"");
  CHECK(decode_error<Items>(R"([{"name": "a", "price": 1, "type": "t", "tags": ["x", 2]}])") ==
        "json_decode: $[0].tags[1]: expected str, found number 2");
  using Nested = Map<std::string, Map<std::string, std::vector<std::int64_t>>>;
  CHECK(decode_error<Nested>(R"({"a": {"user-id": [1, 2.5]}})") ==
        "json_decode: $.a[\"user-id\"][1]: expected int, found number 2.5");
  CHECK(decode_error<std::tuple<std::int64_t, bool>>("[1]") == "json_decode: $: expected array of 2, found array of 1");
  CHECK(decode_error<Map<std::int64_t, bool>>(R"({"x": true})") == "json_decode: $.x: key \"x\" is not an int");
  CHECK(decode_error<Duration>(R"("soon")").rfind("json_decode: $: `soon` is not a duration", 0) == 0);
  std::string long_text(100, 'x');
  CHECK(decode_error<std::int64_t>("\"" + long_text + "\"") ==
        "json_decode: $: expected int, found string \"" + std::string(40, 'x') + "\"…");
}

TEST_CASE("json: numbers: ints are exact 64-bit, floats take any number") {
  CHECK(decode_error<std::int64_t>("1.0") == "json_decode: $: expected int, found number 1");
  CHECK(decode_error<std::int64_t>("1e3") == "json_decode: $: expected int, found number 1000");
  CHECK(decode_error<std::int64_t>("18446744073709551615") ==
        "json_decode: $: number 18446744073709551615 does not fit in an int (64 bits)");
  CHECK(json_decode<double>("18446744073709551615") == 18446744073709551615.0);
  CHECK(json_decode<double>("-0.0") == 0.0);
  CHECK(json_decode<double>("1E-2") == 0.01);
  CHECK(decode_error<double>("123456789012345678901234567890").rfind("json_decode: not valid JSON: a number", 0) == 0);
  CHECK(decode_error<double>("1e999").rfind("json_decode: not valid JSON: a number", 0) == 0);
  CHECK_THROWS_AS(json_encode(std::nan("")), ValueError);
  CHECK_THROWS_WITH(json_encode(std::vector<double>{1.0, INFINITY}), "json_encode: inf is not a JSON number");
}

TEST_CASE("json: text: escapes, invalid UTF-8, malformed input, deep nesting, duplicate keys") {
  CHECK(json_decode<std::string>(R"("\u00e9\ud83d\ude00\/\b")") == "é😀/\b");
  CHECK(decode_error<std::string>("\"\xff\"") == "json_decode: not valid JSON: the text is not valid UTF-8");
  CHECK_THROWS_WITH(json_encode(std::string("a\xff")),
                    "json_encode: a str is not valid UTF-8 (base64_encode bytes that are not text)");
  CHECK(decode_error<std::string>(R"("\x")") == "json_decode: not valid JSON: a string has a bad escape");
  CHECK(decode_error<std::string>("").rfind("json_decode: not valid JSON", 0) == 0);
  CHECK(decode_error<std::vector<std::int64_t>>("[1, 2").rfind("json_decode: not valid JSON", 0) == 0);
  CHECK(decode_error<std::vector<std::int64_t>>("[1] x").rfind("json_decode: not valid JSON", 0) == 0);
  CHECK(decode_error<std::int64_t>("tru").rfind("json_decode: not valid JSON", 0) == 0);
  // Nesting: refused past kMaxDepth, whatever the type, without deep recursion.
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(decode_error<std::vector<std::int64_t>>(deep) == "json_decode: not valid JSON: nested deeper than 1024 levels");
  std::string fine = std::string(1000, '[') + std::string(1000, ']');
  CHECK(decode_error<std::int64_t>(fine) == "json_decode: $: expected int, found array of 1");
  // A repeated key: the last one wins, as in Python and JavaScript.
  CHECK(json_decode<Map<std::string, std::int64_t>>(R"({"a": 1, "b": 2, "a": 3})") ==
        Map<std::string, std::int64_t>{{"a", 3}, {"b", 2}});
  CHECK(json_decode<program::Item>(R"({"name": "x", "name": "y", "price": 1, "type": "t"})").name == "y");
}

TEST_CASE("json: a large document and one parser per thread") {
  std::vector<program::Item> items;
  for (int i = 0; i < 20000; ++i) items.push_back({"item " + std::to_string(i), i * 0.5, std::nullopt, "k"});
  std::string text = json_encode(items);
  CHECK(json_decode<std::vector<program::Item>>(text) == items);
  // Decoding inside a record's decoding never happens, but two documents in a
  // row on one thread must not see each other.
  CHECK(json_decode<std::int64_t>("1") == 1);
  CHECK(json_decode<std::vector<program::Item>>(text).size() == 20000);
}
