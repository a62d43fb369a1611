// TestHttpServer: a small HTTP/1.1 server on 127.0.0.1 with a port chosen by
// the kernel, for tests of the HTTP client. One thread per connection;
// keep-alive unless the client says otherwise. Routes:
//   /                 a small HTML page (page_text())
//   /bytes/N          N bytes of a repeating alphabet
//   /slow/MS          answers after MS milliseconds
//   /status/N         status N, body "status N"
//   /redirect/N       302 to /redirect/N-1; /redirect/0 answers "redirected"
//   /echo             body "METHOD BODY"; request headers x-* come back as headers
//   /repeat-header    two `x-twice` headers
//   /gzip             a gzip-compressed text (Content-Encoding: gzip)
//   /reset            resets the connection without answering
//   /partial          promises 100 bytes, sends 10, closes
//   /garbage          answers with something that is not HTTP
//   /chunked          "hello, world" in two chunks, with a chunk extension and a trailer (X-Trailer)
//   /until-close      an HTTP/1.0 answer whose body ends with the connection
//   /interim          a 103 Early Hints, then the answer "final"
//   /idle-close       answers as if keeping the connection alive, then closes it
//   /then-drop-next   answers; the next request on the connection is read and
//                     the connection closed without an answer
//   /request-head     the request's headers as the body, "name: value" lines
// Everything else is 404. Stopping (the destructor) closes every connection
// and wakes every slow answer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace taskc::testing {

class TestHttpServer {
 public:
  TestHttpServer();
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const noexcept { return port_; }
  // "http://127.0.0.1:PORT" followed by `path`.
  std::string url(std::string_view path = "") const;
  // The same with another name for this machine ("localhost").
  std::string url_via(std::string_view host, std::string_view path) const;
  // Connections accepted and requests answered so far.
  int connections() const noexcept { return connections_.load(); }
  int requests() const noexcept { return requests_.load(); }

  static const std::string& page_text();

 private:
  void accept_loop();
  void serve(int fd);
  // Answers one request; false when the connection must close.
  bool answer(int fd, const std::string& method, const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body);
  // Waits `ms` milliseconds unless the server stops first; false if it stopped.
  bool pause(int ms);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  std::set<int> open_fds_;
  std::vector<std::thread> workers_;
};

}  // namespace taskc::testing
