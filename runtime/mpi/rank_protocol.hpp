// The messages between rank 0 (which runs `main`) and the ranks that serve its
// `in process` calls. Private to one executable started N times, so it needs
// no versioning. Integers are little-endian, as serialize.hpp writes them.
//
//   kReady     serving rank → 0: u32 its worker processes
//   kRequest   0 → serving rank: u64 call id, u32 task index, the encoded arguments
//   kResponse  serving rank → 0: u64 call id, u8 status (0 result, 1 error), the
//              encoded result or error (process_protocol.hpp's encode_error)
//   kCancel    0 → serving rank: u64 call id; no response follows
//   kShutdown  0 → serving rank: no more calls; the rank answers kShutdown
//              when its calls have ended, the last message it sends
//   kOutput    serving rank → 0: u8 1 (stdout) or 2 (stderr), then what its
//              workers printed there (output_relay.hpp); a call's comes
//              before its kResponse
//   kWritten   0 → serving rank: u64 bytes of its kOutput written (the
//              relay reads no more while too much is unwritten)
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace taskrt::mpi {

enum Tag : int { kReady = 1, kRequest = 2, kResponse = 3, kCancel = 4, kShutdown = 5, kOutput = 6, kWritten = 7 };

inline void put_u64(std::string& out, std::uint64_t value) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out.append(bytes, 8);
}
inline void put_u32(std::string& out, std::uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out.append(bytes, 4);
}
// Reads a fixed-size integer at `offset`; 0 past the end (a malformed
// message from our own executable would be a bug, not an attack).
template <typename T>
T get_at(std::string_view bytes, std::size_t offset) {
  T value{};
  if (bytes.size() >= offset + sizeof(T)) std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

}  // namespace taskrt::mpi
