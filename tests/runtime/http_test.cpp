// The HTTP client against a server the test starts on 127.0.0.1.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
// For the listener below.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/runtime/runtime_helpers.hpp"
#include "tests/support/test_http_server.hpp"

using namespace taskrt;
using namespace std::chrono_literals;
using taskc::testing::TestHttpServer;

namespace {

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Whether this run of the test case sends everything through curl (set by
// client_host(); the runtimes below read it).
bool via_curl = false;

// Each test case starts on the default path, whatever the one before chose.
struct DefaultPathAtEachTest : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    via_curl = false;
    TestEventListenerBase::testCaseStarting(info);
  }
};
CATCH_REGISTER_LISTENER(DefaultPathAtEachTest)

// Runs the test case three times: by the client's own path to 127.0.0.1 and
// to localhost, and with every request through curl (--http-via-curl).
std::string client_host() {
  auto [host, curl] =
      GENERATE(table<std::string, bool>({{"127.0.0.1", false}, {"localhost", false}, {"127.0.0.1", true}}));
  via_curl = curl;
  return host;
}

// Runs `task` on a runtime of its own that takes the path chosen above.
template <typename T>
T run(Task<T> task) {
  RuntimeOptions options;
  options.cpu_threads = 1;
  options.http_via_curl = via_curl;
  return Runtime::create(options)->run(std::move(task));
}

// A runtime whose HTTP limits are small enough to reach in a test.
std::unique_ptr<Runtime> limited_runtime(std::uint64_t max_body, std::chrono::milliseconds timeout) {
  RuntimeOptions options;
  options.cpu_threads = 1;
  options.http_max_body = max_body;
  options.http_timeout = timeout;
  options.http_via_curl = via_curl;
  return Runtime::create(options);
}

}  // namespace

TEST_CASE("http_get returns the status, the whole body and the headers") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/")));
  CHECK(response.status == 200);
  CHECK(response.body == TestHttpServer::page_text());
  REQUIRE(response.headers.find("content-type") != nullptr);
  CHECK(*response.headers.find("content-type") == "text/plain");
  CHECK(*response.headers.find("content-length") == std::to_string(TestHttpServer::page_text().size()));
}

TEST_CASE("a non-2xx status is a response, not an error") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/status/404")));
  CHECK(response.status == 404);
  CHECK(response.body == "status 404");
  CHECK(run(http_get(server.url_via(host, "/status/500"))).status == 500);
}

TEST_CASE("http sends the method, the body and the headers") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse posted =
      run(http("POST", server.url_via(host, "/echo"), "a body", {{"X-Token", "abc"}, {"x-empty", ""}}));
  CHECK(posted.status == 200);
  CHECK(posted.body == "POST a body");
  REQUIRE(posted.headers.find("x-token") != nullptr);
  CHECK(*posted.headers.find("x-token") == "abc");
  CHECK(run(http("PUT", server.url_via(host, "/echo"), "new", {})).body == "PUT new");
  CHECK(run(http("DELETE", server.url_via(host, "/echo"), "", {})).body == "DELETE ");
  // A body of more than a kilobyte goes at once (no "Expect: 100-continue").
  std::string large(100'000, 'x');
  CHECK(run(http("POST", server.url_via(host, "/echo"), large, {})).body == "POST " + large);
}

