// HTTP/1.1 response parsing (http_response_parser.hpp), by RFC 9112.
#include "http_response_parser.hpp"

#include <algorithm>

#include "ascii.hpp"
#include "http_syntax.hpp"

namespace taskrt::http1 {
namespace {

constexpr std::size_t kMostChunkLineBytes = 1024;
// Room reserved for a body whose length is announced, at most: a server's
// word is not a reason to take gigabytes before they arrive.
constexpr std::uint64_t kMostReserved = std::uint64_t{64} << 20;

constexpr std::string_view kVersionPrefix = "HTTP/";

}  // namespace

void ResponseParser::fail(Error error, std::string reason) {
  state_ = State::kError;
  error_ = error;
  error_reason_ = std::move(reason);
}

bool ResponseParser::take_line(std::string_view input, std::size_t& used, std::string_view& line) {
  bool in_head = phase_ == Phase::kStatusLine || phase_ == Phase::kHeaderLine || phase_ == Phase::kTrailerLine;
  std::size_t most = in_head ? limits_.max_header : kMostChunkLineBytes;
  std::size_t already = in_head ? head_bytes_ : line_.size();
  std::string_view rest = input.substr(used);
  std::size_t newline = rest.find('\n');
  std::size_t length = newline == std::string_view::npos ? rest.size() : newline + 1;
  if (already + length > most || (in_head && line_.size() + length > limits_.max_header_line)) {
    if (in_head) {
      fail(Error::kHeadersTooLarge, "the response's headers are too large");
    } else {
      fail(Error::kMalformed, "a chunk size line is too long");
    }
    return false;
  }
  if (in_head && rest.substr(0, length).find('\0') != std::string_view::npos) {
    fail(Error::kMalformed, "a NUL byte in the response's head");
    return false;
  }
  if (in_head) head_bytes_ += length;
  used += length;
  if (newline == std::string_view::npos) {
    line_.append(rest);
    // Something that is not HTTP at all fails at its first bytes, not when
    // (if ever) a line break comes.
    std::string_view begun = std::string_view(line_).substr(0, kVersionPrefix.size());
    if (phase_ == Phase::kStatusLine && !kVersionPrefix.starts_with(begun)) {
      fail(Error::kMalformed, "the answer is not an HTTP/1.x response");
    }
    return false;
  }
  std::string_view piece = rest.substr(0, newline);
  if (line_.empty()) {
    line = piece;
  } else {
    line_.append(piece);
    line = line_;
  }
  // CR LF, or a bare LF as curl takes it.
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

bool ResponseParser::status_line(std::string_view line) {
  // HTTP/1.x SP 3DIGIT [ SP reason-phrase ]
  bool valid = line.size() >= 12 && line.starts_with(kVersionPrefix) && line[5] == '1' && line[6] == '.' &&
               ascii::is_digit(line[7]) && line[8] == ' ' && line[9] >= '1' && line[9] <= '9' &&
               ascii::is_digit(line[10]) && ascii::is_digit(line[11]) && (line.size() == 12 || line[12] == ' ');
  if (!valid) {
    fail(Error::kMalformed,
         line.starts_with(kVersionPrefix) ? "a malformed status line" : "the answer is not an HTTP/1.x response");
    return false;
  }
  response_.minor_version = line[7] - '0';
  response_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  phase_ = Phase::kHeaderLine;
  return true;
}

bool ResponseParser::header_line(std::string_view line) {
  // An obsolete folded line continues the value before it.
  if ((line.front() == ' ' || line.front() == '\t') && !response_.headers.empty()) {
    std::string_view more = trim_blanks(line);
    if (!more.empty()) (response_.headers.back().second += ' ') += more;
    return true;
  }
  std::size_t colon = line.find(':');
  // A line that is not a field is passed over, as curl does.
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return true;
  response_.headers.emplace_back(lower(line.substr(0, colon)), std::string(trim_blanks(line.substr(colon + 1))));
  return true;
}

bool ResponseParser::head_done() {
  int status = response_.status;
  if (status < 200) {
    if (status == 101) {
      fail(Error::kMalformed, "the server switched protocols, which the request did not ask for");
      return false;
    }
    // An interim response (103 Early Hints, a 100 nobody asked for): the
    // final one follows.
    response_.headers.clear();
    head_bytes_ = 0;
    phase_ = Phase::kStatusLine;
    return true;
  }
  bool close = false;
  bool keep_alive_asked = false;
  std::string_view last_coding;
  bool has_transfer_encoding = false;
  bool has_content_length = false;
  std::uint64_t content_length = 0;
  for (const auto& [name, value] : response_.headers) {
    if (name == "transfer-encoding") {
      has_transfer_encoding = true;
      std::vector<std::string_view> codings = list_elements(value);
      if (!codings.empty()) last_coding = codings.back();
    } else if (name == "content-length") {
      for (std::string_view element : list_elements(value)) {
        std::uint64_t length = 0;
        bool too_large = false;
        if (!parse_decimal(element, UINT64_MAX / 2, length, too_large) ||
            (has_content_length && length != content_length)) {
          fail(Error::kMalformed, "a malformed or conflicting Content-Length");
          return false;
        }
        has_content_length = true;
        content_length = length;
      }
    } else if (name == "connection") {
      for (std::string_view option : list_elements(value)) {
        if (equals_ignoring_case(option, "close")) close = true;
        if (equals_ignoring_case(option, "keep-alive")) keep_alive_asked = true;
      }
    }
  }
  response_.keep_alive = !close && (response_.minor_version >= 1 || keep_alive_asked);
  if (head_request_ || status == 204 || status == 304) {
    complete();
    return false;
  }
  // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3).
  if (has_transfer_encoding) {
    if (equals_ignoring_case(last_coding, "chunked")) {
      phase_ = Phase::kChunkSize;
    } else {
      phase_ = Phase::kBodyToClose;
      response_.keep_alive = false;
    }
    return true;
  }
  if (has_content_length) {
    if (limits_.max_body != 0 && content_length > limits_.max_body) {
      fail(Error::kBodyTooLarge, "the response body is larger than the limit");
      return false;
    }
    if (content_length == 0) {
      complete();
      return false;
    }
    remaining_ = content_length;
    response_.body.reserve(static_cast<std::size_t>(std::min(content_length, kMostReserved)));
    phase_ = Phase::kBody;
    return true;
  }
  phase_ = Phase::kBodyToClose;
  response_.keep_alive = false;
  return true;
}

bool ResponseParser::chunk_size_line(std::string_view line) {
  std::uint64_t value = 0;
  if (!parse_chunk_size(line, value)) {
    fail(Error::kMalformed, "a malformed chunk size");
    return false;
  }
  if (value == 0) {
    head_bytes_ = 0;  // the trailers count against the header limit afresh
    phase_ = Phase::kTrailerLine;
    return true;
  }
  if (limits_.max_body != 0 && value > limits_.max_body - response_.body.size()) {
    fail(Error::kBodyTooLarge, "the response body is larger than the limit");
    return false;
  }
  remaining_ = value;
  phase_ = Phase::kChunkData;
  return true;
}

bool ResponseParser::append_body(std::string_view bytes) {
  if (limits_.max_body != 0 && bytes.size() > limits_.max_body - response_.body.size()) {
    fail(Error::kBodyTooLarge, "the response body is larger than the limit");
    return false;
  }
  response_.body.append(bytes);
  return true;
}

bool ResponseParser::head_line(std::string_view line) {
  switch (phase_) {
    case Phase::kStatusLine: return status_line(line);
    case Phase::kHeaderLine: return line.empty() ? head_done() : header_line(line);
    default:
      // Trailer fields join the headers, as curl's path gives them; an empty
      // line ends the response.
      if (!line.empty()) return header_line(line);
      complete();
      return false;
  }
}

std::size_t ResponseParser::feed(std::string_view input) {
  if (state_ != State::kNeedMore) return 0;
  if (!input.empty()) started_ = true;
  std::size_t used = 0;
  while (used < input.size()) {
    switch (phase_) {
      case Phase::kStatusLine:
      case Phase::kHeaderLine:
      case Phase::kTrailerLine: {
        std::string_view line;
        if (!take_line(input, used, line)) return used;
        bool go_on = head_line(line);
        line_.clear();  // only now: `line` may be a view of it
        if (!go_on) return used;
        break;
      }
      case Phase::kBody:
      case Phase::kChunkData: {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size() - used));
        if (!append_body(input.substr(used, n))) return used;
        used += n;
        remaining_ -= n;
        if (remaining_ > 0) return used;
        if (phase_ == Phase::kBody) {
          complete();
          return used;
        }
        phase_ = Phase::kChunkDataEnd;
        break;
      }
      case Phase::kBodyToClose: {
        if (!append_body(input.substr(used))) return used;
        return input.size();
      }
      case Phase::kChunkDataEnd: {
        // CR LF (or a bare LF) after a chunk's data, which may arrive split.
        char c = input[used++];
        if (c == '\r' && line_.empty()) {
          line_.push_back(c);
        } else if (c == '\n') {
          line_.clear();
          phase_ = Phase::kChunkSize;
        } else {
          fail(Error::kMalformed, "a chunk's data is not followed by a line break");
          return used;
        }
        break;
      }
      case Phase::kChunkSize: {
        std::string_view line;
        if (!take_line(input, used, line)) return used;
        std::string copy(line);
        line_.clear();
        if (!chunk_size_line(copy)) return used;
        break;
      }
    }
  }
  return used;
}

void ResponseParser::end_of_input() {
  if (state_ != State::kNeedMore) return;
  if (phase_ == Phase::kBodyToClose) return complete();
  fail(Error::kCutShort, started_ ? "the server closed the connection before the response was complete"
                                  : "the server closed the connection without answering");
}

}  // namespace taskrt::http1
