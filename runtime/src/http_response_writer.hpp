// The bytes of an answer of `serve`: status line, Date, Content-Length (or
// none where RFC 9110 forbids it), Connection, the handler's own fields, and
// the body (not for HEAD). The handler's fields are checked, so no value of
// theirs can split a header or add one (response splitting); the framing
// fields are the server's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "taskrt/values.hpp"

namespace taskrt::http1 {

struct Answer {
  std::int64_t status = 200;
  const Map<std::string, std::string>* headers = nullptr;  // the handler's; may be null
  std::string_view body;
  bool head = false;   // a HEAD request: the headers of the GET answer, no body
  bool close = false;  // the connection ends after this answer
};

// Why the handler's status or fields cannot be sent, or empty when they can.
std::string check_answer(const Answer& answer);

// Appends the answer to `out`; check_answer() said it is valid.
void append_answer(std::string& out, const Answer& answer);

// The reason phrase of a status, "" for one we do not name.
std::string_view reason_phrase(std::int64_t status);

// Now as an IMF-fixdate ("Tue, 01 Dec 2026 17:05:04 GMT"), formatted once a second.
std::string_view http_date();

}  // namespace taskrt::http1
