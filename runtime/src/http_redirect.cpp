// Following a redirect (http_redirect.hpp).
#include "http_redirect.hpp"

#include <string>

#include "ascii.hpp"
#include "http_syntax.hpp"

namespace taskrt::detail {
namespace {

// "http://host:port" of an absolute URL; the URL itself if it has no "://".
std::string_view origin_of(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url;
  std::size_t end = url.find_first_of("/?#", scheme_end + 3);
  return url.substr(0, end);
}

// Whether `reference` starts with a scheme (RFC 3986 §3.1) and a colon.
bool has_scheme(std::string_view reference) {
  if (reference.empty() || !ascii::is_alpha(static_cast<unsigned char>(reference.front()))) return false;
  for (char c : reference) {
    if (c == ':') return true;
    if (!ascii::is_alnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

// `location` resolved against `base` (RFC 3986 §5.2, without dot segments:
// the URL that holds them goes to curl, which removes them).
std::string resolve(std::string_view base, std::string_view location) {
  if (has_scheme(location)) return std::string(location);
  std::string_view origin = origin_of(base);
  if (location.starts_with("//")) return std::string(base.substr(0, base.find("://") + 1)) + std::string(location);
  if (location.starts_with('/')) return std::string(origin) + std::string(location);
  std::string_view path = base.substr(origin.size());
  path = path.substr(0, path.find_first_of("?#"));
  if (location.empty()) return std::string(origin) + std::string(path.empty() ? "/" : path);
  if (location.starts_with('?'))
    return std::string(origin) + std::string(path.empty() ? "/" : path) + std::string(location);
  std::size_t slash = path.rfind('/');
  std::string_view directory = slash == std::string_view::npos ? std::string_view("/") : path.substr(0, slash + 1);
  return std::string(origin) + std::string(directory) + std::string(location);
}

}  // namespace

bool is_redirect_status(std::int64_t status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

OutgoingRequest redirected_request(OutgoingRequest request, std::int64_t status, std::string_view location) {
  std::string next = resolve(request.url, http1::trim_blanks(location));
  bool to_get =
      (status == 303 && request.method != "HEAD") || ((status == 301 || status == 302) && request.method == "POST");
  if (to_get) {
    request.method = "GET";
    request.body.clear();
  }
  if (!http1::equals_ignoring_case(origin_of(next), origin_of(request.url))) {
    Map<std::string, std::string> kept;
    for (const auto& [name, value] : request.headers) {
      if (http1::equals_ignoring_case(name, "authorization") || http1::equals_ignoring_case(name, "cookie")) continue;
      kept[name] = value;
    }
    request.headers = std::move(kept);
  }
  request.url = std::move(next);
  return request;
}

}  // namespace taskrt::detail
