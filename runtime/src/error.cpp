#include "taskrt/error.hpp"

#include <fmt/format.h>

namespace taskrt {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
#define TASKRT_ERROR_KIND(name) \
  case ErrorKind::k##name:      \
    return #name;
#include "taskrt/error_kinds.def"
#undef TASKRT_ERROR_KIND
  }
  return "Failed";
}

std::string Error::describe() const {
  std::string out = fmt::format("{}: {}", error_kind_name(kind_), message_);
  for (const TraceFrame& frame : trace_) {
    out += fmt::format("\n  in {} ({}:{})", frame.task, frame.file, frame.line);
  }
  return out;
}

ErrorKind kind_of(const std::exception_ptr& error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.kind();
  } catch (...) {
    return ErrorKind::kFailed;
  }
}

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown C++ exception";
  }
}

void rethrow_as_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw FailedError(e.what());
  } catch (...) {
    throw FailedError("unknown C++ exception");
  }
}

}  // namespace taskrt
