// The HTTP client's own path for plain http:// (plain_http_client.hpp).
#include "plain_http_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "http_response_parser.hpp"
#include "http_syntax.hpp"
#include "stream_socket.hpp"
#include "taskrt/version.hpp"

namespace taskrt::detail {
namespace {

// Idle connections kept at most, over all servers (curl's path keeps 256 too).
constexpr std::size_t kMostIdle = 256;
constexpr std::size_t kReadBufferBytes = 16 * 1024;

// Headers that shape the exchange itself: a request that sets one goes to
// curl, which knows what each means for the connection and the body.
constexpr std::string_view kFramingHeaders[] = {"host",       "content-length", "transfer-encoding",
                                                "connection", "upgrade",        "te",
                                                "expect",     "keep-alive",     "accept-encoding"};

bool is_framing_header(std::string_view name) {
  for (std::string_view framing : kFramingHeaders) {
    if (http1::equals_ignoring_case(name, framing)) return true;
  }
  return false;
}

// A path curl would send as it is: printable ASCII that needs no escaping,
// and no dot segment (curl removes those).
bool is_plain_path(std::string_view path) {
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::string_view("\\\"<>^`{|}").find(c) != std::string_view::npos) return false;
  }
  return path.substr(0, path.find('?')).find("/.") == std::string_view::npos;
}

