// HTTP/1.1 responses from bytes, for the client's own path for plain http://
// (plain_http_client.hpp): a push parser fed whatever a read returned, like
// RequestParser, with a response's framing (RFC 9112 §6.3). It is lenient
// where curl is, so that a server works the same through either client: a
// line may end with a bare LF, a reason phrase may be missing. Bounded: no
// input makes it hold more than the limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskrt::http1 {

struct ResponseLimits {
  std::size_t max_header = std::size_t{256} << 10;       // status line and headers (and trailers), bytes
  std::size_t max_header_line = std::size_t{100} << 10;  // one line of them, bytes
  std::uint64_t max_body = 0;                            // bytes; 0: no limit
};

struct ParsedResponse {
  int status = 0;
  int minor_version = 1;
  // Names lower-case, in the order received; values without surrounding blanks.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;  // the connection may carry another request
};

class ResponseParser {
 public:
  enum class State {
    kNeedMore,  // all input consumed; more is needed
    kComplete,  // the response is whole: take() it
    kError,     // refused: error() and error_reason() say why
  };
  enum class Error { kNone, kMalformed, kHeadersTooLarge, kBodyTooLarge, kCutShort };

  // `head_request`: the answer to HEAD has no body, whatever its headers say.
  ResponseParser(ResponseLimits limits, bool head_request) : limits_(limits), head_request_(head_request) {}

  // Reads from `input`, stopping when the response is complete or on an
  // error; returns how many bytes it used (more is the server's mistake).
  std::size_t feed(std::string_view input);
  // The server closed the connection: a body that runs to the close is now
  // complete; anything else unfinished was cut short.
  void end_of_input();

  State state() const noexcept { return state_; }
  // Whether any byte of a response has arrived.
  bool started() const noexcept { return started_; }
  ParsedResponse take() { return std::move(response_); }
  Error error() const noexcept { return error_; }
  const std::string& error_reason() const noexcept { return error_reason_; }

 private:
  enum class Phase {
    kStatusLine,
    kHeaderLine,
    kBody,         // Content-Length bytes
    kBodyToClose,  // everything until the server closes
    kChunkSize,
    kChunkData,
    kChunkDataEnd,  // the line break after a chunk's data
    kTrailerLine,
  };

  // One line without its line break; false when feeding stops here.
  bool take_line(std::string_view input, std::size_t& used, std::string_view& line);
  bool head_line(std::string_view line);
  bool status_line(std::string_view line);
  bool header_line(std::string_view line);
  bool head_done();
  bool chunk_size_line(std::string_view line);
  bool append_body(std::string_view bytes);
  void complete() noexcept { state_ = State::kComplete; }
  void fail(Error error, std::string reason);

  ResponseLimits limits_;
  bool head_request_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kStatusLine;
  ParsedResponse response_;
  bool started_ = false;
  std::string line_;             // a line begun in an earlier feed
  std::size_t head_bytes_ = 0;   // of the heads (and trailers) so far
  std::uint64_t remaining_ = 0;  // body or chunk bytes still to read
  Error error_ = Error::kNone;
  std::string error_reason_;
};

}  // namespace taskrt::http1
