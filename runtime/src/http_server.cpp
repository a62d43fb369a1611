// serve (http_server.hpp): the listener, one task per connection, and the
// shutdown with a grace period. Everything here runs on the event loop thread;
// handlers may call cpu tasks, which come back to it.
#include "taskrt/http_server.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <coroutine>
#include <cstring>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "http_request_parser.hpp"
#include "http_response_writer.hpp"
#include "http_syntax.hpp"
#include "stream_socket.hpp"
#include "taskrt/fd_wait.hpp"
#include "taskrt/print.hpp"
#include "taskrt/sleep.hpp"

namespace taskrt {
namespace {

using detail::StreamSocket;

constexpr std::size_t kReadBufferSize = 64 * 1024;
// Answers to pipelined requests are sent together, up to this many bytes.
constexpr std::size_t kFlushAt = 64 * 1024;
// A connection keeps buffers no larger than this while it waits for a request.
constexpr std::size_t kIdleBufferBytes = 2 * 1024;
// How long a refused connection is read (and discarded) after its answer, so
// the client gets the answer instead of a reset.
constexpr auto kLingerFor = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1 << 20;
// Accepted in a row before other tasks get a turn.
constexpr int kAcceptBatch = 64;

[[noreturn]] void throw_listen_error(const std::string& address, const std::string& why) {
  throw IoError(fmt::format("cannot listen on `{}`: {}", address, why));
}

struct Listener {
  int fd = -1;
  std::string host;  // as it is printed: 127.0.0.1, [::1]
  int port = 0;

  Listener() = default;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener() { close(); }
  void close() noexcept {
    if (fd >= 0) ::close(std::exchange(fd, -1));
  }
};

std::string host_of(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text, sizeof text);
    return std::string("[") + text + "]";
  }
  ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, sizeof text);
  return text;
}

int port_of(const sockaddr_storage& address) {
  return ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6&>(address).sin6_port
                                             : reinterpret_cast<const sockaddr_in&>(address).sin_port);
}

// "host:port", ":port" or "[v6]:port", bound and listening.
void listen_on(const std::string& address, Listener& listener) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) throw_listen_error(address, "it needs a port, like `:8080` or `127.0.0.1:8080`");
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoi(port) > 65535) {
    throw_listen_error(address, "`" + port + "` is not a port (0 to 65535)");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  // Names are resolved once, at start; numeric hosts need no lookup.
  if (int status = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found); status != 0) {
    throw_listen_error(address, ::gai_strerror(status));
  }
  std::string why = "no address";
  for (addrinfo* at = found; at != nullptr; at = at->ai_next) {
    int fd = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, at->ai_addr, at->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      continue;
    }
    listener.fd = fd;
    break;
  }
  ::freeaddrinfo(found);
  if (listener.fd < 0) throw_listen_error(address, why);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&bound), &length);
  listener.host = host_of(bound);
  listener.port = port_of(bound);
}

// Each open connection needs a descriptor: as many as --max-conns allows, if
// the hard limit lets us.
void raise_descriptor_limit(std::size_t connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = static_cast<rlim_t>(connections) + 256;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

// The connection's task: started by the server, it owns its frame, which
// goes at its end.
struct Detached {
  struct promise_type : detail::PromiseBase {
    Detached get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
  };
  std::coroutine_handle<promise_type> handle;
};

// Lets the other tasks of the loop run before this one goes on.
struct Reschedule {
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> self) const {
    self.promise().context().executor->schedule(self);
  }
  void await_resume() const noexcept {}
};

class Server;

// A connection waiting for the first byte of a request: at shutdown, it is
// closed at once rather than after the grace period.
struct IdleConnection {
  StreamSocket* socket = nullptr;
  IdleConnection* previous = nullptr;
  IdleConnection* next = nullptr;
};

