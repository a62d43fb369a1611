// PlainHttpClient: the HTTP client's own path for plain http:// to a numeric
// address (127.0.0.1, [::1], 10.0.0.7) or to localhost (which curl, too,
// takes for the loopback address without asking DNS), on our sockets and our response
// parser — the requests a program sends to services beside it, where curl's
// per-transfer work was most of the cost (bench/README.md, "http_get").
// Everything else goes to curl (http_client.hpp): https, other host names
// (curl resolves them off the loop), proxies from the environment, compressed
// answers, URLs curl would rewrite. Redirects are the caller's (http.cpp),
// which sends each hop by whichever path takes it.
//
// Connections are kept alive per address and reused, one request at a time
// each; an idle one is parked on the loop (it keeps no deadlock from being
// found) and is dropped if the server closed it. A request on a reused
// connection that the server had closed is sent once more on a new one, as
// curl does. Errors, limits and their messages are those of curl's path
// (http_client_rules.hpp). Loop thread only.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http_client_rules.hpp"
#include "taskrt/event_loop.hpp"
#include "taskrt/http.hpp"
#include "taskrt/task.hpp"

namespace taskrt::detail {

// Where a request this client takes goes.
struct PlainTarget {
  std::string host;  // as the URL writes it: "127.0.0.1", "[::1]"
  std::uint16_t port = 80;
  std::string authority;  // the Host header and the pool's key: "127.0.0.1:8080"
  std::string path;       // path and query, at least "/"
  sockaddr_storage address{};
  socklen_t address_length = 0;
  // localhost: 127.0.0.1, then ::1 if that refuses the connection.
  bool is_localhost = false;
};

class PlainHttpClient {
 public:
  PlainHttpClient(EventLoop& loop, HttpLimits limits);
  ~PlainHttpClient();
  PlainHttpClient(const PlainHttpClient&) = delete;
  PlainHttpClient& operator=(const PlainHttpClient&) = delete;

  // Where `request` (checked by check_request) goes if this client takes it.
  std::optional<PlainTarget> target_of(const OutgoingRequest& request) const;
  // Sends `request` and returns the response, whatever its status. Throws
  // IoError when no response came, HttpError when one came but broke,
  // TimeoutError past the limit, CancelledError when cancelled (the
  // connection is then closed).
  Task<HttpResponse> fetch(const OutgoingRequest& request, const PlainTarget& target);

 private:
  struct Connection;
  struct Exchange;

  std::unique_ptr<Connection> take_idle(const std::string& authority);
  void keep_idle(std::unique_ptr<Connection> connection);
  Task<std::unique_ptr<Connection>> open(const OutgoingRequest& request, const PlainTarget& target);
  // A socket connecting (or connected) to `address`, or null with `error` set.
  std::unique_ptr<Connection> start_connecting(const sockaddr_storage& address, socklen_t length,
                                               const std::string& authority, int& error);
  Task<Exchange> exchange(Connection& connection, const OutgoingRequest& request, const std::string& head, bool reused);
  std::string request_head(const OutgoingRequest& request, const PlainTarget& target) const;

  EventLoop& loop_;
  HttpLimits limits_;
  // A proxy named in the environment: curl, which honours it, takes every request.
  bool proxied_ = false;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
  std::size_t idle_count_ = 0;
};

}  // namespace taskrt::detail
