// HTTP client: http() and http_get(), transfers driven by libcurl's
// multi-socket interface on the event loop — no thread per request, and
// connections are kept alive and reused between requests to the same host.
//
// A response is returned whatever its status (404 is a response, not an
// error). Redirects are followed (up to 20). Bodies are returned whole, as the
// server sent them; a request with an Accept-Encoding header (say "gzip")
// gets compressed bodies decoded. Header names are lower-cased; a header that
// came several times has its values joined with ", ".
//
// Limits (RuntimeOptions): a body larger than http_max_body once decoded is
// an HttpError; a request longer than http_timeout fails with TimeoutError.
//
// Errors: IoError when no response came (refused connection, unknown host,
// reset before a reply, TLS failure, bad URL), HttpError when a response came
// but broke (cut short, malformed, too many redirects). Both name the method,
// the URL and the cause. Cancellation (a timeout, a failed sibling, SIGINT)
// aborts the transfer at once; its connection is closed, not reused.
#pragma once

#include <cstdint>
#include <string>

#include "taskrt/serialize.hpp"
#include "taskrt/task.hpp"
#include "taskrt/values.hpp"

namespace taskrt {

struct OutgoingRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  Map<std::string, std::string> headers;
};

struct HttpResponse {
  std::int64_t status{};
  std::string body{};
  Map<std::string, std::string> headers{};
  friend bool operator==(const HttpResponse&, const HttpResponse&) = default;
};

// Sends `request` on the calling task's runtime and waits for the response.
Task<HttpResponse> http(OutgoingRequest request);
Task<HttpResponse> http_get(std::string url);
// The language's http(method, url, body, headers).
Task<HttpResponse> http(std::string method, std::string url, std::string body, Map<std::string, std::string> headers);

// As print shows it, and as `in process` tasks send it.
std::string format_value(const HttpResponse& response);
void encode(Writer& out, const HttpResponse& response);
void decode(Reader& in, HttpResponse& response);

}  // namespace taskrt
