// HTTP/1.1 request parsing (http_request_parser.hpp), by RFC 9112.
#include "http_request_parser.hpp"

#include <algorithm>
#include <cstring>

#include "http_syntax.hpp"

namespace taskrt::http1 {
namespace {

constexpr std::size_t kMostMethodBytes = 32;
constexpr std::size_t kMostChunkLineBytes = 1024;

// Room reserved for a request's headers: a browser's usual dozen.
constexpr std::size_t kUsualHeaders = 12;

}  // namespace

const std::string* ParsedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

void RequestParser::fail(int status, std::string reason) {
  state_ = State::kError;
  error_status_ = status;
  error_reason_ = std::move(reason);
}

ParsedRequest RequestParser::take() {
  ParsedRequest done = std::move(request_);
  request_ = ParsedRequest{};
  state_ = State::kNeedMore;
  phase_ = Phase::kRequestLine;
  line_.clear();
  head_bytes_ = 0;
  remaining_ = 0;
  chunked_ = false;
  saw_content_length_ = false;
  return done;
}

bool RequestParser::take_line(std::string_view input, std::size_t& used, std::string_view& line) {
  bool in_head = phase_ == Phase::kRequestLine || phase_ == Phase::kHeaderLine || phase_ == Phase::kTrailerLine;
  std::size_t most = in_head ? limits_.max_header : kMostChunkLineBytes;
  std::size_t already = in_head ? head_bytes_ : line_.size();
  std::string_view rest = input.substr(used);
  std::size_t newline = rest.find('\n');
  std::size_t length = newline == std::string_view::npos ? rest.size() : newline + 1;
  if (already + length > most) {
    if (phase_ == Phase::kRequestLine) {
      fail(414, "the request line is longer than the server takes");
    } else if (in_head) {
      fail(431, "the request's header fields are larger than the server takes");
    } else {
      fail(400, "a chunk size line is too long");
    }
    return false;
  }
  if (rest.substr(0, length).find('\0') != std::string_view::npos) {
    fail(400, "a NUL byte in the request's head");
    return false;
  }
  if (in_head) head_bytes_ += length;
  used += length;
  if (newline == std::string_view::npos) {
    line_.append(rest);
    return false;
  }
  // A line ends with CRLF; a bare LF, or a CR anywhere else, is refused.
  std::string_view piece = rest.substr(0, newline);
  if (line_.empty()) {
    line = piece;
  } else {
    line_.append(piece);
    line = line_;
  }
  if (line.empty() || line.back() != '\r') {
    fail(400, "a line of the request ends without CR LF");
    return false;
  }
  line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos) {
    fail(400, "a CR inside a line of the request");
    return false;
  }
  return true;
}

bool RequestParser::request_line(std::string_view line) {
  std::size_t first = line.find(' ');
  if (first == std::string_view::npos || first == 0) {
    fail(400, "a malformed request line");
    return false;
  }
  std::string_view method = line.substr(0, first);
  if (method.size() > kMostMethodBytes || !is_token(method)) {
    fail(400, method.size() > kMostMethodBytes ? "the method is too long" : "a malformed method");
    return false;
  }
  std::string_view rest = line.substr(first + 1);
  std::size_t second = rest.find(' ');
  if (second == std::string_view::npos || second == 0) {
    fail(400, "a malformed request line");
    return false;
  }
  std::string_view target = rest.substr(0, second);
  std::string_view version = rest.substr(second + 1);
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      fail(400, "a malformed request target");
      return false;
    }
  }
  if (target != "*" && target.front() != '/' && target.find("://") == std::string_view::npos) {
    fail(400, "a malformed request target");
    return false;
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9') {
    fail(400, "a malformed HTTP version");
    return false;
  }
  if (version[5] != '1') {
    fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
    return false;
  }
  request_.method = method;
  request_.target = target;
  request_.minor_version = version[7] - '0';
  request_.keep_alive = request_.minor_version >= 1;
  phase_ = Phase::kHeaderLine;
  return true;
}

bool RequestParser::header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    fail(400, "a folded header line (obsolete line folding)");
    return false;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    fail(400, "a malformed header line");
    return false;
  }
  std::string_view value = trim_blanks(line.substr(colon + 1));
  if (!is_field_value(value)) {
    fail(400, "a control character in a header value");
    return false;
  }
  // Room for all at once, not a reallocation every few.
  if (request_.headers.empty()) request_.headers.reserve(kUsualHeaders);
  request_.headers.emplace_back(lower(line.substr(0, colon)), std::string(value));
  return true;
}

