#include "tests/support/test_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zlib.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace taskc::testing {
namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

std::string response(int status, std::string_view body, std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nContent-Type: text/plain\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

// The number after `prefix` in `path`, or -1.
long number_after(const std::string& path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return -1;
  std::string digits = path.substr(prefix.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(digits);
}

// A small website for crawlers: /site/page/0 … /site/page/29, each linking
// to two more (one by absolute path, one relative), home by `..`, a site
// outside (never to be fetched), and on page 7 a broken link.
constexpr long kSitePages = 30;

std::string site_page(long n) {
  std::string html = "<html><head><title>Page " + std::to_string(n) + "</title></head><body>\n";
  if (2 * n + 1 < kSitePages) html += "<a href=\"/site/page/" + std::to_string(2 * n + 1) + "\">next</a>\n";
  if (2 * n + 2 < kSitePages) html += "<a href=\"" + std::to_string(2 * n + 2) + "\">other</a>\n";
  html += "<a href=\"../page/0\">home</a> <a href=\"https://example.invalid/elsewhere\">elsewhere</a>\n";
  if (n == 7) html += "<a href='/site/page/missing'>broken</a>\n";
  return html + "</body></html>\n";
}

// A JSON API in pages: /api/items?page=1 … 5, 20 items each, with the next
// page's number (null on the last), names that need escapes, optional tags.
constexpr long kApiPages = 5;

std::string api_items(long page) {
  std::string json = "{\"page\": " + std::to_string(page) +
                     ", \"next\": " + (page < kApiPages ? std::to_string(page + 1) : std::string("null")) +
                     ", \"items\": [";
  for (long i = 0; i < 20; ++i) {
    long id = (page - 1) * 20 + i;
    if (i) json += ", ";
    json += "{\"id\": " + std::to_string(id) + ", \"name\": \"item \\\"" + std::to_string(id) + "\\\" caf\\u00e9\"";
    json += ", \"price\": " + std::to_string(id / 4) + "." + std::to_string(id % 4 * 25);
    json += ", \"in-stock\": " + std::string(id % 3 != 0 ? "true" : "false");
    if (id % 2 == 0) json += ", \"tags\": [\"even\"" + std::string(id % 10 == 0 ? ", \"round\"" : "") + "]";
    json += ", \"extra\": {\"ignored\": [1, 2, {\"deep\": null}]}}";
  }
  return json + "]}";
}

// `size` zero bytes, gzip-compressed: about a thousandth of the size.
std::string gzip_of_zeros(std::size_t size) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string zeros(std::size_t{1} << 20, '\0');
  std::string out;
  char buffer[65536];
  for (std::size_t left = size; true;) {
    std::size_t take = std::min(left, zeros.size());
    left -= take;
    stream.next_in = reinterpret_cast<Bytef*>(zeros.data());
    stream.avail_in = static_cast<uInt>(take);
    int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    int status = Z_OK;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      status = deflate(&stream, flush);
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
    if (flush == Z_FINISH && status == Z_STREAM_END) break;
  }
  deflateEnd(&stream);
  return out;
}

// Set by /then-drop-next on the connection's own thread: its next request is
// read and the connection closed without an answer, as a server does with an
// idle keep-alive connection it times out just as a request arrives.
thread_local bool drop_next_request = false;

}  // namespace

const std::string& TestHttpServer::page_text() {
  static const std::string page = [] {
    std::string text =
        "<!doctype html>\n<html>\n<head><title>A page for tests</title></head>\n<body>\n"
        "<h1>A page for tests</h1>\n";
    for (int i = 1; i <= 20; ++i) {
      text += "<p>Paragraph " + std::to_string(i) + " of a page served on the loopback interface.</p>\n";
    }
    text += "</body>\n</html>\n";
    return text;
  }();
  return page;
}

TestHttpServer::TestHttpServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 512) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1: " + std::string(std::strerror(errno)));
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  stopped_cv_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (std::thread& worker : workers) worker.join();
}

std::string TestHttpServer::url(std::string_view path) const {
  return url_via("127.0.0.1", path);
}

std::string TestHttpServer::url_via(std::string_view host, std::string_view path) const {
  return "http://" + std::string(host) + ":" + std::to_string(port_) + std::string(path);
}

void TestHttpServer::accept_loop() {
  while (true) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // the listening socket was shut down
    }
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    ++connections_;
    open_fds_.insert(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void TestHttpServer::serve(int fd) {
  std::string buffer;
  char chunk[16384];
  bool keep_open = true;
  while (keep_open) {
    std::size_t end = buffer.find("\r\n\r\n");
    if (end == std::string::npos) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
      // Not a request (a TLS handshake, say): hang up rather than wait.
      if (!std::isupper(static_cast<unsigned char>(buffer[0]))) break;
      continue;
    }
    // The request line and headers.
    std::string head = buffer.substr(0, end);
    std::size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    std::size_t space1 = request_line.find(' ');
    std::size_t space2 = request_line.find(' ', space1 + 1);
    if (space1 == std::string::npos || space2 == std::string::npos) break;
    std::string method = request_line.substr(0, space1);
    std::string path = request_line.substr(space1 + 1, space2 - space1 - 1);
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t content_length = 0;
    bool close_after = false;
    for (std::size_t at = line_end; at != std::string::npos && at < head.size();) {
      std::size_t next = head.find("\r\n", at + 2);
      std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
      at = next;
      std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") content_length = std::stoul(value);
      if (name == "connection" && lower(value) == "close") close_after = true;
      headers.emplace_back(name, value);
    }
    // The body.
    while (buffer.size() < end + 4 + content_length) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        keep_open = false;
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    if (!keep_open) break;
    std::string body = buffer.substr(end + 4, content_length);
    buffer.erase(0, end + 4 + content_length);
    ++requests_;
    keep_open = answer(fd, method, path, headers, body) && !close_after;
  }
  std::lock_guard lock(mutex_);
  open_fds_.erase(fd);
  ::close(fd);
}