class Server {
 public:
  Server(Context context, HttpHandler handler)
      : runtime_(*context.runtime),
        node_(context.node),
        loop_(runtime_.loop()),
        handler_(std::move(handler)),
        limits_(runtime_.options().server),
        buffer_(kReadBufferSize) {}

  EventLoop& loop() noexcept { return loop_; }
  const ServerLimits& limits() const noexcept { return limits_; }
  bool draining() const noexcept { return draining_; }
  bool stopping() const noexcept { return stop_.stop_requested(); }
  std::size_t open() const noexcept { return open_; }
  char* read_buffer() noexcept { return buffer_.data(); }

  void start(int fd, std::string peer);

  // Stop taking requests: idle connections close now, the others after
  // their answer.
  void drain() noexcept {
    draining_ = true;
    for (IdleConnection* idle = idle_; idle != nullptr; idle = idle->next) idle->socket->expire_deadline();
  }
  void cancel_connections() noexcept { stop_.request_stop(); }

  void add_idle(IdleConnection& idle) noexcept {
    idle.previous = nullptr;
    idle.next = idle_;
    if (idle_ != nullptr) idle_->previous = &idle;
    idle_ = &idle;
  }
  void remove_idle(IdleConnection& idle) noexcept {
    (idle.previous != nullptr ? idle.previous->next : idle_) = idle.next;
    if (idle.next != nullptr) idle.next->previous = idle.previous;
  }

  // Until no connection is open, or `within` (never, when none) has passed;
  // true when none is. Not cancellable: the shutdown it serves is the
  // cancellation.
  class ClosedAwaiter {
   public:
    ClosedAwaiter(Server& server, std::optional<Clock::duration> within) : server_(server), within_(within) {}
    bool await_ready() const noexcept { return server_.open_ == 0; }
    void await_suspend(std::coroutine_handle<> waiting) {
      server_.joiner_ = waiting;
      server_.joiner_timer_ = within_ ? &timer_ : nullptr;
      if (within_) {
        timer_.fire = &ClosedAwaiter::on_timer;
        timer_.owner = &server_;
        server_.loop_.add_timer(&timer_, *within_);
      }
    }
    bool await_resume() const noexcept { return server_.open_ == 0; }

   private:
    static void on_timer(TimerNode* timer) {
      Server* server = decltype(timer_)::owner_of(timer);
      server->joiner_timer_ = nullptr;
      server->loop_.schedule(std::exchange(server->joiner_, {}));
    }
    Server& server_;
    std::optional<Clock::duration> within_;
    OwnedNode<TimerNode, Server> timer_;
  };
  ClosedAwaiter all_closed(std::optional<Clock::duration> within) { return ClosedAwaiter(*this, within); }

  // Called once per refused connection; says so at most once a second.
  void note_refused() {
    ++refused_;
    auto now = Clock::now();
    if (now - refused_noted_ < std::chrono::seconds(1)) return;
    refused_noted_ = now;
    write_stderr_line(fmt::format("serve: {} open connections (--max-conns): {} more answered 503", limits_.max_conns,
                                  std::exchange(refused_, 0)));
  }

  Task<HttpResponse> handle(HttpRequest request) { return handler_(std::move(request)); }

 private:
  static Detached run_connection(Server& server, int fd, std::string peer);
  void connection_ended() noexcept {
    --open_;
    if (open_ == 0 && joiner_) {
      if (joiner_timer_ != nullptr) loop_.remove_timer(std::exchange(joiner_timer_, nullptr));
      loop_.schedule(std::exchange(joiner_, {}));
    }
  }

  Runtime& runtime_;
  TaskNode* node_;  // the call that serves: its connections' parent in the task tree
  EventLoop& loop_;
  HttpHandler handler_;
  ServerLimits limits_;
  std::vector<char> buffer_;  // every connection reads into it, and keeps only what it did not use
  std::stop_source stop_;     // the connections' cancel scope: stopped when the grace period ends
  const std::stop_token token_ = stop_.get_token();
  std::size_t open_ = 0;
  bool draining_ = false;
  IdleConnection* idle_ = nullptr;
  std::coroutine_handle<> joiner_;
  TimerNode* joiner_timer_ = nullptr;
  std::size_t refused_ = 0;
  Clock::time_point refused_noted_{};
};

