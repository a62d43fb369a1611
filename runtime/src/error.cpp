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

namespace {

bool same_frame(const TraceFrame& a, const TraceFrame& b) {
  return a.line == b.line && a.task == b.task && a.file == b.file;
}

// How many times the `period` frames at `at` repeat right after themselves.
std::size_t repeats_after(const std::vector<TraceFrame>& trace, std::size_t at, std::size_t period) {
  std::size_t repeats = 0;
  while (at + (repeats + 2) * period <= trace.size()) {
    std::size_t next = at + (repeats + 1) * period;
    for (std::size_t k = 0; k < period; ++k) {
      if (!same_frame(trace[at + k], trace[next + k])) return repeats;
    }
    ++repeats;
  }
  return repeats;
}

// Recursion repeats a frame, or a cycle of a few: longer cycles than this are
// printed as they are.
constexpr std::size_t kLongestFoldedCycle = 4;

}  // namespace

std::string Error::describe() const {
  std::string out = fmt::format("{}: {}", error_kind_name(kind_), message_);
  for (std::size_t i = 0; i < trace_.size();) {
    // Deep recursion would print every level: the repeats of a frame (or of a
    // short cycle of frames) are counted, not printed, as Python does.
    std::size_t period = 1;
    std::size_t repeats = 0;
    for (std::size_t p = 1; p <= kLongestFoldedCycle && repeats == 0; ++p) {
      std::size_t r = repeats_after(trace_, i, p);
      if (r >= 2) {
        period = p;
        repeats = r;
      }
    }
    for (std::size_t k = 0; k < period; ++k) {
      const TraceFrame& frame = trace_[i + k];
      out += fmt::format("\n  in {} ({}:{})", frame.task, frame.file, frame.line);
    }
    if (repeats > 0) {
      out += period == 1 ? fmt::format("\n  [the frame above repeated {} more times]", repeats)
                         : fmt::format("\n  [the {} frames above repeated {} more times]", period, repeats);
    }
    i += period * (repeats + 1);
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
