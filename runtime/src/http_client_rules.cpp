// The rules both HTTP client paths share (http_client_rules.hpp).
#include "http_client_rules.hpp"

#include <fmt/format.h>

#include <string_view>

#include "http_syntax.hpp"
#include "taskrt/print.hpp"

namespace taskrt::detail {
namespace {

bool has_line_break_or_nul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

void check_request(const OutgoingRequest& request) {
  auto reject = [&](const std::string& why) { throw IoError(request_error_text(request, why)); };
  if (!http1::is_token(request.method)) reject(fmt::format("`{}` is not an HTTP method", request.method));
  if (has_line_break_or_nul(request.url)) reject("the URL contains a line break or a NUL character");
  for (const auto& [name, value] : request.headers) {
    if (!http1::is_token(name)) reject(fmt::format("`{}` is not a valid header name", name));
    if (has_line_break_or_nul(value)) {
      reject(fmt::format("the value of header `{}` contains a line break or a NUL character", name));
    }
  }
}

std::string request_error_text(const OutgoingRequest& request, const std::string& cause) {
  return fmt::format("{} {}: {}", request.method, request.url, cause);
}

HttpError body_too_large(const OutgoingRequest& request, const HttpLimits& limits) {
  return HttpError(request_error_text(
      request,
      fmt::format("the response body is larger than {}, the limit (--http-max-body)", describe_size(limits.max_body))));
}

HttpError headers_too_large(const OutgoingRequest& request) {
  return HttpError(request_error_text(
      request, fmt::format("the response's headers are too large (at most {}, and {} per line)",
                           describe_size(kMaxResponseHeaderBytes), describe_size(kMaxResponseHeaderLineBytes))));
}

TimeoutError no_response_in_time(const OutgoingRequest& request, const HttpLimits& limits) {
  return TimeoutError(request_error_text(
      request,
      fmt::format("no complete response within {}, the limit (--http-timeout)", format_value(limits.timeout))));
}

std::string describe_size(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

}  // namespace taskrt::detail
