// HTTP/1.1 requests from bytes, for `serve` (language-v1 §10): a push parser
// fed whatever a read returned, which may end anywhere — in a request line,
// between two pipelined requests, in a chunk size. RFC 9112, strictly: what
// it cannot read unambiguously it refuses with the status to answer, so that
// no request is read differently here than by a proxy in front of us
// (request smuggling). Bounded: no input makes it hold more than the limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskrt::http1 {

struct RequestLimits {
  std::size_t max_header = 16 * 1024;      // request line and headers (and trailers), bytes: 431
  std::size_t max_body = 8 * 1024 * 1024;  // decoded body, bytes: 413
};

struct ParsedRequest {
  std::string method;
  std::string target;  // as sent: path, then `?query` if any
  int minor_version = 1;
  // Names lower-case, in the order sent; values without surrounding blanks.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;         // after the answer, the connection may serve another request
  bool expects_continue = false;  // `Expect: 100-continue`: answer 100 before reading the body

  // The value of header `name` (lower-case), or nullptr.
  const std::string* header(std::string_view name) const;
};

class RequestParser {
 public:
  enum class State {
    kNeedMore,  // all input consumed; more is needed
    kHeaders,   // the head is complete (request() has all but the body); the body follows
    kComplete,  // a whole request is ready: take() it
    kError,     // refused: error_status() and error_reason() say why; the connection closes
  };

  explicit RequestParser(RequestLimits limits = {}) : limits_(limits) {}

  // Reads from `input`, stopping after a head or a request is complete or on
  // an error; returns how many bytes it used (the rest is the caller's to
  // feed again, such as the next pipelined request).
  std::size_t feed(std::string_view input);

  State state() const noexcept { return state_; }
  const ParsedRequest& request() const noexcept { return request_; }
  // The complete request; the parser then reads the next one.
  ParsedRequest take();

  int error_status() const noexcept { return error_status_; }
  const std::string& error_reason() const noexcept { return error_reason_; }

 private:
  enum class Phase {
    kRequestLine,
    kHeaderLine,
    kBody,  // Content-Length bytes
    kChunkSize,
    kChunkData,
    kChunkDataEnd,  // the CRLF after a chunk's data
    kTrailerLine,
  };

  // One line of the head, without its CRLF (bare LF is refused).
  bool take_line(std::string_view input, std::size_t& used, std::string_view& line);
  // One whole line of the head or the trailers; false when feeding stops here.
  bool head_line(std::string_view line);
  bool request_line(std::string_view line);
  bool header_line(std::string_view line);
  bool head_done();
  bool chunk_size_line(std::string_view line);
  void fail(int status, std::string reason);

  RequestLimits limits_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kRequestLine;
  ParsedRequest request_;
  std::string line_;             // a line begun in an earlier feed
  std::size_t head_bytes_ = 0;   // of the head (or the trailers) so far
  std::uint64_t remaining_ = 0;  // body or chunk bytes still to read
  bool chunked_ = false;
  bool saw_content_length_ = false;
  int error_status_ = 0;
  std::string error_reason_;
};

}  // namespace taskrt::http1