TEST_CASE("a reused transfer handle forgets the method, body and headers of the request before") {
  TestHttpServer server;
  const std::string host = client_host();
  // (GCC 12 cannot compile string literals inside co_await expressions:
  // the requests are built outside the coroutine.)
  std::vector<Task<HttpResponse>> requests;
  requests.push_back(http("POST", server.url_via(host, "/echo"), "one", {{"x-a", "1"}}));
  requests.push_back(http_get(server.url_via(host, "/echo")));
  requests.push_back(http("HEAD", server.url_via(host, "/"), "", {}));
  requests.push_back(http_get(server.url_via(host, "/")));
  requests.push_back(http("PATCH", server.url_via(host, "/echo"), "two", {}));
  requests.push_back(http_get(server.url_via(host, "/echo")));
  auto body = [&]() -> Task<std::vector<std::string>> {
    std::vector<std::string> seen;
    for (Task<HttpResponse>& request : requests) {
      HttpResponse response = co_await std::move(request);
      std::string text = response.body.size() > 100 ? std::to_string(response.body.size()) : response.body;
      if (response.headers.find("x-a") != nullptr) text += " x-a";
      seen.push_back(std::to_string(response.status) + " " + text);
    }
    co_return seen;
  };
  RuntimeOptions options;
  options.http_via_curl = via_curl;
  auto runtime = Runtime::create(options);
  std::string page_size = std::to_string(TestHttpServer::page_text().size());
  CHECK(runtime->run(body()) == std::vector<std::string>{"200 POST one x-a", "200 GET ", "200 ", "200 " + page_size,
                                                         "200 PATCH two", "200 GET "});
}

TEST_CASE("a header sent twice comes back joined") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/repeat-header")));
  CHECK(*response.headers.find("x-twice") == "one, two");
}

TEST_CASE("compressed bodies are decoded when the request asks for compression") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse decoded = run(http("GET", server.url_via(host, "/gzip"), "", {{"Accept-Encoding", "gzip"}}));
  CHECK(decoded.body == "hello, compressed world\n");
  // Without asking, the body is what the server sent.
  HttpResponse raw = run(http_get(server.url_via(host, "/gzip")));
  CHECK(raw.body.size() == 44);
  CHECK(raw.body.starts_with("\x1f\x8b"));
}

TEST_CASE("redirects are followed, and the headers are those of the last response") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/redirect/3")));
  CHECK(response.status == 200);
  CHECK(response.body == "redirected");
  CHECK(response.headers.find("location") == nullptr);
}

TEST_CASE("too many redirects are an HttpError") {
  TestHttpServer server;
  const std::string host = client_host();
  CHECK_THROWS_AS(run(http_get(server.url_via(host, "/redirect/25"))), HttpError);
}

TEST_CASE("sequential requests to one server reuse one connection") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<int> {
    int ok = 0;
    for (int i = 0; i < 20; ++i) {
      HttpResponse response = co_await http_get(server.url_via(host, "/"));
      if (response.status == 200) ++ok;
    }
    co_return ok;
  };
  CHECK(run(body()) == 20);
  CHECK(server.requests() == 20);
  CHECK(server.connections() == 1);
}

TEST_CASE("a large body arrives whole") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/bytes/20000000")));
  REQUIRE(response.body.size() == 20'000'000);
  bool pattern = true;
  for (std::size_t i = 0; i < response.body.size(); i += 4099) {
    pattern = pattern && response.body[i] == static_cast<char>('a' + i % 26);
  }
  CHECK(pattern);
}

TEST_CASE("a timeout aborts a slow request at once") {
  TestHttpServer server;
  const std::string host = client_host();
  auto started = std::chrono::steady_clock::now();
  auto body = [&]() -> Task<HttpResponse> {
    co_return co_await with_timeout(50ms, http_get(server.url_via(host, "/slow/30000")));
  };
  CHECK_THROWS_AS(run(body()), TimeoutError);
  // Not a timing threshold on the request: only that we did not wait for the
  // 30-second answer.
  CHECK(std::chrono::steady_clock::now() - started < 20s);
  // The runtime goes on: a later request on a fresh runtime works.
  CHECK(run(http_get(server.url_via(host, "/"))).status == 200);
}

TEST_CASE("a request after an aborted one on the same runtime works") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<std::int64_t> {
    try {
      co_await with_timeout(20ms, http_get(server.url_via(host, "/slow/30000")));
    } catch (const TimeoutError&) {
    }
    HttpResponse response = co_await http_get(server.url_via(host, "/"));
    co_return response.status;
  };
  CHECK(run(body()) == 200);
}

