#include "taskrt/json.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>

#include "ascii.hpp"
#include "taskrt/builtins.hpp"
#include "taskrt/error.hpp"
#include "taskrt/format.hpp"

namespace taskrt::json {
namespace {

namespace dom = simdjson::dom;

// Values and cursors keep simdjson's small trivially copyable handles as
// bytes, so that the header does not need simdjson.
template <typename Handle>
Handle load(const unsigned char (&bytes)[16]) {
  static_assert(sizeof(Handle) == 16 && std::is_trivially_copyable_v<Handle>);
  Handle handle;
  std::memcpy(static_cast<void*>(&handle), bytes, sizeof handle);
  return handle;
}

template <typename Handle>
void store(unsigned char (&bytes)[16], const Handle& handle) {
  static_assert(sizeof(Handle) == 16 && std::is_trivially_copyable_v<Handle>);
  std::memcpy(bytes, static_cast<const void*>(&handle), sizeof handle);
}

// A parser per thread, reused: its buffers grow to the largest text seen,
// up to kKeptCapacity; a larger text gets buffers that are freed after it.
constexpr std::size_t kKeptCapacity = std::size_t{64} << 20;

dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

void release_large_buffers() {
  dom::parser& parser = thread_parser();
  if (parser.capacity() > kKeptCapacity) parser = dom::parser();
}

std::string why_invalid(simdjson::error_code error) {
  switch (error) {
    case simdjson::DEPTH_ERROR: return fmt::format("nested deeper than {} levels", kMaxDepth);
    case simdjson::UTF8_ERROR: return "the text is not valid UTF-8";
    case simdjson::NUMBER_ERROR: return "a number is malformed, or too large for an int (64 bits) and a float";
    case simdjson::STRING_ERROR: return "a string has a bad escape";
    case simdjson::UNESCAPED_CHARS: return "a string holds a control character (write \\n, \\t or \\u00XX)";
    case simdjson::UNCLOSED_STRING: return "a string is not closed";
    case simdjson::EMPTY: return "the text is empty";
    case simdjson::CAPACITY: return "the text is larger than 4 GiB";
    case simdjson::T_ATOM_ERROR: return "a word is not true";
    case simdjson::F_ATOM_ERROR: return "a word is not false";
    case simdjson::N_ATOM_ERROR: return "a word is not null";
    default: return simdjson::error_message(error);
  }
}

bool is_identifier(std::string_view key) {
  if (key.empty() || !(ascii::is_alpha(static_cast<unsigned char>(key[0])) || key[0] == '_')) return false;
  for (char c : key) {
    if (!(ascii::is_alnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// What a value is, for "found …": `string "12.5"`, `number 3`, `object`.
std::string describe(dom::element element) {
  switch (element.type()) {
    case dom::element_type::NULL_VALUE: return "null";
    case dom::element_type::BOOL: return element.get_bool().value_unsafe() ? "true" : "false";
    case dom::element_type::INT64: return fmt::format("number {}", element.get_int64().value_unsafe());
    case dom::element_type::UINT64: return fmt::format("number {}", element.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE: return fmt::format("number {}", element.get_double().value_unsafe());
    case dom::element_type::STRING: {
      constexpr std::size_t kShown = 40;
      std::string_view text = element.get_string().value_unsafe();
      if (text.size() <= kShown) return "string " + quote_string(text);
      std::size_t cut = kShown;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
      return "string " + quote_string(text.substr(0, cut)) + "…";
    }
    case dom::element_type::ARRAY: return fmt::format("array of {}", element.get_array().value_unsafe().size());
    case dom::element_type::OBJECT: return "object";
  }
  return "a value";
}

}  // namespace

// --- Value ---------------------------------------------------------------------

bool Value::is_null() const {
  return load<dom::element>(element_).is_null();
}

std::int64_t Value::to_int() const {
  dom::element element = load<dom::element>(element_);
  switch (element.type()) {
    case dom::element_type::INT64: return element.get_int64().value_unsafe();
    case dom::element_type::UINT64:
      fail(fmt::format("number {} does not fit in an int (64 bits)", element.get_uint64().value_unsafe()));
    default: expected("int");
  }
}

double Value::to_float() const {
  dom::element element = load<dom::element>(element_);
  switch (element.type()) {
    case dom::element_type::DOUBLE: return element.get_double().value_unsafe();
    case dom::element_type::INT64: return static_cast<double>(element.get_int64().value_unsafe());
    case dom::element_type::UINT64: return static_cast<double>(element.get_uint64().value_unsafe());
    default: expected("float");
  }
}

bool Value::to_bool() const {
  dom::element element = load<dom::element>(element_);
  if (element.type() != dom::element_type::BOOL) expected("bool");
  return element.get_bool().value_unsafe();
}

std::string_view Value::to_str() const {
  dom::element element = load<dom::element>(element_);
  if (element.type() != dom::element_type::STRING) expected("str");
  return element.get_string().value_unsafe();
}

Duration Value::to_duration() const {
  dom::element element = load<dom::element>(element_);
  if (element.type() != dom::element_type::STRING) expected("duration (a string like \"250ms\")");
  std::string_view text = element.get_string().value_unsafe();
  try {
    return parse_duration(text);
  } catch (const Error& error) {
    fail(error.what());
  }
}

std::string Value::path() const {
  std::vector<const Value*> chain;
  for (const Value* at = this; at->parent_ != nullptr; at = at->parent_) chain.push_back(at);
  std::string out = "$";
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Value& step = **it;
    if (step.index_ >= 0) {
      out += fmt::format("[{}]", step.index_);
    } else if (is_identifier(step.key_)) {
      out += fmt::format(".{}", step.key_);
    } else {
      out += fmt::format("[{}]", quote_string(step.key_));
    }
  }
  return out;
}

void Value::expected(std::string_view what) const {
  fail(fmt::format("expected {}, found {}", what, describe(load<dom::element>(element_))));
}

void Value::fail(std::string_view problem) const {
  throw ValueError(fmt::format("json_decode: {}: {}", path(), problem));
}

// --- Array and Object ------------------------------------------------------------

Array::Array(const Value& array) {
  dom::element element = load<dom::element>(array.element_);
  if (element.type() != dom::element_type::ARRAY) array.expected("array");
  dom::array items = element.get_array().value_unsafe();
  store(at_, items.begin());
  store(end_, items.end());
  size_ = items.size();
  current_.parent_ = &array;
}

bool Array::next() {
  auto at = load<dom::array::iterator>(at_);
  if (current_.index_ >= 0) {
    ++at;
    store(at_, at);
  }
  if (at == load<dom::array::iterator>(end_)) return false;
  store(current_.element_, *at);
  ++current_.index_;
  return true;
}

Object::Object(const Value& object) : object_(object) {
  dom::element element = load<dom::element>(object.element_);
  if (element.type() != dom::element_type::OBJECT) object.expected("object");
  dom::object members = element.get_object().value_unsafe();
  store(at_, members.begin());
  store(end_, members.end());
  current_.parent_ = &object;
}

bool Object::next() {
  auto at = load<dom::object::iterator>(at_);
  if (current_.key_.data() != nullptr) {
    ++at;
    store(at_, at);
  }
  if (at == load<dom::object::iterator>(end_)) return false;
  current_.key_ = at.key();
  store(current_.element_, at.value());
  return true;
}

void Object::missing(std::string_view key) const {
  object_.fail(fmt::format("missing key {}", quote_string(key)));
}

std::int64_t int_key(const Value& member, std::string_view key) {
  std::int64_t out = 0;
  const char* end = key.data() + key.size();
  auto [stop, error] = std::from_chars(key.data(), end, out);
  if (key.empty() || error != std::errc() || stop != end) {
    member.fail(fmt::format("key {} is not an int", quote_string(key)));
  }
  return out;
}

void expect_size(const Value& json, const Array& items, std::size_t size) {
  if (items.size() == size) return;
  json.expected(fmt::format("array of {}", size));
}

// --- Document --------------------------------------------------------------------

Document::Document(const std::string& text) {
  dom::parser& parser = thread_parser();
  dom::element root;
  simdjson::error_code error = parser.parse(text).get(root);
  if (error != simdjson::SUCCESS) {
    release_large_buffers();
    throw ValueError("json_decode: not valid JSON: " + why_invalid(error));
  }
  store(root_.element_, root);
}

Document::~Document() {
  release_large_buffers();
}

// --- Writer ----------------------------------------------------------------------

Writer::Writer(std::int64_t indent) : indent_(indent) {}

void Writer::newline() {
  if (indent_ < 0) return;
  out_ += '\n';
  out_.append(static_cast<std::size_t>(indent_) * empty_.size(), ' ');
}

void Writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;
  if (!empty_.back()) out_ += ',';
  empty_.back() = false;
  newline();
}

void Writer::null() {
  before_value();
  out_ += "null";
}

void Writer::value(std::int64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
}

void Writer::value(double number) {
  if (!std::isfinite(number)) {
    throw ValueError(fmt::format("json_encode: {} is not a JSON number", format_float(number)));
  }
  before_value();
  out_ += format_float(number);
}

void Writer::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
}

void Writer::value(std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    throw ValueError("json_encode: a str is not valid UTF-8 (base64_encode bytes that are not text)");
  }
  before_value();
  out_ += '"';
  for (char c : text) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\t': out_ += "\\t"; break;
      case '\r': out_ += "\\r"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out_), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
}

void Writer::value(Duration duration) {
  value(std::string_view(format_duration(duration)));
}

void Writer::begin_array() {
  before_value();
  out_ += '[';
  empty_.push_back(true);
}

void Writer::close(char bracket) {
  bool empty = empty_.back();
  empty_.pop_back();
  if (!empty) newline();
  out_ += bracket;
}

void Writer::end_array() {
  close(']');
}

void Writer::begin_object() {
  before_value();
  out_ += '{';
  empty_.push_back(true);
}

void Writer::key(std::string_view name) {
  value(name);
  out_ += indent_ < 0 ? ":" : ": ";
  after_key_ = true;
}

void Writer::end_object() {
  close('}');
}

std::string Writer::take() {
  return std::move(out_);
}

}  // namespace taskrt::json