Task<void> serve_connection(Server& server, int fd, std::string peer);

Detached Server::run_connection(Server& server, int fd, std::string peer) {
  try {
    co_await serve_connection(server, fd, std::move(peer));
  } catch (...) {
    // Cancelled at the end of the grace period, or out of memory: the
    // connection is closed either way, and the server goes on.
  }
  server.connection_ended();
}

void Server::start(int fd, std::string peer) {
  Detached connection = run_connection(*this, fd, std::move(peer));
  connection.handle.promise().set_context(Context{&runtime_, &loop_, &token_, node_});
  ++open_;
  loop_.schedule(connection.handle);
}

// Sends all of `out`, waiting while the client's window is full, until the
// socket's deadline. False when the connection is gone or timed out.
Task<bool> send_all(StreamSocket& socket, std::string& out) {
  std::size_t sent = 0;
  while (sent < out.size()) {
    iovec part{out.data() + sent, out.size() - sent};
    ssize_t wrote = socket.write_some(&part, 1);
    if (wrote == StreamSocket::kClosed) co_return false;
    if (wrote == StreamSocket::kWouldBlock) {
      if (co_await socket.writable() == StreamSocket::Ready::kTimedOut) co_return false;
      continue;
    }
    sent += static_cast<std::size_t>(wrote);
  }
  out.clear();
  if (out.capacity() > kFlushAt) std::string().swap(out);
  co_return true;
}

// After a last answer: no more from us, and what the client still sends is
// read and dropped for a while, so that closing does not reset the
// connection before the client has read the answer.
Task<void> linger_and_close(StreamSocket& socket, char* buffer) {
  socket.shut_down_writing();
  socket.arm_deadline(kLingerFor);
  std::size_t dropped = 0;
  while (dropped < kLingerBytes) {
    ssize_t got = socket.read_some(buffer, kReadBufferSize);
    if (got == StreamSocket::kClosed) co_return;
    if (got == StreamSocket::kWouldBlock) {
      if (co_await socket.readable() == StreamSocket::Ready::kTimedOut) co_return;
      continue;
    }
    dropped += static_cast<std::size_t>(got);
  }
}

// The request the handler sees, from the parsed one; false (and `why`) for a
// target we do not serve.
bool make_request(http1::ParsedRequest& parsed, HttpRequest& request, std::string& why) {
  std::string_view target = parsed.target;
  // absolute-form (RFC 9112 §3.2.2), as sent to a proxy: the path is what we serve.
  if (target.starts_with("http://") || target.starts_with("https://")) {
    std::size_t authority = target.find("//") + 2;
    std::size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  if (target == "*" && parsed.method == "OPTIONS") {
    request.path = "*";
  } else if (!target.starts_with("/") && !target.starts_with("?")) {
    why = "a request target that is not a path";
    return false;
  } else {
    std::size_t question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (request.path.empty()) request.path = "/";
    if (question != std::string_view::npos) {
      std::string_view query = target.substr(question + 1);
      while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        std::string name = percent_decode(pair.substr(0, equals), true);
        if (request.query.contains(name)) continue;
        request.query[name] = equals == std::string_view::npos ? "" : percent_decode(pair.substr(equals + 1), true);
      }
    }
  }
  request.method = std::move(parsed.method);
  for (auto& [name, value] : parsed.headers) {
    if (std::string* seen = request.headers.find(name)) {
      *seen += ", ";
      *seen += value;
    } else {
      request.headers[name] = std::move(value);
    }
  }
  request.body = std::move(parsed.body);
  return true;
}