bool TestHttpServer::answer(int fd, const std::string& method, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  if (std::exchange(drop_next_request, false)) return false;
  if (path == "/") return send_all(fd, response(200, page_text()));
  if (path == "/then-drop-next") {
    drop_next_request = true;
    return send_all(fd, response(200, "the next request on this connection goes unanswered"));
  }
  if (path == "/idle-close") {
    // Keep-alive by its headers, closed all the same.
    send_all(fd, response(200, "closed after this"));
    return false;
  }
  if (path == "/chunked") {
    return send_all(fd,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunked\r\n\r\n"
                    "5\r\nhello\r\n7;name=value\r\n, world\r\n0\r\nX-Trailer: after the body\r\n\r\n");
  }
  if (path == "/until-close") {
    // HTTP/1.0 without a length: the body ends where the connection does.
    send_all(fd, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nthe body runs to the close");
    return false;
  }
  if (path == "/interim") {
    return send_all(fd,
                    "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
  }
  if (path == "/request-head") {
    // The request's headers, one per line as received (names lower-case).
    std::string text;
    for (const auto& [name, value] : headers) text += name + ": " + value + "\n";
    return send_all(fd, response(200, text));
  }
  if (long n = number_after(path, "/bytes/"); n >= 0) {
    std::string data(static_cast<std::size_t>(n), ' ');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
    return send_all(fd, response(200, data));
  }
  if (long ms = number_after(path, "/slow/"); ms >= 0) {
    if (!pause(static_cast<int>(ms))) return false;
    return send_all(fd, response(200, "slow"));
  }
  if (long status = number_after(path, "/status/"); status >= 0) {
    return send_all(fd, response(static_cast<int>(status), "status " + std::to_string(status)));
  }
  if (long n = number_after(path, "/redirect/"); n >= 0) {
    if (n == 0) return send_all(fd, response(200, "redirected"));
    return send_all(fd, response(302, "", "Location: /redirect/" + std::to_string(n - 1) + "\r\n"));
  }
  if (path == "/echo") {
    std::string extra;
    for (const auto& [name, value] : headers) {
      if (name.starts_with("x-")) extra += name + ": " + value + "\r\n";
    }
    return send_all(fd, response(200, method + " " + body, extra));
  }
  if (path == "/gzip") {
    // "hello, compressed world\n", gzip-compressed.
    static const std::string compressed(
        "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\x48\xce\xcf\x2d\x28\x4a\x2d\x2e"
        "\x4e\x4d\x51\x28\xcf\x2f\xca\x49\xe1\x02\x00\x3f\xba\x39\x3c\x18\x00\x00\x00",
        44);
    return send_all(fd, response(200, compressed, "Content-Encoding: gzip\r\n"));
  }
  if (path == "/endless") {
    // A chunked body that never ends: 64 KiB at a time until the client goes.
    if (!send_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) return false;
    std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    while (send_all(fd, chunk)) {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    return false;
  }
  if (long mib = number_after(path, "/gzip-bomb/"); mib >= 0) {
    // Small on the wire, `mib` MiB of zeros once decoded.
    return send_all(fd,
                    response(200, gzip_of_zeros(static_cast<std::size_t>(mib) << 20), "Content-Encoding: gzip\r\n"));
  }
  if (path == "/silent") {
    // Reads the request and never answers, until the server stops.
    pause(24 * 3600 * 1000);
    return false;
  }
  if (long n = number_after(path, "/big-header/"); n >= 0) {
    return send_all(fd, response(200, "big", "X-Big: " + std::string(static_cast<std::size_t>(n), 'h') + "\r\n"));
  }
  if (path == "/repeat-header") {
    return send_all(fd, response(200, "twice", "X-Twice: one\r\nX-Twice: two\r\n"));
  }
  if (path == "/reset") {
    // SO_LINGER with a zero timeout: close() sends RST instead of FIN.
    linger option{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
    return false;
  }
  if (path == "/partial") {
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    return false;
  }
  if (long n = number_after(path, "/site/page/"); n >= 0 && n < kSitePages) {
    return send_all(fd, response(200, site_page(n)));
  }
  if (long page = number_after(path, "/api/items?page="); page >= 1 && page <= kApiPages) {
    return send_all(fd, response(200, api_items(page)));
  }
  if (path == "/garbage") {
    send_all(fd, "this is not HTTP at all\r\n\r\n");
    return false;
  }
  return send_all(fd, response(404, "not found: " + path));
}

bool TestHttpServer::pause(int ms) {
  std::unique_lock lock(mutex_);
  return !stopped_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

}  // namespace taskc::testing
