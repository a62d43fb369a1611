// JSON (§4 of the language): json_decode[T](text) into the program's own
// types, json_encode(value[, indent]) out of them.
//
// The text is parsed and validated whole by simdjson (UTF-8 included, nesting
// at most kMaxDepth); decoding then walks the parsed document along the type.
// json_read and json_write overloads exist for every type of the language
// that JSON can hold; generated code adds one pair per record (found by
// argument-dependent lookup, like format_value). simdjson stays out of this
// header: generated programs compile without it, and another backend can call
// the same functions.
//
// Decoding and encoding are pure and thread-safe (each thread parses with its
// own parser). Every failure is a ValueError naming where it happened:
//   json_decode: $.items[3].price: expected float, found string "12.5"
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "taskrt/time.hpp"
#include "taskrt/values.hpp"

namespace taskrt::json {

// Deeper nesting is refused before decoding starts, whatever the type.
inline constexpr std::size_t kMaxDepth = 1024;

// A value in a parsed document, and the way to it from the root ($), for
// messages. Values live on the decoder's stack; each points to its parent.
class Value {
 public:
  bool is_null() const;
  // Each fails unless the value is of that kind. An int is a number without
  // fraction or exponent that fits in 64 bits; a float is any number.
  std::int64_t to_int() const;
  double to_float() const;
  bool to_bool() const;
  std::string_view to_str() const;
  // A duration as the language writes it: "250ms", "1.5s".
  Duration to_duration() const;

  // "$.items[3].price", or "$" for the root.
  std::string path() const;
  // ValueError "json_decode: <path>: expected <what>, found <this value>".
  [[noreturn]] void expected(std::string_view what) const;
  // ValueError "json_decode: <path>: <problem>".
  [[noreturn]] void fail(std::string_view problem) const;

 private:
  friend class Document;
  friend class Array;
  friend class Object;

  // simdjson's element (a document pointer and a tape index), kept as bytes.
  alignas(8) unsigned char element_[16] = {};
  const Value* parent_ = nullptr;
  std::string_view key_;     // the key in the parent object, if there is one
  std::int64_t index_ = -1;  // the index in the parent array, if there is one
};

// The elements of an array value, in order: while (items.next()) … items.value().
class Array {
 public:
  explicit Array(const Value& array);  // fails unless `array` is an array
  std::size_t size() const noexcept { return size_; }
  bool next();
  const Value& value() const noexcept { return current_; }

 private:
  alignas(8) unsigned char at_[16] = {};
  alignas(8) unsigned char end_[16] = {};
  std::size_t size_ = 0;
  Value current_;
};

// The members of an object value, in the text's order (a repeated key comes
// again: the last one wins where it is stored).
class Object {
 public:
  explicit Object(const Value& object);  // fails unless `object` is an object
  bool next();
  std::string_view key() const noexcept { return current_.key_; }
  const Value& value() const noexcept { return current_; }
  // ValueError "json_decode: <path>: missing key "<key>"".
  [[noreturn]] void missing(std::string_view key) const;

 private:
  alignas(8) unsigned char at_[16] = {};
  alignas(8) unsigned char end_[16] = {};
  const Value& object_;
  Value current_;
};

// A parsed text. Only one document per thread is alive at a time (the
// thread's parser holds it): decoders never parse while they decode.
class Document {
 public:
  explicit Document(const std::string& text);  // ValueError if not valid JSON
  ~Document();                                 // frees the parser's buffers if this text made them large
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  const Value& root() const noexcept { return root_; }

 private:
  Value root_;
};

// Text being written: compact, or with `indent` spaces per level.
class Writer {
 public:
  explicit Writer(std::int64_t indent = -1);
  void null();
  void value(std::int64_t number);
  void value(double number);  // ValueError for NaN and infinity
  void value(bool flag);
  void value(std::string_view text);  // ValueError for invalid UTF-8
  void value(Duration duration);      // "250ms"
  void begin_array();
  void end_array();
  void begin_object();
  void key(std::string_view name);  // inside an object, before its value
  void end_object();
  std::string take();

 private:
  void before_value();
  void newline();
  void close(char bracket);

