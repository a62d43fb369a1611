// Answers of `serve` as bytes (http_response_writer.hpp).
#include "http_response_writer.hpp"

#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "http_syntax.hpp"

namespace taskrt::http1 {

using namespace std::string_view_literals;

namespace {

// Fields whose meaning is the framing of the connection: the server writes them.
bool is_framing_field(std::string_view name) {
  for (std::string_view framing :
       {"content-length", "transfer-encoding", "connection", "date", "keep-alive", "upgrade", "trailer"}) {
    if (equals_ignoring_case(name, framing)) return true;
  }
  return false;
}

// RFC 9110 §6.4.1: no content in these; §8.6: no Content-Length in 1xx or 204
// (and in a 304 it would describe the GET answer, which we do not know).
bool has_no_content(std::int64_t status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace

std::string_view reason_phrase(std::int64_t status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

std::string_view http_date() {
  // One formatting a second per thread; the loop thread is the only caller in practice.
  thread_local std::time_t formatted_at = -1;
  thread_local char text[64];
  thread_local std::size_t length = 0;
  std::time_t now = std::time(nullptr);
  if (now != formatted_at) {
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    formatted_at = now;
  }
  return {text, length};
}

std::string check_answer(const Answer& answer) {
  if (answer.status < 200 || answer.status > 599) {
    return fmt::format("the handler answered status {}, which is not a final HTTP status (200 to 599)", answer.status);
  }
  if (has_no_content(answer.status) && !answer.body.empty()) {
    return fmt::format("the handler answered status {} with a body, which that status cannot have", answer.status);
  }
  if (answer.headers == nullptr) return {};
  for (const auto& [name, value] : *answer.headers) {
    if (!is_token(name))
      return fmt::format("the handler answered a header named `{}`, which is not a field name", name);
    if (!is_field_value(value)) {
      return fmt::format("the handler answered header `{}` with a value holding a line break or control character",
                         name);
    }
  }
  return {};
}

void append_answer(std::string& out, const Answer& answer) {
  // Appended piece by piece: this runs once per answer, and a format string
  // costs as much as the rest.
  char number[24];
  auto decimal = [&](std::uint64_t value) {
    auto end = std::to_chars(number, number + sizeof number, value).ptr;
    out.append(number, static_cast<std::size_t>(end - number));
  };
  out += "HTTP/1.1 "sv;
  decimal(static_cast<std::uint64_t>(answer.status));
  out += ' ';
  out += reason_phrase(answer.status);
  out += "\r\nDate: "sv;
  out += http_date();
  out += "\r\n"sv;
  if (!has_no_content(answer.status)) {
    out += "Content-Length: "sv;
    decimal(answer.body.size());
    out += "\r\n"sv;
  }
  if (answer.close) out += "Connection: close\r\n"sv;
  if (answer.headers != nullptr) {
    for (const auto& [name, value] : *answer.headers) {
      if (is_framing_field(name)) continue;
      out += name;
      out += ": "sv;
      out += value;
      out += "\r\n"sv;
    }
  }
  out += "\r\n"sv;
  if (!answer.head && !has_no_content(answer.status)) out += answer.body;
}

}  // namespace taskrt::http1
