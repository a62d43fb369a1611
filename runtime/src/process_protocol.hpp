// The bytes between a ProcessPool and its workers, through a MemoryPipe.
// Private to one executable (a program and the copies of itself it starts),
// so it needs no versioning.
//
//   request:  u32 length, u32 task index, arguments (length - 4 bytes)
//   response: u32 length, u8 status, payload (length - 1 bytes)
//             status 0: the encoded result; 1: an error (kind, message, trace)
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

namespace taskrt::detail {

// argv[1] of a worker; argv[2] is the memory limit in bytes, argv[3] the parent's pid.
inline constexpr const char* kWorkerFlag = "--taskrt-worker";
// The worker's end of the socket pair it shares with the pool: the doorbell
// of the memory the calls go through (memory_pipe.hpp), and how each side
// learns that the other has gone.
inline constexpr int kChannelFd = 3;
// That memory (a memfd), mapped by the worker as it starts.
inline constexpr int kMemoryFd = 4;
// Set in every worker's environment: a copy of the program that finds it set
// but did not go through serve_if_worker() must not start workers of its own.
inline constexpr const char* kWorkerEnvironment = "TASKRT_WORKER";
// Whether this process is serving as a worker (serve_if_worker() set it).
bool& serving_as_worker();

// The exit status of a worker that ran out of memory (its --proc-mem limit).
inline constexpr int kOutOfMemoryStatus = 97;

enum class ResponseStatus : std::uint8_t { kOk = 0, kError = 1 };

std::string frame_request(std::uint32_t index, std::string_view arguments);
std::string frame_response(ResponseStatus status, std::string_view payload);
// The length prefix of a frame whose first four bytes are in `header`.
std::uint32_t frame_length(std::string_view header);

// An error as bytes, and back as an exception of the same kind with the same
// message and task trace.
std::string encode_error(const std::exception_ptr& error);
std::exception_ptr decode_error(std::string_view payload);

}  // namespace taskrt::detail
