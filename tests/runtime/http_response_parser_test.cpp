// The response parser of the client's plain-http path, byte by byte and on
// hostile input: every response read whole whatever the splits, every bad
// one refused, and no input held beyond the limits.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "runtime/src/http_response_parser.hpp"

using taskrt::http1::ParsedResponse;
using taskrt::http1::ResponseLimits;
using taskrt::http1::ResponseParser;

namespace {

// Feeds `input` in pieces of `piece` bytes; then, if the parser wants more,
// the end of the connection.
ResponseParser parse(std::string_view input, std::size_t piece, ResponseLimits limits = {}, bool head = false) {
  ResponseParser parser(limits, head);
  for (std::size_t at = 0; at < input.size() && parser.state() == ResponseParser::State::kNeedMore; at += piece) {
    parser.feed(input.substr(at, piece));
  }
  parser.end_of_input();
  return parser;
}

}  // namespace

TEST_CASE("a response parses the same whatever the pieces it arrives in") {
  const std::string responses[] = {
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nhe\r\n3\r\nllo\r\n0\r\nT: 1\r\n\r\n",
      "HTTP/1.0 200 OK\r\n\r\nhello",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",  // bare LF, as curl takes it
  };
  for (const std::string& text : responses) {
    for (std::size_t piece = 1; piece <= text.size(); ++piece) {
      ResponseParser parser = parse(text, piece);
      INFO(text << " in pieces of " << piece);
      REQUIRE(parser.state() == ResponseParser::State::kComplete);
      ParsedResponse response = parser.take();
      CHECK(response.status == 200);
      CHECK(response.body == "hello");
    }
  }
}

TEST_CASE("keep-alive follows the version, Connection and the framing") {
  auto keep_alive = [](std::string_view text) {
    ResponseParser parser({}, false);
    parser.feed(text);
    REQUIRE(parser.state() == ResponseParser::State::kComplete);
    return parser.take().keep_alive;
  };
  CHECK(keep_alive("HTTP/1.1 204 No Content\r\n\r\n"));
  CHECK_FALSE(keep_alive("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
  CHECK_FALSE(keep_alive("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
  CHECK(keep_alive("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"));
  CHECK(keep_alive("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"));
}

TEST_CASE("the answer to HEAD has no body whatever its length says") {
  ResponseParser parser({}, true);
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
  CHECK(parser.feed(text) == text.size());
  REQUIRE(parser.state() == ResponseParser::State::kComplete);
  CHECK(parser.take().body.empty());
}

TEST_CASE("headers come lower-case, folded lines joined, lines that are not fields passed over") {
  ResponseParser parser({}, false);
  parser.feed("HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\nnot a field\r\nContent-Length: 0\r\n\r\n");
  REQUIRE(parser.state() == ResponseParser::State::kComplete);
  ParsedResponse response = parser.take();
  REQUIRE(response.headers.size() == 2);
  CHECK(response.headers[0] == std::pair<std::string, std::string>("x-long", "one two"));
}

TEST_CASE("bad responses are refused with a reason") {
  using Error = ResponseParser::Error;
  struct Case {
    std::string text;
    Error error;
  };
  const Case cases[] = {
      {"this is not HTTP", Error::kMalformed},
      {"HTTP/2 200\r\n\r\n", Error::kMalformed},
      {"HTTP/1.1 20 OK\r\n\r\n", Error::kMalformed},
      {"HTTP/1.1 200OK\r\n\r\n", Error::kMalformed},
      {"HTTP/1.1 101 Switching Protocols\r\n\r\n", Error::kMalformed},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", Error::kMalformed},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", Error::kMalformed},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", Error::kMalformed},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n", Error::kMalformed},
      {"HTTP/1.1 200 OK\r\nX: a" + std::string(1, '\0') + "b\r\n\r\n", Error::kMalformed},
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", Error::kCutShort},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", Error::kCutShort},
      {"HTTP/1.1 200 OK\r\nContent-Le", Error::kCutShort},
  };
  for (const Case& c : cases) {
    ResponseParser parser = parse(c.text, c.text.size());
    INFO(c.text);
    CHECK(parser.state() == ResponseParser::State::kError);
    CHECK(parser.error() == c.error);
    CHECK_FALSE(parser.error_reason().empty());
  }
  // Not HTTP fails at its first bytes, without waiting for a line break.
  ResponseParser early({}, false);
  early.feed("SSH-2.0");
  CHECK(early.state() == ResponseParser::State::kError);
  // Nothing at all is no response.
  ResponseParser nothing = parse("", 1);
  CHECK(nothing.error() == ResponseParser::Error::kCutShort);
  CHECK_FALSE(nothing.started());
}

TEST_CASE("the limits hold against a server that sends too much") {
  ResponseLimits limits;
  limits.max_header = 1000;
  limits.max_header_line = 500;
  limits.max_body = 100;
  using Error = ResponseParser::Error;
  CHECK(parse("HTTP/1.1 200 OK\r\nX: " + std::string(600, 'a') + "\r\n\r\n", 7, limits).error() ==
        Error::kHeadersTooLarge);
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 40; ++i) many += "X: " + std::string(40, 'a') + "\r\n";
  CHECK(parse(many + "\r\n", 13, limits).error() == Error::kHeadersTooLarge);
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 64, limits).error() == Error::kBodyTooLarge);
  CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", 64, limits).error() ==
        Error::kBodyTooLarge);
  CHECK(parse("HTTP/1.1 200 OK\r\n\r\n" + std::string(101, 'b'), 10, limits).error() == Error::kBodyTooLarge);
  CHECK(parse("HTTP/1.1 200 OK\r\n\r\n" + std::string(100, 'b'), 10, limits).state() ==
        ResponseParser::State::kComplete);
}

TEST_CASE("mutated responses never crash the parser nor pass the limits") {
  const std::string seeds[] = {
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nhe\r\n3\r\nllo\r\n0\r\nT: 1\r\n\r\n",
      "HTTP/1.1 103 Early Hints\r\nLink: <a>\r\n\r\nHTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nbody",
  };
  const char alphabet[] = "\r\n :;0123456789abcdefHTP/.\t\0-xX";
  std::mt19937 random(20261203);
  ResponseLimits limits;
  limits.max_header = 256;
  limits.max_header_line = 128;
  limits.max_body = 64;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[round % 3];
    int edits = 1 + static_cast<int>(random() % 6);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = random() % (text.size() + 1);
      char c = alphabet[random() % (sizeof alphabet - 1)];
      switch (random() % 4) {
        case 0: text.insert(at, 1, c); break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        case 2:
          if (at < text.size()) text[at] = c;
          break;
        default: text.insert(at, text.substr(at, random() % 40)); break;
      }
    }
    ResponseParser parser = parse(text, 1 + random() % 16, limits);
    REQUIRE(parser.state() != ResponseParser::State::kNeedMore);
    if (parser.state() == ResponseParser::State::kComplete) {
      ParsedResponse response = parser.take();
      REQUIRE(response.body.size() <= limits.max_body);
      REQUIRE(response.status >= 200);
    }
  }
}
