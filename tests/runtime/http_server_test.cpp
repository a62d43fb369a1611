// serve: a server on 127.0.0.1 port 0 per test, driven by raw sockets from
// the test's thread: routes, queries, keep-alive, pipelining, chunked and
// large bodies, HEAD, 100-continue, malformed requests, each limit, failing
// handlers, slow handlers, and shutdown with requests in flight.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "taskrt/http_server.hpp"
#include "taskrt/sleep.hpp"
#include "taskrt/taskrt.hpp"

using namespace taskrt;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

// A server on its own runtime and thread, cancelled (as by SIGINT) at the end.
class ServerUnderTest {
 public:
  explicit ServerUnderTest(HttpHandler handler, ServerLimits limits = {}) {
    RuntimeOptions options;
    options.cpu_threads = 1;
    options.server = limits;
    runtime_ = Runtime::create(options);
    std::promise<int> listening;
    std::future<int> port = listening.get_future();
    thread_ = std::thread([this, handler = std::move(handler), &listening]() mutable {
      bool told = false;
      try {
        runtime_->run(serve("127.0.0.1:0", std::move(handler), [&](int p) {
          told = true;
          listening.set_value(p);
        }));
      } catch (...) {
        if (!told) listening.set_exception(std::current_exception());
        ended_ = std::current_exception();
      }
    });
    port_ = port.get();
  }
  ~ServerUnderTest() { stop(); }

  // Cancels the server and waits for it to end; how long that took.
  std::chrono::milliseconds stop() {
    auto start = std::chrono::steady_clock::now();
    if (thread_.joinable()) {
      runtime_->cancel();
      thread_.join();
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  }
  int port() const { return port_; }
  std::exception_ptr ended() const { return ended_; }

 private:
  std::unique_ptr<Runtime> runtime_;
  std::thread thread_;
  int port_ = 0;
  std::exception_ptr ended_;
};

// A blocking client connection with a 10 s safety timeout on every read.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~Client() { ::close(fd_); }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return;  // the server closed: what it answered is still readable
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  // Everything until the server closes the connection.
  std::string read_all() {
    std::string out;
    while (fill()) {
    }
    out.swap(buffer_);
    return out;
  }