  std::string out_;
  std::int64_t indent_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// --- Decoding ------------------------------------------------------------------

inline void json_read(const Value& json, std::int64_t& out) {
  out = json.to_int();
}
inline void json_read(const Value& json, double& out) {
  out = json.to_float();
}
inline void json_read(const Value& json, bool& out) {
  out = json.to_bool();
}
inline void json_read(const Value& json, std::string& out) {
  out = json.to_str();
}
inline void json_read(const Value& json, Duration& out) {
  out = json.to_duration();
}
template <typename T>
void json_read(const Value& json, std::optional<T>& out);
template <typename T>
void json_read(const Value& json, std::vector<T>& out);
template <typename V>
void json_read(const Value& json, Map<std::string, V>& out);
template <typename V>
void json_read(const Value& json, Map<std::int64_t, V>& out);
template <typename... Ts>
void json_read(const Value& json, std::tuple<Ts...>& out);

template <typename T>
void json_read(const Value& json, std::optional<T>& out) {
  if (json.is_null()) {
    out.reset();
    return;
  }
  json_read(json, out.emplace());
}

template <typename T>
void json_read(const Value& json, std::vector<T>& out) {
  Array items(json);
  out.clear();
  out.reserve(items.size());
  while (items.next()) {
    if constexpr (std::is_same_v<T, bool>) {
      out.push_back(items.value().to_bool());  // vector<bool> has no bool& to read into
    } else {
      json_read(items.value(), out.emplace_back());
    }
  }
}

template <typename V>
void json_read(const Value& json, Map<std::string, V>& out) {
  Object members(json);
  while (members.next()) json_read(members.value(), out[std::string(members.key())]);
}

// An int key is written as a string: {"404": 3}.
std::int64_t int_key(const Value& member, std::string_view key);

template <typename V>
void json_read(const Value& json, Map<std::int64_t, V>& out) {
  Object members(json);
  while (members.next()) json_read(members.value(), out[int_key(members.value(), members.key())]);
}

// A tuple is an array of exactly its size.
void expect_size(const Value& json, const Array& items, std::size_t size);

template <typename... Ts>
void json_read(const Value& json, std::tuple<Ts...>& out) {
  Array items(json);
  expect_size(json, items, sizeof...(Ts));
  std::apply([&](auto&... element) { ((items.next(), json_read(items.value(), element)), ...); }, out);
}

// --- Encoding ------------------------------------------------------------------

inline void json_write(Writer& out, std::int64_t value) {
  out.value(value);
}
inline void json_write(Writer& out, double value) {
  out.value(value);
}
inline void json_write(Writer& out, bool value) {
  out.value(value);
}
inline void json_write(Writer& out, const std::string& value) {
  out.value(std::string_view(value));
}
inline void json_write(Writer& out, Duration value) {
  out.value(value);
}
template <typename T>
void json_write(Writer& out, const std::optional<T>& value);
template <typename T>
void json_write(Writer& out, const std::vector<T>& values);
template <typename K, typename V>
void json_write(Writer& out, const Map<K, V>& values);
template <typename... Ts>
void json_write(Writer& out, const std::tuple<Ts...>& values);

template <typename T>
void json_write(Writer& out, const std::optional<T>& value) {
  if (value) {
    json_write(out, *value);
  } else {
    out.null();
  }
}

template <typename T>
void json_write(Writer& out, const std::vector<T>& values) {
  out.begin_array();
  for (const T& value : values) {
    if constexpr (std::is_same_v<T, bool>) {
      json_write(out, static_cast<bool>(value));  // vector<bool>'s proxies
    } else {
      json_write(out, value);
    }
  }
  out.end_array();
}

template <typename K, typename V>
void json_write(Writer& out, const Map<K, V>& values) {
  out.begin_object();
  for (const auto& [key, value] : values) {
    if constexpr (std::is_same_v<K, std::string>) {
      out.key(key);
    } else {
      out.key(std::to_string(key));
    }
    json_write(out, value);
  }
  out.end_object();
}

template <typename... Ts>
void json_write(Writer& out, const std::tuple<Ts...>& values) {
  out.begin_array();
  std::apply([&](const auto&... element) { (json_write(out, element), ...); }, values);
  out.end_array();
}

}  // namespace taskrt::json

namespace taskrt {

template <typename T>
T json_decode(const std::string& text) {
  json::Document document(text);
  T out{};
  json_read(document.root(), out);
  return out;
}

template <typename T>
std::string json_encode(const T& value, std::int64_t indent = -1) {
  json::Writer out(indent);
  json_write(out, value);
  return out.take();
}

}  // namespace taskrt
