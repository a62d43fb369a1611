// serve: an HTTP/1.1 server on the event loop (language-v1 §10). One task
// per connection, no thread per connection; each request's handler is its
// own task under the server's cancel scope, so a slow handler delays only its
// own connection. Keep-alive, pipelining (answers in order), chunked request
// bodies, HEAD, `Connection: close`, `Expect: 100-continue`.
//
// Limits (RuntimeOptions::server, the program's --max-header, --max-body,
// --read-timeout, --max-conns, --grace): a request past them is answered
// 431, 413, 408 or 503 and logged; a malformed one 400 (or 414, 501, 505)
// and its connection closed. A handler that fails is answered 500 (504 for
// Timeout) and its error and trace are logged on stderr; the client sees only
// the status.
//
// Cancelled (SIGINT, SIGTERM), serve stops accepting, closes idle
// connections, lets requests in flight finish for `grace`, then cancels them,
// and ends with CancelledError once every connection is closed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "taskrt/http.hpp"
#include "taskrt/task.hpp"
#include "taskrt/values.hpp"

namespace taskrt {

// A request as the handler sees it (language-v1 §10).
struct HttpRequest {
  std::string method;
  std::string path;                       // as sent, without the query
  Map<std::string, std::string> query;    // percent-decoded; the first of a repeated name
  Map<std::string, std::string> headers;  // names lower-case; repeated fields joined by ", "
  std::string body;                       // decoded (chunked bodies are joined)
  friend bool operator==(const HttpRequest&, const HttpRequest&) = default;
};

// As a record's: printed, and passed to `in process` tasks.
std::string format_value(const HttpRequest& request);
void encode(Writer& out, const HttpRequest& request);
void decode(Reader& in, HttpRequest& request);

// The handler answers an HttpResponse (http.hpp), the record http() gives
// too; its Content-Length, Date and Connection headers are the server's.

using HttpHandler = std::function<Task<HttpResponse>(HttpRequest)>;

// Serves on `address` ("host:port", ":port" for every interface, "[::1]:port";
// port 0 picks a free one) until cancelled. Once it accepts, says
// `listening on http://HOST:PORT` on stderr and, if given, calls `on_listening`
// with the port. IoError when the address cannot be listened on.
Task<void> serve(std::string address, HttpHandler handler, std::function<void(int port)> on_listening = {});

// The named segments of `path` if it matches `pattern`, or none:
// route("/users/42", "/users/{id}") is {"id": "42"}. A `{name}` matches one
// non-empty segment, percent-decoded; other segments match exactly.
std::optional<Map<std::string, std::string>> route(std::string_view path, std::string_view pattern);

// "%41+b" is "A b" (a query's encoding); a malformed escape stays as sent.
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace taskrt
