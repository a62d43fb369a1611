// What both paths of the HTTP client (curl's, and our own for plain http://)
// hold to, so that a request fails the same way whichever one sends it: the
// checks on a request before anything is sent, the limits, and the errors
// that name them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "taskrt/error.hpp"
#include "taskrt/http.hpp"

namespace taskrt::detail {

// What a request may cost at most (RuntimeOptions::http_max_body, http_timeout); 0: no limit.
struct HttpLimits {
  std::uint64_t max_body = 0;
  std::chrono::milliseconds timeout{0};
};

// A response's header lines, in bytes, at most, and one line at most (curl's
// own limit, CURL_MAX_HTTP_HEADER).
constexpr std::size_t kMaxResponseHeaderBytes = std::size_t{256} << 10;
constexpr std::size_t kMaxResponseHeaderLineBytes = std::size_t{100} << 10;
// Redirects followed at most, as browsers do.
constexpr int kMostRedirects = 20;

// Throws IoError naming the request if it cannot be sent as it is: a method
// that is not a token, a line break or NUL in the URL or a header value
// (which would start a header of the caller's choosing), a bad header name.
void check_request(const OutgoingRequest& request);

// "GET http://host/path: `cause`", the form of every client error.
std::string request_error_text(const OutgoingRequest& request, const std::string& cause);
HttpError body_too_large(const OutgoingRequest& request, const HttpLimits& limits);
HttpError headers_too_large(const OutgoingRequest& request);
TimeoutError no_response_in_time(const OutgoingRequest& request, const HttpLimits& limits);

// "256 MiB", "1500 bytes".
std::string describe_size(std::uint64_t bytes);

}  // namespace taskrt::detail
