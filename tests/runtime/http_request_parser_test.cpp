// The HTTP/1.1 request parser of `serve`: requests however the bytes arrive,
// and every malformed or ambiguous request refused with its status.
#include "runtime/src/http_request_parser.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace std::string_literals;
#include <string>
#include <vector>

using taskrt::http1::ParsedRequest;
using taskrt::http1::RequestLimits;
using taskrt::http1::RequestParser;

namespace {

// Feeds `bytes` in pieces of `step` (0: all at once) and collects every
// complete request; stops at an error.
std::vector<ParsedRequest> parse_all(RequestParser& parser, const std::string& bytes, std::size_t step = 0) {
  std::vector<ParsedRequest> out;
  std::string pending;
  std::size_t at = 0;
  while (at < bytes.size() || !pending.empty()) {
    if (at < bytes.size()) {
      std::size_t n = step == 0 ? bytes.size() - at : std::min(step, bytes.size() - at);
      pending.append(bytes, at, n);
      at += n;
    }
    bool progressed = true;
    while (!pending.empty() && progressed) {
      std::size_t used = parser.feed(pending);
      pending.erase(0, used);
      if (parser.state() == RequestParser::State::kError) return out;
      if (parser.state() == RequestParser::State::kComplete) out.push_back(parser.take());
      progressed = used > 0 || parser.state() == RequestParser::State::kNeedMore;
      if (parser.state() == RequestParser::State::kNeedMore && used == 0) break;
    }
    if (at >= bytes.size() && (pending.empty() || parser.state() == RequestParser::State::kNeedMore)) break;
  }
  return out;
}

int refusal(const std::string& bytes, RequestLimits limits = {}) {
  RequestParser parser(limits);
  parse_all(parser, bytes);
  return parser.state() == RequestParser::State::kError ? parser.error_status() : 0;
}

}  // namespace

TEST_CASE("a GET: method, target, version, lower-case header names, trimmed values") {
  RequestParser parser;
  auto requests = parse_all(parser, "GET /hello?x=1 HTTP/1.1\r\nHost: example\r\nX-Thing:  a b \t\r\n\r\n");
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].target == "/hello?x=1");
  CHECK(requests[0].minor_version == 1);
  REQUIRE(requests[0].header("x-thing") != nullptr);
  CHECK(*requests[0].header("x-thing") == "a b");
  CHECK(requests[0].keep_alive);
  CHECK(requests[0].body.empty());
}

TEST_CASE("keep-alive: HTTP/1.1 unless Connection: close, HTTP/1.0 only if asked") {
  RequestParser parser;
  CHECK_FALSE(parse_all(parser, "GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n").at(0).keep_alive);
  CHECK_FALSE(parse_all(parser, "GET / HTTP/1.0\r\n\r\n").at(0).keep_alive);
  CHECK(parse_all(parser, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").at(0).keep_alive);
}

TEST_CASE("pipelined requests come out one by one, in order, however the bytes are split") {
  std::string bytes =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
      "\r\nPUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (std::size_t step : {0, 1, 2, 3, 7, 64}) {
    RequestParser parser;
    auto requests = parse_all(parser, bytes, step);
    INFO("step " << step);
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].target == "/a");
    CHECK(requests[1].method == "POST");
    CHECK(requests[1].body == "hello");
    CHECK(requests[2].body == "abcde");
  }
}

TEST_CASE("Expect: 100-continue stops after the head, so the server can answer 100") {
  RequestParser parser;
  std::string head = "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
  CHECK(parser.feed(head) == head.size());
  REQUIRE(parser.state() == RequestParser::State::kHeaders);
  CHECK(parser.request().expects_continue);
  CHECK(parser.feed("xyz") == 3);
  REQUIRE(parser.state() == RequestParser::State::kComplete);
  CHECK(parser.take().body == "xyz");
}

TEST_CASE("malformed requests are refused with 400") {
  CHECK(refusal("GET / HTTP/1.1\nHost: h\r\n\r\n") == 400);                        // bare LF
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n"s) == 400);          // NUL
  CHECK(refusal(std::string(40, 'G') + " / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);  // overlong method
  CHECK(refusal("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);                     // two spaces
  CHECK(refusal("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n") == 400);                   // space in target
  CHECK(refusal("GET noslash HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTX/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\n\r\n") == 400);  // no Host
  CHECK(refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n") == 400);  // obs-fold
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n") == 400);          // lone CR
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n") == 400);
}

TEST_CASE("ambiguous framing is refused: no request smuggling") {
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd") == 400);
  CHECK(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n") == 400);
  // The same length twice is one length.
  RequestParser parser;
  CHECK(
      parse_all(parser, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok").at(0).body ==
      "ok");
}

TEST_CASE("limits: header block 431, request line 414, body 413, other versions 505, expectations 417") {
  RequestLimits small{64, 8};
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(100, 'a') + "\r\n\r\n", small) == 431);
  CHECK(refusal("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", small) == 414);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n", small) == 413);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                RequestLimits{256, 8}) == 413);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n5\r\nabcde\r\n",
                small) == 413);
  CHECK(refusal("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
  CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n") == 417);
}

TEST_CASE("an endless header line is refused at the limit, not buffered") {
  RequestParser parser(RequestLimits{1024, 1024});
  parser.feed("GET / HTTP/1.1\r\nHost: h\r\nX: ");
  std::string chunk(100, 'a');
  for (int i = 0; i < 100 && parser.state() != RequestParser::State::kError; ++i) parser.feed(chunk);
  CHECK(parser.state() == RequestParser::State::kError);
  CHECK(parser.error_status() == 431);
}

namespace {

// What a parse came to: the requests (method, target, body, keep-alive) and
// the refusal, if any, as one string to compare.
std::string outcome(const std::string& bytes, std::size_t step, RequestLimits limits) {
  RequestParser parser(limits);
  std::string out;
  for (const ParsedRequest& r : parse_all(parser, bytes, step)) {
    out += r.method + " " + r.target + " " + std::to_string(r.body.size()) + ":" + r.body +
           (r.keep_alive ? " k" : " c") + "\n";
    CHECK(r.body.size() <= limits.max_body);
  }
  if (parser.state() == RequestParser::State::kError) out += "error " + std::to_string(parser.error_status());
  return out;
}

}  // namespace

TEST_CASE("mutated requests: never a crash, and the same outcome however the bytes are split") {
  const std::vector<std::string> seeds = {
      "GET /a?b=c HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
      "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
      "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\nT: "
      "v\r\n\r\n",
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
  };
  const std::string alphabet = "\r\n :;,\t\0aZ09-/?HTTP1.chunkedContent-LengthTransfer-Encoding"s;
  std::mt19937_64 random(20261201);
  RequestLimits limits{256, 64};
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = seeds[random() % seeds.size()];
    if (random() % 2 == 0) bytes += seeds[random() % seeds.size()];  // pipelined
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      std::size_t at = random() % bytes.size();
      switch (random() % 4) {
        case 0: bytes[at] = alphabet[random() % alphabet.size()]; break;
        case 1: bytes.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        case 2: bytes.erase(at, 1 + random() % 8); break;
        default: bytes.insert(at, bytes.substr(random() % bytes.size(), random() % 16)); break;
      }
    }
    INFO("mutant " << i << ": " << bytes);
    std::string whole = outcome(bytes, 0, limits);
    CHECK(outcome(bytes, 1, limits) == whole);
    CHECK(outcome(bytes, 1 + random() % 13, limits) == whole);
  }
}