// 1 to 65535, in decimal.
bool parse_port(std::string_view text, std::uint16_t& port) {
  std::uint64_t value = 0;
  bool too_large = false;
  if (text.size() > 5 || !http1::parse_decimal(text, 65535, value, too_large) || value == 0) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// What curl's path sends a body with: every request but a GET without one and HEAD.
bool sends_body(const OutgoingRequest& request) {
  return !(request.method == "GET" && request.body.empty()) && request.method != "HEAD";
}

bool proxy_in_environment() {
  // The variables curl reads for an http:// URL (it ignores HTTP_PROXY).
  for (const char* name : {"http_proxy", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') return true;
  }
  return false;
}

}  // namespace

struct PlainHttpClient::Connection {
  Connection(EventLoop& loop, int fd, bool connecting, std::string authority)
      : socket(loop, fd, connecting), authority(std::move(authority)) {}

  StreamSocket socket;
  std::string authority;
  std::unique_ptr<char[]> buffer = std::make_unique<char[]>(kReadBufferBytes);
};

// What one request and its response on one connection came to.
struct PlainHttpClient::Exchange {
  // The connection had been closed by the server before the request: it may
  // be sent again on a new one, as nothing of it was answered.
  bool stale = false;
  bool reusable = false;
  HttpResponse response;
};

PlainHttpClient::PlainHttpClient(EventLoop& loop, HttpLimits limits)
    : loop_(loop), limits_(limits), proxied_(proxy_in_environment()) {}

PlainHttpClient::~PlainHttpClient() = default;

std::optional<PlainTarget> PlainHttpClient::target_of(const OutgoingRequest& request) const {
  constexpr std::string_view kScheme = "http://";
  std::string_view url = request.url;
  if (proxied_ || url.size() < kScheme.size() || !http1::equals_ignoring_case(url.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  if (request.method == "CONNECT") return std::nullopt;
  for (const auto& [name, value] : request.headers) {
    if (is_framing_header(name)) return std::nullopt;
  }
  url.remove_prefix(kScheme.size());
  std::size_t authority_end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, authority_end);
  std::string_view path = authority_end == std::string_view::npos ? std::string_view() : url.substr(authority_end);
  path = path.substr(0, path.find('#'));  // a fragment is never sent
  if (!is_plain_path(path) || authority.find('@') != std::string_view::npos) return std::nullopt;

  PlainTarget target;
  std::string_view host;
  std::string_view after_host;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    after_host = authority.substr(close + 1);
    std::string literal(authority.substr(1, close - 1));
    auto& address = reinterpret_cast<sockaddr_in6&>(target.address);
    if (::inet_pton(AF_INET6, literal.c_str(), &address.sin6_addr) != 1) return std::nullopt;
    address.sin6_family = AF_INET6;
    target.address_length = sizeof(sockaddr_in6);
  } else {
    std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    after_host = authority.substr(host.size());
    target.is_localhost = http1::equals_ignoring_case(host, "localhost");
    std::string literal = target.is_localhost ? std::string("127.0.0.1") : std::string(host);
    auto& address = reinterpret_cast<sockaddr_in&>(target.address);
    if (::inet_pton(AF_INET, literal.c_str(), &address.sin_addr) != 1) return std::nullopt;
    address.sin_family = AF_INET;
    target.address_length = sizeof(sockaddr_in);
  }
  if (!after_host.empty() && (after_host.front() != ':' || !parse_port(after_host.substr(1), target.port))) {
    return std::nullopt;
  }
  if (target.address.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6&>(target.address).sin6_port = htons(target.port);
  } else {
    reinterpret_cast<sockaddr_in&>(target.address).sin_port = htons(target.port);
  }
  target.host = host;
  target.authority = target.port == 80 ? target.host : fmt::format("{}:{}", target.host, target.port);
  target.path = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
  return target;
}

std::string PlainHttpClient::request_head(const OutgoingRequest& request, const PlainTarget& target) const {
  static const std::string user_agent = std::string("User-Agent: taskrt/") + kVersionString + "\r\n";
  bool has_agent = false;
  bool has_accept = false;
  bool has_type = false;
  std::size_t header_bytes = 0;
  for (const auto& [name, value] : request.headers) {
    has_agent = has_agent || http1::equals_ignoring_case(name, "user-agent");
    has_accept = has_accept || http1::equals_ignoring_case(name, "accept");
    has_type = has_type || http1::equals_ignoring_case(name, "content-type");
    header_bytes += name.size() + value.size() + 4;
  }
  std::string head;
  head.reserve(160 + request.method.size() + target.path.size() + target.authority.size() + header_bytes);
  head.append(request.method).append(" ").append(target.path).append(" HTTP/1.1\r\nHost: ");
  head.append(target.authority).append("\r\n");
  // The headers curl's path sends unless the request sets its own.
  if (!has_agent) head.append(user_agent);
  if (!has_accept) head.append("Accept: */*\r\n");
  for (const auto& [name, value] : request.headers) head.append(name).append(": ").append(value).append("\r\n");
  if (sends_body(request)) {
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
    if (!has_type) head.append("Content-Type: application/x-www-form-urlencoded\r\n");
  }
  head.append("\r\n");
  return head;
}

std::unique_ptr<PlainHttpClient::Connection> PlainHttpClient::take_idle(const std::string& authority) {
  auto found = idle_.find(authority);
  if (found == idle_.end()) return nullptr;
  std::vector<std::unique_ptr<Connection>>& kept = found->second;
  std::unique_ptr<Connection> connection;
  while (!kept.empty() && connection == nullptr) {
    connection = std::move(kept.back());
    kept.pop_back();
    --idle_count_;
    // Readable while idle: the server closed it (or spoke out of turn).
    if (connection->socket.may_read()) connection.reset();
  }
  if (kept.empty()) idle_.erase(found);
  if (connection != nullptr) connection->socket.unpark();
  return connection;
}

void PlainHttpClient::keep_idle(std::unique_ptr<Connection> connection) {
  if (idle_count_ >= kMostIdle) return;  // closed as it goes
  connection->socket.disarm_deadline();
  connection->socket.park();
  std::string authority = connection->authority;
  idle_[authority].push_back(std::move(connection));
  ++idle_count_;
}

Task<std::unique_ptr<PlainHttpClient::Connection>> PlainHttpClient::open(const OutgoingRequest& request,
                                                                         const PlainTarget& target) {
  sockaddr_storage address = target.address;
  socklen_t address_length = target.address_length;
  while (true) {
    int error = 0;
    std::unique_ptr<Connection> connection = start_connecting(address, address_length, target.authority, error);
    if (connection != nullptr) {
      if (limits_.timeout.count() > 0) connection->socket.arm_deadline(limits_.timeout);
      if (co_await connection->socket.writable() == StreamSocket::Ready::kTimedOut) {
        throw no_response_in_time(request, limits_);
      }
      error = connection->socket.connect_error();
      if (error == 0) co_return connection;
    }
    // localhost refused on 127.0.0.1: a server may listen on ::1 alone.
    if (error == ECONNREFUSED && target.is_localhost && address.ss_family == AF_INET) {
      auto& ipv6 = reinterpret_cast<sockaddr_in6&>(address);
      ipv6 = sockaddr_in6{};
      ipv6.sin6_family = AF_INET6;
      ipv6.sin6_port = htons(target.port);
      ipv6.sin6_addr = in6addr_loopback;
      address_length = sizeof(sockaddr_in6);
      continue;
    }
    std::string_view host = target.host;
    if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
    throw IoError(request_error_text(
        request, fmt::format("Failed to connect to {} port {}: {}", host, target.port, std::strerror(error))));
  }
}

std::unique_ptr<PlainHttpClient::Connection> PlainHttpClient::start_connecting(const sockaddr_storage& address,
                                                                               socklen_t length,
                                                                               const std::string& authority,
                                                                               int& error) {
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno;
    return nullptr;
  }
  // Requests are small and waited for: no Nagle delay (curl sets it too).
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bool connecting = false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    if (errno != EINPROGRESS) {
      error = errno;
      ::close(fd);
      return nullptr;
    }
    connecting = true;
  }
  // Connected at once (or in progress): writable() says when it is done either way.
  return std::make_unique<Connection>(loop_, fd, connecting, authority);
}

