#include "process_protocol.hpp"

#include <cstring>

#include "taskrt/error.hpp"
#include "taskrt/serialize.hpp"

namespace taskrt::detail {
namespace {

std::string with_length(std::string body) {
  auto length = static_cast<std::uint32_t>(body.size());
  std::string out(sizeof length, '\0');
  std::memcpy(out.data(), &length, sizeof length);
  return out + body;
}

template <typename E>
std::exception_ptr make(const std::string& message, const std::vector<TraceFrame>& trace) {
  E error(message);
  for (const TraceFrame& frame : trace) error.add_frame(frame);
  return std::make_exception_ptr(std::move(error));
}

}  // namespace

bool& serving_as_worker() {
  static bool serving = false;
  return serving;
}

std::string frame_request(std::uint32_t index, std::string_view arguments) {
  Writer w;
  w.raw(index);
  w.buffer().append(arguments);
  return with_length(w.take());
}

std::string frame_response(ResponseStatus status, std::string_view payload) {
  Writer w;
  w.raw(static_cast<std::uint8_t>(status));
  w.buffer().append(payload);
  return with_length(w.take());
}

std::uint32_t frame_length(std::string_view header) {
  std::uint32_t length = 0;
  std::memcpy(&length, header.data(), sizeof length);
  return length;
}

std::string encode_error(const std::exception_ptr& error) {
  Writer w;
  w.raw(static_cast<std::uint8_t>(kind_of(error)));
  w.bytes(message_of(error));
  std::vector<TraceFrame> trace;
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    trace = e.trace();
  } catch (...) {
  }
  w.raw(static_cast<std::uint64_t>(trace.size()));
  for (const TraceFrame& frame : trace) {
    w.bytes(frame.task);
    w.bytes(frame.file);
    w.raw(static_cast<std::int64_t>(frame.line));
  }
  return w.take();
}

std::exception_ptr decode_error(std::string_view payload) {
  Reader r(payload);
  auto kind = static_cast<ErrorKind>(r.raw<std::uint8_t>());
  std::string message(r.bytes());
  std::vector<TraceFrame> trace(r.count());
  for (TraceFrame& frame : trace) {
    frame.task = std::string(r.bytes());
    frame.file = std::string(r.bytes());
    frame.line = static_cast<int>(r.raw<std::int64_t>());
  }
  switch (kind) {
    case ErrorKind::kTimeout: return make<TimeoutError>(message, trace);
    case ErrorKind::kCancelled: return make<CancelledError>(message, trace);
    case ErrorKind::kIoError: return make<IoError>(message, trace);
    case ErrorKind::kHttpError: return make<HttpError>(message, trace);
    case ErrorKind::kWorkerCrashed: return make<WorkerCrashedError>(message, trace);
    case ErrorKind::kArithmetic: return make<ArithmeticError>(message, trace);
    case ErrorKind::kValueError: return make<ValueError>(message, trace);
    case ErrorKind::kDeadlock: return make<DeadlockError>(message, trace);
    case ErrorKind::kFailed: break;
  }
  return make<FailedError>(message, trace);
}

}  // namespace taskrt::detail
