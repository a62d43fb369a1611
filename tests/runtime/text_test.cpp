// The everyday builtins as runtime functions: text, slices and indexes,
// numbers, digests and encodings, time text. (tests/golden/run/everyday.task
// runs each from a program too.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "taskrt/taskrt.hpp"

using namespace taskrt;

TEST_CASE("text: replace, ends_with, find, the is_ tests, repeat") {
  CHECK(replace("a-b-c", "-", "+") == "a+b+c");
  CHECK(replace("aaa", "aa", "b") == "ba");
  CHECK(replace("ab", "", "-") == "-a-b-");
  CHECK(replace("", "x", "y").empty());
  CHECK(ends_with("file.txt", ".txt"));
  CHECK(ends_with("x", ""));
  CHECK_FALSE(ends_with("t", "txt"));
  CHECK(find("hello", "ll") == std::optional<std::int64_t>(2));
  CHECK(find("hello", "") == std::optional<std::int64_t>(0));
  CHECK_FALSE(find("hello", "z").has_value());
  CHECK(is_digit("0123"));
  CHECK_FALSE(is_digit(""));
  CHECK_FALSE(is_digit("-1"));
  CHECK(is_alpha("abcXYZ"));
  CHECK_FALSE(is_alpha("a1"));
  CHECK(is_space(" \t\r\n"));
  CHECK_FALSE(is_space(""));
  CHECK(repeat("ab", 3) == "ababab");
  CHECK(repeat("ab", 0).empty());
  CHECK_THROWS_AS(repeat("ab", -1), ValueError);
  CHECK_THROWS_AS(repeat("abc", INT64_MAX / 2), ArithmeticError);
  CHECK(split("  a \t b\nc  ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split("   ").empty());
}

TEST_CASE("lower, upper and trim change ASCII only, and leave UTF-8 bytes as they are") {
  CHECK(lower("ÀB ß") == "Àb ß");
  CHECK(upper("àb ß") == "àB ß");
  // A no-break space (U+00A0) is not ASCII whitespace: trim and split keep it.
  const std::string nbsp = "\xC2\xA0";
  CHECK(trim("\t " + nbsp + "x" + nbsp + " \r\n") == nbsp + "x" + nbsp);
  CHECK(split("a" + nbsp + "b c") == std::vector<std::string>{"a" + nbsp + "b", "c"});
  CHECK_FALSE(is_alpha("é"));
  CHECK(is_space(" \t\n\v\f\r"));
}

TEST_CASE("characters: chars, len_chars, chr and ord decode UTF-8, and refuse what is not") {
  CHECK(chars("héllo") == std::vector<std::string>{"h", "é", "l", "l", "o"});
  CHECK(chars("").empty());
  CHECK(len_chars("日本語") == 3);
  CHECK(len_chars("") == 0);
  CHECK_THROWS_WITH(chars("a\xff"), "chars: the byte at offset 1 (0xff) is not UTF-8 text");
  CHECK_THROWS_AS(len_chars("\xc3"), ValueError);          // cut short
  CHECK_THROWS_AS(len_chars("\xc0\xaf"), ValueError);      // overlong
  CHECK_THROWS_AS(len_chars("\xed\xa0\x80"), ValueError);  // a surrogate
  CHECK(chr(65) == "A");
  CHECK(chr(0xE9) == "é");
  CHECK(chr(0x1F600) == "\xF0\x9F\x98\x80");
  CHECK_THROWS_AS(chr(0xD800), ValueError);
  CHECK_THROWS_AS(chr(0x110000), ValueError);
  CHECK_THROWS_AS(chr(-1), ValueError);
  CHECK(ord("A") == 65);
  CHECK(ord("é") == 0xE9);
  CHECK(ord("\xF0\x9F\x98\x80") == 0x1F600);
  CHECK_THROWS_AS(ord("ab"), ValueError);
  CHECK_THROWS_AS(ord(""), ValueError);
}

TEST_CASE("slices clamp to the bounds and count negative bounds from the end, as Python's") {
  std::vector<std::int64_t> xs{1, 2, 3, 4, 5};
  using V = std::vector<std::int64_t>;
  CHECK(slice(xs, 1, 3, false) == V{2, 3});
  CHECK(slice(xs, 1, 3, true) == V{2, 3, 4});
  CHECK(slice(xs, kSliceStart, 2, false) == V{1, 2});
  CHECK(slice(xs, 3, kSliceEnd, false) == V{4, 5});
  CHECK(slice(xs, -2, kSliceEnd, false) == V{4, 5});
  CHECK(slice(xs, 0, -1, false) == V{1, 2, 3, 4});
  CHECK(slice(xs, 0, -1, true) == xs);
  CHECK(slice(xs, 10, 20, false).empty());
  CHECK(slice(xs, -100, 100, false) == xs);
  CHECK(slice(xs, 4, 2, false).empty());
  CHECK(slice(xs, 0, -10, true).empty());
  CHECK(slice(std::string("hello"), 1, 4, false) == "ell");
  CHECK(slice(std::string(""), 0, 3, false).empty());
  CHECK(at(xs, -1) == 5);
  CHECK(at(xs, -5) == 1);
  CHECK_THROWS_WITH(at(xs, -6), "index -6 is out of range for length 5");
  CHECK_THROWS_AS(at(xs, 5), FailedError);
  CHECK(at(std::string("hey"), -1) == "y");
}

TEST_CASE("numbers: **, shifts, round, range with a step") {
  CHECK(checked_pow(std::int64_t{2}, std::int64_t{62}) == (std::int64_t{1} << 62));
  CHECK(checked_pow(std::int64_t{7}, std::int64_t{0}) == 1);
  CHECK(checked_pow(std::int64_t{0}, std::int64_t{0}) == 1);
  CHECK(checked_pow(std::int64_t{-2}, std::int64_t{63}) == INT64_MIN);
  CHECK_THROWS_AS(checked_pow(std::int64_t{2}, std::int64_t{63}), ArithmeticError);
  CHECK_THROWS_AS(checked_pow(std::int64_t{2}, std::int64_t{-1}), ArithmeticError);
  CHECK(checked_pow(2.0, -1.0) == 0.5);
  CHECK_THROWS_AS(checked_pow(0.0, -1.0), ArithmeticError);
  CHECK_THROWS_AS(checked_pow(-8.0, 1.0 / 3.0), ArithmeticError);
  CHECK_THROWS_AS(checked_pow(10.0, 400.0), ArithmeticError);
  CHECK(checked_shl(1, 62) == (std::int64_t{1} << 62));
  CHECK(checked_shl(-1, 63) == INT64_MIN);
  CHECK_THROWS_AS(checked_shl(1, 63), ArithmeticError);
  CHECK_THROWS_AS(checked_shl(1, -1), ArithmeticError);
  CHECK(checked_shl(0, 1000) == 0);
  CHECK(checked_shr(-7, 1) == -4);
  CHECK(checked_shr(-7, 64) == -1);
  CHECK(checked_shr(7, 100) == 0);
  CHECK(taskrt::round(2.5) == 2);
  CHECK(taskrt::round(3.5) == 4);
  CHECK(taskrt::round(-0.5) == 0);
  CHECK(taskrt::round(-1.5) == -2);
  CHECK_THROWS_AS(taskrt::round(std::nan("")), ValueError);
  CHECK_THROWS_AS(taskrt::round(1e300), ArithmeticError);
  CHECK(taskrt::round(2.675, 2) == 2.67);  // 2.675 is 2.67499999… as a double, as Python says
  CHECK(taskrt::round(0.125, 2) == 0.12);
  CHECK(taskrt::round(1234.5, -2) == 1200.0);
  CHECK(range(0, 10, 3) == std::vector<std::int64_t>{0, 3, 6, 9});
  CHECK(range(10, 0, -3) == std::vector<std::int64_t>{10, 7, 4, 1});
  CHECK(range(0, 0, 1).empty());
  CHECK(range(0, 5, -1).empty());
  CHECK(range(INT64_MAX - 1, INT64_MAX, INT64_MAX) == std::vector<std::int64_t>{INT64_MAX - 1});
  CHECK_THROWS_AS(range(0, 5, 0), ValueError);
}

TEST_CASE("digests and encodings match the reference values") {
  CHECK(md5("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(sha1("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_decode("Zm9vYg==") == "foob");
  CHECK(base64_decode("Zm9v\nYmFy") == "foobar");
  CHECK(base64_decode(base64_encode(std::string("\0\xff\x01", 3))) == std::string("\0\xff\x01", 3));
  CHECK_THROWS_AS(base64_decode("Zm9v!"), ValueError);
  CHECK(url_encode("a b/é~") == "a%20b%2F%C3%A9~");
  CHECK(url_decode("a%20b%2F%C3%A9+") == "a b/é+");
  CHECK(url_join("https://a.org/x/y", "../z") == "https://a.org/z");
  CHECK(url_join("https://a.org/x/y", "/p?q=1") == "https://a.org/p?q=1");
  CHECK(url_join("https://a.org/x/", "z") == "https://a.org/x/z");
  CHECK(url_join("https://a.org/x", "https://b.org/") == "https://b.org/");
  CHECK_THROWS_AS(url_join("not a url", "x"), ValueError);
}

TEST_CASE("time: format_time and parse_time in UTC, %z offsets, %f microseconds") {
  CHECK(format_time(0.0, "%Y-%m-%d %H:%M:%S") == "1970-01-01 00:00:00");
  CHECK(format_time(1700000000.5, "%H:%M:%S.%f") == "22:13:20.500000");
  CHECK(format_time(-1.0, "%Y") == "1969");
  CHECK(format_time(0.0, "").empty());
  CHECK_THROWS_AS(format_time(1e20, "%Y"), ValueError);
  CHECK(parse_time("2023-11-14 22:13:20", "%Y-%m-%d %H:%M:%S") == 1700000000.0);
  CHECK(parse_time("2023-11-14 23:13:20 +0100", "%Y-%m-%d %H:%M:%S %z") == 1700000000.0);
  CHECK_THROWS_AS(parse_time("yesterday", "%Y-%m-%d"), ValueError);
  CHECK_THROWS_AS(parse_time("2023-11-14 extra", "%Y-%m-%d"), ValueError);
  Duration before = taskrt::clock();
  CHECK(taskrt::clock() >= before);
  CHECK(taskrt::getpid() > 0);
}