bool asks_to_close(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (http1::equals_ignoring_case(name, "connection") && http1::contains_ignoring_case(value, "close")) return true;
  }
  return false;
}

// Answers the errors of a request that never reached the handler.
void append_refusal(std::string& out, int status, std::string_view why) {
  std::string body = fmt::format("{} {}: {}\n", status, http1::reason_phrase(status), why);
  http1::append_answer(out, {status, nullptr, body, false, true});
}

Task<void> serve_connection(Server& server, int fd, std::string peer) {
  StreamSocket socket(server.loop(), fd);
  const ServerLimits& limits = server.limits();
  http1::RequestParser parser({limits.max_header, static_cast<std::size_t>(limits.max_body)});
  std::string pending;  // read past the current request: the next, pipelined
  std::string out;      // answers not yet sent
  IdleConnection idle{&socket};
  // Each request must arrive within the read timeout, armed here for the
  // first and, for each next one, when the answer before it is made.
  socket.arm_deadline(limits.read_timeout);
  while (true) {
    bool started = false;  // a byte of this request has arrived
    bool continued = false;
    while (parser.state() != http1::RequestParser::State::kComplete &&
           parser.state() != http1::RequestParser::State::kError) {
      if (!pending.empty()) {
        started = true;
        pending.erase(0, parser.feed(pending));
      } else {
        // Answers made so far go out before we wait for more.
        if (!out.empty() && !co_await send_all(socket, out)) co_return;
        ssize_t got =
            socket.may_read() ? socket.read_some(server.read_buffer(), kReadBufferSize) : StreamSocket::kWouldBlock;
        if (got == StreamSocket::kClosed) co_return;
        if (got == StreamSocket::kWouldBlock) {
          if (!started && server.draining()) co_return;
          if (!started) {
            if (pending.capacity() > kIdleBufferBytes) std::string().swap(pending);
            server.add_idle(idle);
          }
          StreamSocket::Ready ready;
          try {
            ready = co_await socket.readable();
          } catch (...) {
            if (!started) server.remove_idle(idle);
            throw;
          }
          if (!started) server.remove_idle(idle);
          if (ready == StreamSocket::Ready::kTimedOut) {
            if (!started) co_return;  // an idle keep-alive connection, or one closed at shutdown
            write_stderr_line(fmt::format("serve: {}: 408 Request Timeout: no whole request within {} ms", peer,
                                          limits.read_timeout.count()));
            append_refusal(out, 408, "the request did not arrive in time");
            socket.arm_deadline(kLingerFor);
            if (co_await send_all(socket, out)) co_await linger_and_close(socket, server.read_buffer());
            co_return;
          }
          continue;
        }
        started = true;
        std::string_view input(server.read_buffer(), static_cast<std::size_t>(got));
        std::size_t used = parser.feed(input);
        if (used < input.size()) pending.append(input.substr(used));
      }
      if (parser.state() == http1::RequestParser::State::kHeaders && parser.request().expects_continue && !continued) {
        continued = true;
        out += "HTTP/1.1 100 Continue\r\n\r\n";
        if (!co_await send_all(socket, out)) co_return;
      }
    }
    if (parser.state() == http1::RequestParser::State::kError) {
      int status = parser.error_status();
      write_stderr_line(
          fmt::format("serve: {}: {} {}: {}", peer, status, http1::reason_phrase(status), parser.error_reason()));
      append_refusal(out, status, parser.error_reason());
      socket.arm_deadline(kLingerFor);
      if (co_await send_all(socket, out)) co_await linger_and_close(socket, server.read_buffer());
      co_return;
    }
    http1::ParsedRequest parsed = parser.take();
    bool keep_alive = parsed.keep_alive;
    HttpRequest request;
    std::string why;
    if (!make_request(parsed, request, why)) {
      write_stderr_line(fmt::format("serve: {}: 400 Bad Request: {}", peer, why));
      append_refusal(out, 400, why);
      socket.arm_deadline(kLingerFor);
      if (co_await send_all(socket, out)) co_await linger_and_close(socket, server.read_buffer());
      co_return;
    }
    bool head = request.method == "HEAD";
    std::string method = request.method;  // for the log, if the handler fails
    // The handler's time is its own (its timeout clause); the deadline is for the client.
    socket.disarm_deadline();
    HttpResponse response;
    std::string failure;
    try {
      response = co_await server.handle(std::move(request));
    } catch (const Error& error) {
      if (server.stopping()) {
        // The grace period is over: say so if the socket takes it now, and close.
        append_refusal(out, 503, "the server is shutting down");
        iovec part{out.data(), out.size()};
        socket.write_some(&part, 1);
        co_return;
      }
      response = HttpResponse{error.kind() == ErrorKind::kTimeout ? 504 : 500, "", {}};
      failure = "error: " + error.describe();
    } catch (const std::exception& error) {
      response = HttpResponse{500, "", {}};
      failure = std::string("error: Failed: ") + error.what();
    }
    http1::Answer answer{response.status, &response.headers, response.body, head, false};
    if (failure.empty()) {
      if (std::string invalid = http1::check_answer(answer); !invalid.empty()) {
        failure = "error: ValueError: " + invalid;
        response = HttpResponse{500, "", {}};
        answer = {500, nullptr, "", head, false};
      }
    }
    if (!failure.empty()) {
      write_stderr_line(
          fmt::format("{}\n  answering {} {} from {} with {}", failure, method, parsed.target, peer, answer.status));
      answer.headers = nullptr;
      answer.body = answer.status == 504 ? "504 Gateway Timeout\n" : "500 Internal Server Error\n";
    }
    answer.close = !keep_alive || server.draining() || asks_to_close(response);
    http1::append_answer(out, answer);
    socket.arm_deadline(limits.read_timeout);
    if (answer.close) {
      if (co_await send_all(socket, out)) co_await linger_and_close(socket, server.read_buffer());
      co_return;
    }
    if (out.size() >= kFlushAt && !co_await send_all(socket, out)) co_return;
  }
}