TEST_CASE("a refused connection is an IoError naming the URL") {
  const std::string host = client_host();
  std::string url = "http://" + host + ":" + std::to_string(unused_port()) + "/x";
  try {
    run(http_get(url));
    FAIL("expected an IoError");
  } catch (const IoError& e) {
    CHECK_THAT(e.what(), Catch::Contains("GET " + url) && Catch::Contains("onnect"));
  }
}

TEST_CASE("localhost is the loopback address by either path, whichever of IPv4 and IPv6 listens") {
  TestHttpServer server;
  // The server listens on 127.0.0.1 only: by curl (which resolves names on
  // a thread of its own), ::1 is tried and skipped; by our path, 127.0.0.1
  // is tried first.
  via_curl = GENERATE(false, true);
  HttpResponse response = run(http_get("http://localhost:" + std::to_string(server.port()) + "/status/200"));
  CHECK(response.status == 200);
}

TEST_CASE("https goes through TLS: a server that does not speak it is an IoError") {
  TestHttpServer server;
  std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  try {
    run(http_get(url));
    FAIL("expected an IoError");
  } catch (const IoError& e) {
    CHECK_THAT(e.what(), Catch::Contains("GET " + url));
  }
}

TEST_CASE("a connection reset before the answer is an IoError") {
  TestHttpServer server;
  const std::string host = client_host();
  try {
    run(http_get(server.url_via(host, "/reset")));
    FAIL("expected an IoError");
  } catch (const IoError& e) {
    CHECK_THAT(e.what(), Catch::Contains(server.url_via(host, "/reset")));
  }
}

TEST_CASE("a response cut short is an HttpError, never a short body") {
  TestHttpServer server;
  const std::string host = client_host();
  try {
    run(http_get(server.url_via(host, "/partial")));
    FAIL("expected an HttpError");
  } catch (const HttpError& e) {
    CHECK_THAT(e.what(), Catch::Contains(server.url_via(host, "/partial")));
  }
}

TEST_CASE("an answer that is not HTTP is an HttpError") {
  TestHttpServer server;
  const std::string host = client_host();
  CHECK_THROWS_AS(run(http_get(server.url_via(host, "/garbage"))), HttpError);
}

TEST_CASE("bad requests fail before anything is sent") {
  TestHttpServer server;
  CHECK_THROWS_AS(run(http("GET\r\nX", server.url("/"), "", {})), IoError);
  CHECK_THROWS_AS(run(http("GET", server.url("/"), "", {{"x-bad", "a\r\nInjected: 1"}})), IoError);
  CHECK_THROWS_AS(run(http("GET", server.url("/"), "", {{"bad name", "1"}})), IoError);
  CHECK_THROWS_AS(run(http("GET", server.url("/"), "", {{"x-nul", std::string("a\0b", 3)}})), IoError);
  CHECK_THROWS_AS(run(http_get(server.url("/") + std::string("\0/x", 3))), IoError);
  CHECK_THROWS_AS(run(http_get("not a url")), IoError);
  CHECK_THROWS_AS(run(http_get("file:///etc/passwd")), IoError);
  CHECK(server.requests() == 0);
}

TEST_CASE("many concurrent requests under a semaphore all succeed, at most N at once") {
  TestHttpServer server;
  const std::string host = client_host();
  Semaphore limit(8);
  testing::Concurrency inside;
  auto one = [&](int i) -> Task<std::size_t> {
    Semaphore::Permit permit = co_await limit.acquire();
    inside.enter();
    HttpResponse response = co_await http_get(server.url_via(host, "/bytes/" + std::to_string(1000 + i)));
    inside.leave();
    co_return response.body.size();
  };
  auto body = [&]() -> Task<std::vector<std::size_t>> {
    std::vector<Task<std::size_t>> calls;
    for (int i = 0; i < 500; ++i) calls.push_back(one(i));
    co_return co_await gather(std::move(calls));
  };
  std::vector<std::size_t> sizes = run(body());
  REQUIRE(sizes.size() == 500);
  for (int i = 0; i < 500; ++i) CHECK(sizes[i] == static_cast<std::size_t>(1000 + i));
  CHECK(inside.peak <= 8);
  // Kept-alive connections: no more than the permits, not one per request.
  CHECK(server.connections() <= 8);
}

