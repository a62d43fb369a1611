// The error hierarchy: every failure that crosses a `co_await` is a
// taskrt::Error with a kind, a message and a task trace (the chain of source
// locations of the calls that led to it, innermost first).
//
// Errors are ordinary values; copying one copies its trace. Thread-compatible.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace taskrt {

enum class ErrorKind : std::uint8_t {
#define TASKRT_ERROR_KIND(name) k##name,
#include "taskrt/error_kinds.def"
#undef TASKRT_ERROR_KIND
};

// "Timeout", "Cancelled", …: the names the language uses.
std::string_view error_kind_name(ErrorKind kind);

// A set of kinds, as used by `retry … on` and `catch`.
using ErrorKindSet = std::uint32_t;
constexpr ErrorKindSet kind_bit(ErrorKind kind) {
  return 1u << static_cast<unsigned>(kind);
}
// What a `catch` without kinds catches, and `retry` without kinds retries.
constexpr ErrorKindSet kAnyButCancelled = ~kind_bit(ErrorKind::kCancelled);
constexpr ErrorKindSet kRetryableByDefault = kAnyButCancelled;

// One step of a task trace: `fetch` called at crawl.task:12.
struct TraceFrame {
  std::string task;
  std::string file;
  int line = 0;
};

class Error : public std::exception {
 public:
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& message() const noexcept { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }
  const std::vector<TraceFrame>& trace() const noexcept { return trace_; }

  // Appends the caller's frame as the error travels outward.
  void add_frame(TraceFrame frame) { trace_.push_back(std::move(frame)); }
  // "Timeout: fetch timed out after 5s\n  in fetch (crawl.task:12)\n …"
  std::string describe() const;

 private:
  ErrorKind kind_;
  std::string message_;
  std::vector<TraceFrame> trace_;
};

class TimeoutError : public Error {
 public:
  explicit TimeoutError(std::string message) : Error(ErrorKind::kTimeout, std::move(message)) {}
};
class CancelledError : public Error {
 public:
  explicit CancelledError(std::string message = "cancelled") : Error(ErrorKind::kCancelled, std::move(message)) {}
};
class FailedError : public Error {
 public:
  explicit FailedError(std::string message) : Error(ErrorKind::kFailed, std::move(message)) {}
};
class IoError : public Error {
 public:
  explicit IoError(std::string message) : Error(ErrorKind::kIoError, std::move(message)) {}
};
class HttpError : public Error {
 public:
  explicit HttpError(std::string message) : Error(ErrorKind::kHttpError, std::move(message)) {}
};
class WorkerCrashedError : public Error {
 public:
  explicit WorkerCrashedError(std::string message) : Error(ErrorKind::kWorkerCrashed, std::move(message)) {}
};
class ArithmeticError : public Error {
 public:
  explicit ArithmeticError(std::string message) : Error(ErrorKind::kArithmetic, std::move(message)) {}
};
// Malformed data: text that is not a number, a bad format spec.
class ValueError : public Error {
 public:
  explicit ValueError(std::string message) : Error(ErrorKind::kValueError, std::move(message)) {}
};
// Every task waits on another and nothing can wake one (parked_waits.hpp).
class DeadlockError : public Error {
 public:
  explicit DeadlockError(std::string message) : Error(ErrorKind::kDeadlock, std::move(message)) {}
};

// The kind of any exception: an Error's own kind; any other C++ exception is
// `Failed` (an extern task's C++ exception, per the language).
ErrorKind kind_of(const std::exception_ptr& error) noexcept;
// The message of any exception.
std::string message_of(const std::exception_ptr& error);
// Rethrows `error` as a taskrt::Error: Errors as they are, anything else as a
// FailedError carrying its what().
[[noreturn]] void rethrow_as_error(const std::exception_ptr& error);

}  // namespace taskrt