Task<PlainHttpClient::Exchange> PlainHttpClient::exchange(Connection& connection, const OutgoingRequest& request,
                                                          const std::string& head, bool reused) {
  Exchange result;
  StreamSocket& socket = connection.socket;
  std::string_view body = sends_body(request) ? std::string_view(request.body) : std::string_view();
  std::size_t sent = 0;
  while (sent < head.size() + body.size()) {
    iovec parts[2];
    int count = 0;
    if (sent < head.size()) parts[count++] = {const_cast<char*>(head.data() + sent), head.size() - sent};
    std::size_t body_sent = sent > head.size() ? sent - head.size() : 0;
    if (body_sent < body.size()) {
      parts[count++] = {const_cast<char*>(body.data() + body_sent), body.size() - body_sent};
    }
    ssize_t wrote = socket.write_some(parts, count);
    if (wrote > 0) {
      sent += static_cast<std::size_t>(wrote);
    } else if (wrote == StreamSocket::kClosed) {
      if (reused) {
        result.stale = true;
        co_return result;
      }
      throw IoError(request_error_text(request, "the connection broke while the request was sent"));
    } else if (co_await socket.writable() == StreamSocket::Ready::kTimedOut) {
      throw no_response_in_time(request, limits_);
    }
  }

  http1::ResponseParser parser({kMaxResponseHeaderBytes, kMaxResponseHeaderLineBytes, limits_.max_body},
                               request.method == "HEAD");
  bool more_than_asked = false;
  bool closed = false;
  while (parser.state() == http1::ResponseParser::State::kNeedMore) {
    if (!socket.may_read() && co_await socket.readable() == StreamSocket::Ready::kTimedOut) {
      throw no_response_in_time(request, limits_);
    }
    ssize_t got = socket.read_some(connection.buffer.get(), kReadBufferBytes);
    if (got == StreamSocket::kWouldBlock) continue;
    if (got == StreamSocket::kClosed) {
      if (reused && !parser.started()) {
        result.stale = true;
        co_return result;
      }
      closed = true;
      parser.end_of_input();
      break;
    }
    std::size_t used = parser.feed(std::string_view(connection.buffer.get(), static_cast<std::size_t>(got)));
    more_than_asked = used < static_cast<std::size_t>(got);
  }

  switch (parser.error()) {
    case http1::ResponseParser::Error::kNone: break;
    case http1::ResponseParser::Error::kBodyTooLarge: throw body_too_large(request, limits_);
    case http1::ResponseParser::Error::kHeadersTooLarge: throw headers_too_large(request);
    case http1::ResponseParser::Error::kCutShort:
      // Nothing came back at all: no response, as when the connection is refused.
      if (!parser.started()) throw IoError(request_error_text(request, parser.error_reason()));
      throw HttpError(request_error_text(request, parser.error_reason()));
    case http1::ResponseParser::Error::kMalformed: throw HttpError(request_error_text(request, parser.error_reason()));
  }
  http1::ParsedResponse parsed = parser.take();
  result.reusable = parsed.keep_alive && !more_than_asked && !closed;
  result.response.status = parsed.status;
  result.response.body = std::move(parsed.body);
  for (auto& [name, value] : parsed.headers) {
    std::string& slot = result.response.headers[name];
    if (slot.empty()) {
      slot = std::move(value);
    } else {
      slot.append(", ").append(value);
    }
  }
  co_return result;
}

Task<HttpResponse> PlainHttpClient::fetch(const OutgoingRequest& request, const PlainTarget& target) {
  std::string head = request_head(request, target);
  std::unique_ptr<Connection> connection = take_idle(target.authority);
  bool reused = connection != nullptr;
  if (reused && limits_.timeout.count() > 0) connection->socket.arm_deadline(limits_.timeout);
  while (true) {
    if (connection == nullptr) connection = co_await open(request, target);
    Exchange result = co_await exchange(*connection, request, head, reused);
    if (result.stale) {
      // Once: the new connection is not stale.
      connection.reset();
      reused = false;
      continue;
    }
    if (result.reusable) {
      keep_idle(std::move(connection));
    }
    co_return std::move(result.response);
  }
}

}  // namespace taskrt::detail