TEST_CASE("a failing request cancels its siblings in a gather") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<void> {
    std::vector<Task<HttpResponse>> calls;
    calls.push_back(http_get(server.url_via(host, "/slow/30000")));
    calls.push_back(http_get(server.url_via(host, "/partial")));
    co_await gather(std::move(calls));
  };
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(run(body()), HttpError);
  CHECK(std::chrono::steady_clock::now() - started < 20s);
}

TEST_CASE("an HttpResponse prints like a record and survives serialization") {
  HttpResponse response{200, "hi", {{"a", "b"}}};
  CHECK(format_value(response) == R"(HttpResponse { status: 200, body: "hi", headers: {"a": "b"} })");
  Writer writer;
  encode(writer, response);
  Reader reader(writer.buffer());
  HttpResponse back;
  decode(reader, back);
  CHECK(back == response);
}

TEST_CASE("an endless body stops at the body limit with an HttpError that names it") {
  TestHttpServer server;
  const std::string host = client_host();
  auto runtime = limited_runtime(std::uint64_t{4} << 20, 60s);
  try {
    runtime->run(http_get(server.url_via(host, "/endless")));
    FAIL("expected an HttpError");
  } catch (const HttpError& e) {
    CHECK_THAT(e.what(), Catch::Contains("larger than 4 MiB") && Catch::Contains("--http-max-body"));
  }
  // The runtime goes on: the next request on it works.
  CHECK(runtime->run(http_get(server.url_via(host, "/status/200"))).status == 200);
}

TEST_CASE("the body limit counts the decoded size: a gzip bomb is refused") {
  TestHttpServer server;
  const std::string host = client_host();
  auto runtime = limited_runtime(std::uint64_t{8} << 20, 60s);
  OutgoingRequest request;
  request.url = server.url_via(host, "/gzip-bomb/64");  // about 64 KB sent, 64 MiB decoded
  request.headers = {{"Accept-Encoding", "gzip"}};
  CHECK_THROWS_WITH(runtime->run(http(request)), Catch::Contains("larger than 8 MiB"));
  request.url = server.url_via(host, "/gzip-bomb/4");
  CHECK(runtime->run(http(request)).body == std::string(std::size_t{4} << 20, '\0'));
}

TEST_CASE("the default body limit is 256 MiB and the default timeout five minutes") {
  RuntimeOptions defaults;
  CHECK(defaults.http_max_body == std::uint64_t{256} << 20);
  CHECK(defaults.http_timeout == 5min);
}

TEST_CASE("a server that accepts and never answers fails the request with Timeout at the runtime's limit") {
  TestHttpServer server;
  const std::string host = client_host();
  auto runtime = limited_runtime(0, 300ms);
  try {
    runtime->run(http_get(server.url_via(host, "/silent")));
    FAIL("expected a TimeoutError");
  } catch (const TimeoutError& e) {
    CHECK_THAT(e.what(), Catch::Contains(server.url_via(host, "/silent")) && Catch::Contains("--http-timeout"));
  }
}

TEST_CASE("headers too large are an HttpError that says so") {
  TestHttpServer server;
  const std::string host = client_host();
  for (const char* path : {"/big-header/1000000", "/big-header/200000"}) {
    try {
      run(http_get(server.url_via(host, path)));
      FAIL("expected an HttpError");
    } catch (const HttpError& e) {
      CHECK_THAT(e.what(), Catch::Contains("headers are too large"));
    }
  }
  CHECK(run(http_get(server.url_via(host, "/big-header/50000"))).status == 200);
}

TEST_CASE("a chunked body arrives whole, its extensions read past and its trailers among the headers") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/chunked")));
  CHECK(response.body == "hello, world");
  CHECK(*response.headers.find("x-kind") == "chunked");
  REQUIRE(response.headers.find("x-trailer") != nullptr);
  CHECK(*response.headers.find("x-trailer") == "after the body");
}