  // One answer: its head and Content-Length bytes of body (none for HEAD).
  std::string read_answer(bool head = false) {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::exchange(buffer_, {});
    }
    std::size_t length = 0;
    std::size_t at = buffer_.find("Content-Length: ");
    if (!head && at != std::string::npos && at < end) length = std::stoul(buffer_.substr(at + 16));
    while (buffer_.size() < end + 4 + length) {
      if (!fill()) break;
    }
    std::string answer = buffer_.substr(0, end + 4 + length);
    buffer_.erase(0, answer.size());
    return answer;
  }

  // Whether the server closed the connection (within 10 s).
  bool closed() {
    while (fill()) {
    }
    return eof_;
  }

 private:
  bool fill() {
    pollfd watch{fd_, POLLIN, 0};
    if (::poll(&watch, 1, 10'000) <= 0) return false;
    char chunk[65536];
    ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

std::string body_of(const std::string& answer) {
  std::size_t end = answer.find("\r\n\r\n");
  return end == std::string::npos ? "" : answer.substr(end + 4);
}

std::string status_line(const std::string& answer) {
  return answer.substr(0, answer.find("\r\n"));
}

// Answers what it was asked: method, path, query and headers, and the body's length.
Task<HttpResponse> echo(HttpRequest request) {
  std::string text = request.method + " " + request.path;
  for (const auto& [name, value] : request.query) text += " q:" + name + "=" + value;
  if (const std::string* test = request.headers.find("x-test")) text += " x-test=" + *test;
  text += " body=" + std::to_string(request.body.size());
  co_return HttpResponse{200, text, {{"Content-Type", "text/plain"}}};
}

}  // namespace

TEST_CASE("serve answers a request with what the handler returns: path, query, headers") {
  ServerUnderTest server(echo);
  Client client(server.port());
  client.send("GET /users/42?name=a%20b&x=1+2&name=second HTTP/1.1\r\nHost: t\r\nX-Test: one\r\nx-test: two\r\n\r\n");
  std::string answer = client.read_answer();
  CHECK(status_line(answer) == "HTTP/1.1 200 OK");
  CHECK(body_of(answer) == "GET /users/42 q:name=a b q:x=1 2 x-test=one, two body=0");
  CHECK(answer.find("\r\nDate: ") != std::string::npos);
  CHECK(answer.find("\r\nContent-Type: text/plain\r\n") != std::string::npos);
}

TEST_CASE("keep-alive: one connection serves request after request, and pipelined ones are answered in order") {
  ServerUnderTest server(echo);
  Client client(server.port());
  for (int i = 0; i < 3; ++i) {
    client.send("GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(body_of(client.read_answer()) == "GET /" + std::to_string(i) + " body=0");
  }
  std::string pipelined;
  for (int i = 0; i < 20; ++i) pipelined += "GET /p" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n";
  client.send(pipelined);
  for (int i = 0; i < 20; ++i) CHECK(body_of(client.read_answer()) == "GET /p" + std::to_string(i) + " body=0");
  client.send("GET /last HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  std::string last = client.read_answer();
  CHECK(last.find("Connection: close") != std::string::npos);
  CHECK(client.closed());
}

TEST_CASE("bodies: Content-Length, chunked, 1 MB, and Expect: 100-continue") {
  ServerUnderTest server(echo);
  Client client(server.port());
  client.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  CHECK(body_of(client.read_answer()) == "POST /a body=5");
  client.send(
      "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\nT: "
      "v\r\n\r\n");
  CHECK(body_of(client.read_answer()) == "POST /c body=7");
  std::string big(1 << 20, 'x');
  client.send("PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big);
  CHECK(body_of(client.read_answer()) == "PUT /big body=1048576");
  client.send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  CHECK(client.read_answer() == "HTTP/1.1 100 Continue\r\n\r\n");
  client.send("abc");
  CHECK(body_of(client.read_answer()) == "POST /e body=3");
}

TEST_CASE("HEAD is answered with the GET answer's headers and no body") {
  ServerUnderTest server(echo);
  Client client(server.port());
  client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string head = client.read_answer(true);
  CHECK(status_line(head) == "HTTP/1.1 200 OK");
  CHECK(head.find("Content-Length: 14\r\n") != std::string::npos);  // of "HEAD /h body=0"
  CHECK(body_of(head).empty());
  CHECK(body_of(client.read_answer()) == "GET /after body=0");
}

TEST_CASE("malformed requests are answered 400 (or their status) and their connection closed") {
  ServerUnderTest server(echo);
  const std::pair<std::string, std::string> cases[] = {
      {"GARBAGE\r\n\r\n", "400"},
      {"GET / HTTP/1.1\nHost: t\n\n", "400"},                             // bare LF
      {"GET / HTTP/1.1\r\nHost: t\0x\r\n\r\n"s, "400"},                   // NUL
      {std::string(100, 'G') + " / HTTP/1.1\r\nHost: t\r\n\r\n", "400"},  // overlong method
      {"GET / HTTP/1.1\r\n\r\n", "400"},                                  // no Host
      {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
      {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "400"},
      {"GET / HTTP/2.0\r\nHost: t\r\n\r\n", "505"},
      {"GET nopath HTTP/1.1\r\nHost: t\r\n\r\n", "400"},
  };
  for (const auto& [request, status] : cases) {
    Client client(server.port());
    client.send(request);
    std::string answer = client.read_all();
    INFO(request);
    CHECK(status_line(answer).substr(0, 12) == "HTTP/1.1 " + status);
    CHECK(answer.find("Connection: close") != std::string::npos);
  }
}

TEST_CASE("each limit is answered with its status: 431, 413, 408, 503") {
  // One server per limit: a connection the server has just refused may still
  // count against --max-conns while it lingers, which would race with the next.
  ServerLimits limits;
  limits.max_header = 256;
  limits.max_body = 1000;
  limits.read_timeout = 300ms;
  SECTION("a header block over --max-header is 431") {
    ServerUnderTest server(echo, limits);
    Client client(server.port());
    client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(300, 'a') + "\r\n\r\n");
    CHECK(status_line(client.read_all()) == "HTTP/1.1 431 Request Header Fields Too Large");
  }
  SECTION("a body over --max-body is 413") {
    ServerUnderTest server(echo, limits);
    Client client(server.port());
    client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n");
    CHECK(status_line(client.read_all()) == "HTTP/1.1 413 Content Too Large");
  }
  SECTION("slowloris: a request that never ends is cut at the read timeout, while another client is served") {
    ServerUnderTest server(echo, limits);
    Client slow(server.port());
    slow.send("GET / HTTP/1.1\r\nHost: t\r\n");
    Client other(server.port());
    other.send("GET /other HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(body_of(other.read_answer()) == "GET /other body=0");
    CHECK(status_line(slow.read_all()) == "HTTP/1.1 408 Request Timeout");
  }
  SECTION("over --max-conns, the next connection is 503") {
    limits.max_conns = 2;
    ServerUnderTest server(echo, limits);
    // Accepted in the order they connected: the third while two are open.
    Client first(server.port());
    Client second(server.port());
    Client third(server.port());
    CHECK(status_line(third.read_all()) == "HTTP/1.1 503 Service Unavailable");
  }
}

TEST_CASE("a handler that fails is answered 500, one that times out 504, and nothing internal reaches the client") {
  ServerUnderTest server([](HttpRequest request) -> Task<HttpResponse> {
    if (request.path == "/fail") throw FailedError("secret detail");
    if (request.path == "/timeout") throw TimeoutError("handle timed out after 5s");
    if (request.path == "/bad-status") co_return HttpResponse{42, "", {}};
    if (request.path == "/bad-header") co_return HttpResponse{200, "", {{"X-Split", "a\r\nSet-Cookie: evil"}}};
    co_return HttpResponse{200, "fine", {}};
  });
  Client client(server.port());
  for (auto [path, status] : {std::pair{"/fail", "500"},
                              {"/timeout", "504"},
                              {"/bad-status", "500"},
                              {"/bad-header", "500"},
                              {"/ok", "200"}}) {
    client.send(std::string("GET ") + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string answer = client.read_answer();
    INFO(path);
    CHECK(status_line(answer).substr(0, 12) == std::string("HTTP/1.1 ") + status);
    CHECK(answer.find("secret") == std::string::npos);
    CHECK(answer.find("evil") == std::string::npos);
  }
}

TEST_CASE("a slow handler delays only its own connection") {
  ServerUnderTest server([](HttpRequest request) -> Task<HttpResponse> {
    if (request.path == "/slow") co_await taskrt::sleep(std::chrono::seconds(3));
    co_return HttpResponse{200, request.path, {}};
  });
  Client slow(server.port());
  slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    Client fast(server.port());
    fast.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(body_of(fast.read_answer()) == "/fast");
  }
  // Not a timing threshold on speed: the fast answers came while the slow one still ran.
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  CHECK(body_of(slow.read_answer()) == "/slow");
}

TEST_CASE("cancelled, serve closes idle connections, finishes requests in flight, and ends with CancelledError") {
  std::atomic<bool> in_handler{false};
  ServerLimits limits;
  limits.grace = 10s;
  ServerUnderTest server(
      [&](HttpRequest request) -> Task<HttpResponse> {
        in_handler = true;
        co_await taskrt::sleep(std::chrono::milliseconds(300));
        co_return HttpResponse{200, request.path, {}};
      },
      limits);
  Client idle(server.port());
  idle.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(body_of(idle.read_answer()) == "/first");
  in_handler = false;
  Client busy(server.port());
  busy.send("GET /busy HTTP/1.1\r\nHost: t\r\n\r\n");
  while (!in_handler) std::this_thread::sleep_for(1ms);
  auto took = server.stop();
  CHECK(took < 10s);  // the grace period was not needed: the request finished
  std::string answer = busy.read_all();
  CHECK(body_of(answer) == "/busy");
  CHECK(answer.find("Connection: close") != std::string::npos);
  CHECK(idle.closed());
  REQUIRE(server.ended());
  CHECK_THROWS_AS(std::rethrow_exception(server.ended()), CancelledError);
}

TEST_CASE("past the grace period, requests in flight are cancelled and answered 503") {
  ServerLimits limits;
  limits.grace = 200ms;
  std::atomic<bool> in_handler{false};
  ServerUnderTest server(
      [&](HttpRequest) -> Task<HttpResponse> {
        in_handler = true;
        co_await taskrt::sleep(std::chrono::seconds(60));
        co_return HttpResponse{200, "never", {}};
      },
      limits);
  Client busy(server.port());
  busy.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n");
  while (!in_handler) std::this_thread::sleep_for(1ms);
  server.stop();
  CHECK(status_line(busy.read_all()) == "HTTP/1.1 503 Service Unavailable");
}

TEST_CASE("a port in use, or an address that is not one, is an IoError that says which") {
  ServerUnderTest first(echo);
  RuntimeOptions options;
  auto runtime = Runtime::create(options);
  CHECK_THROWS_WITH(runtime->run(serve("127.0.0.1:" + std::to_string(first.port()), echo)),
                    Catch::Contains("cannot listen on `127.0.0.1:") && Catch::Contains("in use"));
  CHECK_THROWS_WITH(runtime->run(serve("127.0.0.1", echo)), Catch::Contains("it needs a port"));
  CHECK_THROWS_WITH(runtime->run(serve(":99999", echo)), Catch::Contains("is not a port"));
}

TEST_CASE("route matches a path against a pattern, segment by segment") {
  auto m = route("/users/42/posts/a%20b", "/users/{id}/posts/{title}");
  REQUIRE(m);
  CHECK(*m->find("id") == "42");
  CHECK(*m->find("title") == "a b");
  CHECK_FALSE(route("/users/42", "/users/{id}/posts"));
  CHECK_FALSE(route("/users/", "/users/{id}"));
  CHECK_FALSE(route("/other/1", "/users/{id}"));
  CHECK(route("/", "/"));
  CHECK(route("/hello", "/hello")->empty());
}
