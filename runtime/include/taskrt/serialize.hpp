// Serialization of the language's values, for `in process` tasks: arguments
// go to a worker process and results come back as bytes.
//
// The format is private to one executable (a program and its own workers), so
// it is plain: little-endian fixed-width scalars, lengths as u64, elements in
// order. Generated code adds encode/decode overloads for each record type
// (found by argument-dependent lookup). Decoding checks every length against
// the bytes left and throws FailedError on a truncated or malformed message.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "taskrt/builtins.hpp"
#include "taskrt/error.hpp"
#include "taskrt/values.hpp"

namespace taskrt {

class Writer {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T>
  void raw(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void bytes(std::string_view data) {
    raw(static_cast<std::uint64_t>(data.size()));
    out_.append(data);
  }
  std::string& buffer() noexcept { return out_; }
  std::string take() noexcept { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) noexcept : data_(data) {}

  template <typename T>
  requires std::is_arithmetic_v<T> T raw() {
    need(sizeof(T));
    T value;
    std::memcpy(&value, data_.data(), sizeof(T));
    data_.remove_prefix(sizeof(T));
    return value;
  }
  std::string_view bytes() {
    auto size = raw<std::uint64_t>();
    need(size);
    std::string_view out = data_.substr(0, static_cast<std::size_t>(size));
    data_.remove_prefix(static_cast<std::size_t>(size));
    return out;
  }
  // A count of elements that each take at least one byte: bounded by what is left.
  std::size_t count() {
    auto n = raw<std::uint64_t>();
    need(n);
    return static_cast<std::size_t>(n);
  }
  bool done() const noexcept { return data_.empty(); }

 private:
  void need(std::uint64_t size) const {
    if (size > data_.size()) throw FailedError("malformed message from another process (truncated)");
  }
  std::string_view data_;
};

// Scalars, strings and durations.
inline void encode(Writer& w, std::int64_t v) {
  w.raw(v);
}
inline void encode(Writer& w, double v) {
  w.raw(v);
}
inline void encode(Writer& w, bool v) {
  w.raw(static_cast<std::uint8_t>(v));
}
inline void encode(Writer& w, const std::string& v) {
  w.bytes(v);
}
inline void encode(Writer& w, Duration v) {
  w.raw(static_cast<std::int64_t>(v.count()));
}
inline void encode(Writer&, Unit) {}

inline void decode(Reader& r, std::int64_t& v) {
  v = r.raw<std::int64_t>();
}
inline void decode(Reader& r, double& v) {
  v = r.raw<double>();
}
inline void decode(Reader& r, bool& v) {
  v = r.raw<std::uint8_t>() != 0;
}
inline void decode(Reader& r, std::string& v) {
  v = std::string(r.bytes());
}
inline void decode(Reader& r, Duration& v) {
  v = Duration(r.raw<std::int64_t>());
}
inline void decode(Reader&, Unit&) {}

// Containers, declared before they are defined so that they nest.
template <typename T>
void encode(Writer& w, const std::vector<T>& v);
template <typename K, typename V>
void encode(Writer& w, const Map<K, V>& m);
template <typename T>
void encode(Writer& w, const std::optional<T>& v);
template <typename... T>
void encode(Writer& w, const std::tuple<T...>& v);
template <typename T>
void decode(Reader& r, std::vector<T>& v);
template <typename K, typename V>
void decode(Reader& r, Map<K, V>& m);
template <typename T>
void decode(Reader& r, std::optional<T>& v);
template <typename... T>
void decode(Reader& r, std::tuple<T...>& v);

template <typename T>
void encode(Writer& w, const std::vector<T>& v) {
  w.raw(static_cast<std::uint64_t>(v.size()));
  for (const T& x : v) encode(w, x);
}
template <typename K, typename V>
void encode(Writer& w, const Map<K, V>& m) {
  w.raw(static_cast<std::uint64_t>(m.size()));
  for (const auto& [key, value] : m) {
    encode(w, key);
    encode(w, value);
  }
}
template <typename T>
void encode(Writer& w, const std::optional<T>& v) {
  encode(w, v.has_value());
  if (v) encode(w, *v);
}
template <typename... T>
void encode(Writer& w, const std::tuple<T...>& v) {
  std::apply([&w](const T&... x) { (encode(w, x), ...); }, v);
}

template <typename T>
void decode(Reader& r, std::vector<T>& v) {
  // Each element is at least a byte, except Unit's: those are capped by count().
  std::size_t n = r.count();
  v.clear();
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    T x{};
    decode(r, x);
    v.push_back(std::move(x));
  }
}
template <typename K, typename V>
void decode(Reader& r, Map<K, V>& m) {
  std::size_t n = r.count();
  m = Map<K, V>();
  for (std::size_t i = 0; i < n; ++i) {
    K key{};
    V value{};
    decode(r, key);
    decode(r, value);
    m[key] = std::move(value);
  }
}
template <typename T>
void decode(Reader& r, std::optional<T>& v) {
  bool present = false;
  decode(r, present);
  v.reset();
  if (present) {
    T x{};
    decode(r, x);
    v = std::move(x);
  }
}
template <typename... T>
void decode(Reader& r, std::tuple<T...>& v) {
  std::apply([&r](T&... x) { (decode(r, x), ...); }, v);
}

// Whole messages.
template <typename... T>
std::string encode_values(const T&... values) {
  Writer w;
  (encode(w, values), ...);
  return w.take();
}
template <typename T>
T decode_value(Reader& r) {
  T value{};
  decode(r, value);
  return value;
}

}  // namespace taskrt