TEST_CASE("a body without a length runs to the close of the connection") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<std::string> {
    HttpResponse first = co_await http_get(server.url_via(host, "/until-close"));
    HttpResponse second = co_await http_get(server.url_via(host, "/until-close"));
    co_return first.body + " / " + second.body;
  };
  CHECK(run(body()) == "the body runs to the close / the body runs to the close");
  CHECK(server.connections() == 2);
}

TEST_CASE("an interim 1xx response is passed over for the final one") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http_get(server.url_via(host, "/interim")));
  CHECK(response.status == 200);
  CHECK(response.body == "final");
  CHECK(response.headers.find("link") == nullptr);
}

TEST_CASE("HEAD returns the headers and no body") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<std::string> {
    HttpResponse head = co_await http("HEAD", server.url_via(host, "/bytes/100"), "", {});
    // The test server sends a body after HEAD anyway: the connection is not
    // reused, and the next request still gets its own answer.
    HttpResponse next = co_await http_get(server.url_via(host, "/status/201"));
    co_return std::to_string(head.status) + " " + *head.headers.find("content-length") + " [" + head.body + "] " +
        next.body;
  };
  CHECK(run(body()) == "200 100 [] status 201");
}

TEST_CASE("a connection the server closed while idle is not used again") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<int> {
    int ok = 0;
    for (int i = 0; i < 3; ++i) {
      HttpResponse response = co_await http_get(server.url_via(host, "/idle-close"));
      if (response.body == "closed after this") ++ok;
      co_await sleep(20ms);  // the server's close arrives while the connection is idle
    }
    co_return ok;
  };
  CHECK(run(body()) == 3);
  CHECK(server.connections() == 3);
}

TEST_CASE("a request the server drops on a reused connection is sent again on a new one") {
  TestHttpServer server;
  const std::string host = client_host();
  auto body = [&]() -> Task<std::string> {
    HttpResponse first = co_await http_get(server.url_via(host, "/then-drop-next"));
    HttpResponse second = co_await http("POST", server.url_via(host, "/echo"), "once more", {});
    co_return std::to_string(first.status) + " " + second.body;
  };
  CHECK(run(body()) == "200 POST once more");
  CHECK(server.connections() == 2);
}

TEST_CASE("both paths send the same default headers") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse get = run(http_get(server.url_via(host, "/request-head")));
  CHECK_THAT(get.body, Catch::Contains("host: " + host + ":" + std::to_string(server.port()) + "\n"));
  CHECK_THAT(get.body, Catch::Contains("user-agent: taskrt/") && Catch::Contains("accept: */*\n"));
  CHECK_THAT(get.body, !Catch::Contains("content-length") && !Catch::Contains("expect"));
  HttpResponse post = run(http("POST", server.url_via(host, "/request-head"), "a=1", {}));
  CHECK_THAT(post.body, Catch::Contains("content-length: 3\n") &&
                            Catch::Contains("content-type: application/x-www-form-urlencoded\n"));
  HttpResponse own =
      run(http("PUT", server.url_via(host, "/request-head"), "{}",
               {{"Content-Type", "application/json"}, {"User-Agent", "mine"}, {"Accept", "text/plain"}}));
  CHECK_THAT(own.body, Catch::Contains("content-type: application/json\n") && Catch::Contains("user-agent: mine\n") &&
                           Catch::Contains("accept: text/plain\n"));
  CHECK_THAT(own.body, !Catch::Contains("taskrt/") && !Catch::Contains("x-www-form-urlencoded"));
}

TEST_CASE("a POST redirected by 302 becomes a GET without its body") {
  TestHttpServer server;
  const std::string host = client_host();
  HttpResponse response = run(http("POST", server.url_via(host, "/redirect/2"), "payload", {}));
  CHECK(response.status == 200);
  CHECK(response.body == "redirected");
}

TEST_CASE("an idle kept-alive connection does not keep a deadlock from being found") {
  TestHttpServer server;
  auto body = [&]() -> Task<void> {
    co_await http_get(server.url("/"));
    Channel<int> never(1);
    co_await never.recv();
  };
  CHECK_THROWS_AS(run(body()), DeadlockError);
}