bool RequestParser::head_done() {
  std::size_t hosts = 0;
  std::string transfer_encoding;
  std::size_t transfer_encodings = 0;
  std::uint64_t content_length = 0;
  for (const auto& [name, value] : request_.headers) {
    if (name == "host") {
      ++hosts;
    } else if (name == "transfer-encoding") {
      ++transfer_encodings;
      transfer_encoding = value;
    } else if (name == "content-length") {
      // Repeated, or a list, it must say one length.
      for (std::string_view element : list_elements(value)) {
        std::uint64_t length = 0;
        bool too_large = false;
        if (!parse_decimal(element, UINT64_MAX / 2, length, too_large)) {
          fail(too_large ? 413 : 400,
               too_large ? "the body is larger than the server takes" : "a malformed Content-Length");
          return false;
        }
        if (saw_content_length_ && length != content_length) {
          fail(400, "conflicting Content-Length values");
          return false;
        }
        saw_content_length_ = true;
        content_length = length;
      }
      if (list_elements(value).empty()) {
        fail(400, "a malformed Content-Length");
        return false;
      }
    } else if (name == "connection") {
      for (std::string_view option : list_elements(value)) {
        if (equals_ignoring_case(option, "close")) request_.keep_alive = false;
        if (equals_ignoring_case(option, "keep-alive") && request_.minor_version == 0) request_.keep_alive = true;
      }
    } else if (name == "expect") {
      if (!equals_ignoring_case(value, "100-continue")) {
        fail(417, "an expectation the server cannot meet");
        return false;
      }
      request_.expects_continue = request_.minor_version >= 1;
    }
  }
  if (request_.minor_version >= 1 && hosts != 1) {
    fail(400, hosts == 0 ? "an HTTP/1.1 request without Host" : "more than one Host");
    return false;
  }
  // Length and framing must be unambiguous, or a proxy in front of us might
  // read the body differently (request smuggling).
  if (transfer_encodings > 0) {
    if (saw_content_length_) {
      fail(400, "both Transfer-Encoding and Content-Length");
      return false;
    }
    if (request_.minor_version == 0) {
      fail(400, "Transfer-Encoding in an HTTP/1.0 request");
      return false;
    }
    if (transfer_encodings > 1 || !equals_ignoring_case(trim_blanks(transfer_encoding), "chunked")) {
      fail(501, "a transfer coding other than chunked");
      return false;
    }
    chunked_ = true;
    phase_ = Phase::kChunkSize;
    state_ = State::kHeaders;
    return true;
  }
  if (content_length > limits_.max_body) {
    fail(413, "the body is larger than the server takes");
    return false;
  }
  if (content_length > 0) {
    remaining_ = content_length;
    request_.body.reserve(static_cast<std::size_t>(content_length));
    phase_ = Phase::kBody;
    state_ = State::kHeaders;
    return true;
  }
  state_ = State::kComplete;
  return true;
}

bool RequestParser::chunk_size_line(std::string_view line) {
  std::uint64_t value = 0;
  if (!parse_chunk_size(line, value)) {
    fail(400, "a malformed chunk size");
    return false;
  }
  line_.clear();
  if (value == 0) {
    head_bytes_ = 0;  // the trailers count against the header limit afresh
    phase_ = Phase::kTrailerLine;
    return true;
  }
  if (value > limits_.max_body - request_.body.size()) {
    fail(413, "the body is larger than the server takes");
    return false;
  }
  remaining_ = value;
  phase_ = Phase::kChunkData;
  return true;
}

bool RequestParser::head_line(std::string_view line) {
  if (phase_ == Phase::kRequestLine) {
    // An empty line before a request is allowed (RFC 9112 §2.2).
    return line.empty() || request_line(line);
  }
  if (phase_ == Phase::kHeaderLine) {
    if (!line.empty()) return header_line(line);
    head_done();  // the head is complete, refused, or followed by a body
    return false;
  }
  // A trailer field is read past (they are not part of the request here).
  if (!line.empty()) return true;
  state_ = State::kComplete;
  return false;
}

std::size_t RequestParser::feed(std::string_view input) {
  if (state_ == State::kError || state_ == State::kComplete) return 0;
  if (state_ == State::kHeaders) state_ = State::kNeedMore;
  std::size_t used = 0;
  while (used < input.size()) {
    switch (phase_) {
      case Phase::kRequestLine:
      case Phase::kHeaderLine:
      case Phase::kTrailerLine: {
        std::string_view line;
        if (!take_line(input, used, line)) return used;
        bool go_on = head_line(line);
        line_.clear();  // only now: `line` may be a view of it (a line that came in pieces)
        if (!go_on) return used;
        break;
      }
      case Phase::kBody:
      case Phase::kChunkData: {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size() - used));
        request_.body.append(input.substr(used, n));
        used += n;
        remaining_ -= n;
        if (remaining_ > 0) return used;
        if (phase_ == Phase::kBody) {
          state_ = State::kComplete;
          return used;
        }
        phase_ = Phase::kChunkDataEnd;
        break;
      }
      case Phase::kChunkDataEnd: {
        // Exactly CR LF after a chunk's data, which may arrive split.
        line_.push_back(input[used++]);
        if (line_.size() < 2) break;
        if (line_ != "\r\n") {
          fail(400, "a chunk's data is not followed by CR LF");
          return used;
        }
        line_.clear();
        phase_ = Phase::kChunkSize;
        break;
      }
      case Phase::kChunkSize: {
        std::string_view line;
        if (!take_line(input, used, line)) return used;
        std::string copy(line);
        if (!chunk_size_line(copy)) return used;
        break;
      }
    }
  }
  return used;
}

}  // namespace taskrt::http1
