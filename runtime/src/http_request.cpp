// HttpRequest (http_server.hpp): what a handler uses to read one — route,
// percent_decode — and its printing and serialization, as a record's.
#include <string>
#include <string_view>
#include <vector>

#include "http_syntax.hpp"
#include "taskrt/http_server.hpp"
#include "taskrt/print.hpp"

namespace taskrt {
namespace {

std::vector<std::string_view> segments(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t slash = text.find('/');
    out.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    text.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = http1::hex_digit(text[i + 1]);
      int low = http1::hex_digit(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::optional<Map<std::string, std::string>> route(std::string_view path, std::string_view pattern) {
  // Both from the root, or both relative; then segment by segment.
  if (path.starts_with('/') != pattern.starts_with('/')) return std::nullopt;
  std::vector<std::string_view> have = segments(path);
  std::vector<std::string_view> want = segments(pattern);
  if (have.size() != want.size()) return std::nullopt;
  Map<std::string, std::string> captured;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() >= 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (have[i].empty()) return std::nullopt;
      captured[std::string(want[i].substr(1, want[i].size() - 2))] = percent_decode(have[i], false);
    } else if (want[i] != have[i]) {
      return std::nullopt;
    }
  }
  return captured;
}

std::string format_value(const HttpRequest& request) {
  return "HttpRequest { method: " + format_value(request.method) + ", path: " + format_value(request.path) +
         ", query: " + format_value(request.query) + ", headers: " + format_value(request.headers) +
         ", body: " + format_value(request.body) + " }";
}

void encode(Writer& out, const HttpRequest& request) {
  encode(out, request.method);
  encode(out, request.path);
  encode(out, request.query);
  encode(out, request.headers);
  encode(out, request.body);
}

void decode(Reader& in, HttpRequest& request) {
  decode(in, request.method);
  decode(in, request.path);
  decode(in, request.query);
  decode(in, request.headers);
  decode(in, request.body);
}

}  // namespace taskrt