// Answers a connection over --max-conns without reading it.
void refuse(int fd) {
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
  [[maybe_unused]] ssize_t sent = ::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

}  // namespace

Task<void> serve(std::string address, HttpHandler handler, std::function<void(int port)> on_listening) {
  Context& context = co_await current_context();
  Listener listener;
  listen_on(address, listener);
  Server server(context, std::move(handler));
  raise_descriptor_limit(server.limits().max_conns);
  write_stderr_line(fmt::format("listening on http://{}:{}", listener.host, listener.port));
  if (on_listening) on_listening(listener.port);
  std::exception_ptr failure;
  try {
    int accepted = 0;
    while (true) {
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          accepted = 0;
          co_await wait_readable(listener.fd);
        } else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors or memory for now: connections that end will free some.
          write_stderr_line(fmt::format("serve: cannot accept a connection: {}", std::strerror(errno)));
          co_await sleep(std::chrono::milliseconds(100));
        } else if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO) {
          throw IoError(fmt::format("serve: accept on {}: {}", address, std::strerror(errno)));
        }
        continue;
      }
      if (server.open() >= server.limits().max_conns) {
        refuse(fd);
        server.note_refused();
        continue;
      }
      int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      server.start(fd, fmt::format("{}:{}", host_of(peer), port_of(peer)));
      if (++accepted == kAcceptBatch) {
        accepted = 0;
        co_await Reschedule{};
      }
    }
  } catch (...) {
    failure = std::current_exception();
  }
  listener.close();
  server.drain();
  if (!co_await server.all_closed(server.limits().grace)) {
    server.cancel_connections();
    co_await server.all_closed(std::nullopt);
  }
  std::rethrow_exception(failure);
}

}  // namespace taskrt
