// The pure builtins of the language (§11) as C++ functions, for generated code
// and for anyone who wants the same semantics: len, range, sum, min, max, abs,
// sorted, reversed, keys, values, contains, split, join, trim, lower, upper,
// starts_with, bytes, chr, ord, the math functions, hash, and the conversions.
// Failures (index out of range, a missing key, min of nothing, a bad number)
// throw FailedError or ArithmeticError with a message that says what happened.
//
// Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "taskrt/checked.hpp"
#include "taskrt/clock.hpp"
#include "taskrt/encoding.hpp"
#include "taskrt/error.hpp"
#include "taskrt/format.hpp"
#include "taskrt/format_spec.hpp"
#include "taskrt/print.hpp"
#include "taskrt/random.hpp"
#include "taskrt/regex.hpp"
#include "taskrt/text.hpp"
#include "taskrt/time.hpp"
#include "taskrt/values.hpp"

namespace taskrt {

// --- sizes and membership -----------------------------------------------------

template <typename T>
std::int64_t len(const std::vector<T>& xs) {
  return static_cast<std::int64_t>(xs.size());
}
template <typename K, typename V>
std::int64_t len(const Map<K, V>& map) {
  return static_cast<std::int64_t>(map.size());
}
inline std::int64_t len(const std::string& s) {
  return static_cast<std::int64_t>(s.size());
}

template <typename T>
bool contains(const std::vector<T>& xs, const T& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}
template <typename K, typename V>
bool contains(const Map<K, V>& map, const K& key) {
  return map.contains(key);
}
inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
// `x in c`: the item first, as the program reads (generated code evaluates
// a call's arguments in order).
template <typename Item, typename Container>
bool is_in(const Item& item, const Container& container) {
  return contains(container, item);
}

// --- indexing ----------------------------------------------------------------------

[[noreturn]] void throw_index_error(std::int64_t index, std::size_t size);
[[noreturn]] void throw_missing_key(const std::string& key);

// A negative index counts from the end, as in Python: xs[-1] is the last.
inline std::size_t checked_index(std::int64_t index, std::size_t size) {
  std::int64_t at = index < 0 ? index + static_cast<std::int64_t>(size) : index;
  if (at < 0 || static_cast<std::size_t>(at) >= size) throw_index_error(index, size);
  return static_cast<std::size_t>(at);
}

template <typename T>
T& at(std::vector<T>& xs, std::int64_t index) {
  return xs[checked_index(index, xs.size())];
}
template <typename T>
const T& at(const std::vector<T>& xs, std::int64_t index) {
  return xs[checked_index(index, xs.size())];
}
// std::vector<bool> hands out proxies, not references.
inline std::vector<bool>::reference at(std::vector<bool>& xs, std::int64_t index) {
  return xs[checked_index(index, xs.size())];
}
inline bool at(const std::vector<bool>& xs, std::int64_t index) {
  return xs[checked_index(index, xs.size())];
}
// A string's byte, as a string of one byte.
inline std::string at(const std::string& s, std::int64_t index) {
  return std::string(1, s[checked_index(index, s.size())]);
}

// xs[from..to] (or ..=): negative bounds count from the end, then both are
// clamped to the list, as Python's slices are; an empty range is empty.
inline constexpr std::int64_t kSliceStart = INT64_MIN;
inline constexpr std::int64_t kSliceEnd = INT64_MAX;
std::pair<std::size_t, std::size_t> slice_bounds(std::int64_t from, std::int64_t to, bool inclusive, std::size_t size);
template <typename T>
std::vector<T> slice(const std::vector<T>& xs, std::int64_t from, std::int64_t to, bool inclusive) {
  auto [begin, end] = slice_bounds(from, to, inclusive, xs.size());
  return std::vector<T>(xs.begin() + static_cast<std::ptrdiff_t>(begin), xs.begin() + static_cast<std::ptrdiff_t>(end));
}
inline std::string slice(const std::string& s, std::int64_t from, std::int64_t to, bool inclusive) {
  auto [begin, end] = slice_bounds(from, to, inclusive, s.size());
  return s.substr(begin, end - begin);
}
// Reading a map entry that is not there fails, also to change it in place
// (`m[k] += 1`, `push(m[k], x)`); only `m[k] = v` inserts, through slot().
template <typename K, typename V>
const V& at(const Map<K, V>& map, const K& key) {
  if (const V* value = map.find(key)) return *value;
  throw_missing_key(format_value(key));
}
template <typename K, typename V>
V& at(Map<K, V>& map, const K& key) {
  if (V* value = map.find(key)) return *value;
  throw_missing_key(format_value(key));
}
// The target of `m[k] = v`: the entry, inserted if it is not there.
template <typename K, typename V>
V& slot(Map<K, V>& map, const K& key) {
  return map[key];
}

// The value of an optional the checker proved is not none.
template <typename T>
T& unwrap(std::optional<T>& value) {
  if (!value) throw FailedError("none where a value was expected");
  return *value;
}
template <typename T>
const T& unwrap(const std::optional<T>& value) {
  if (!value) throw FailedError("none where a value was expected");
  return *value;
}

// --- lists -------------------------------------------------------------------------

// List and map literals. Functions, not braced lists: GCC 12 cannot keep an
// std::initializer_list's array alive across a co_await in the same expression.
template <typename T, typename... Items>
std::vector<T> make_list(Items&&... items) {
  std::vector<T> out;
  out.reserve(sizeof...(Items));
  (out.push_back(T(std::forward<Items>(items))), ...);
  return out;
}

namespace detail {
template <typename K, typename V>
void fill_map(Map<K, V>&) {}
template <typename K, typename V, typename Key, typename Value, typename... Rest>
void fill_map(Map<K, V>& map, Key&& key, Value&& value, Rest&&... rest) {
  map[K(std::forward<Key>(key))] = V(std::forward<Value>(value));
  fill_map(map, std::forward<Rest>(rest)...);
}
}  // namespace detail

// make_map<K, V>(key, value, key, value, …)
template <typename K, typename V, typename... KeysAndValues>
Map<K, V> make_map(KeysAndValues&&... entries) {
  Map<K, V> map;
  detail::fill_map(map, std::forward<KeysAndValues>(entries)...);
  return map;
}

// Large literals, which generated code keeps in static tables.
template <typename List, typename Row, std::size_t N>
List list_from_table(const Row (&rows)[N]) {
  return List(std::begin(rows), std::end(rows));
}
template <typename MapType, typename Row, std::size_t N>
MapType map_from_table(const Row (&rows)[N]) {
  MapType map;
  for (const Row& row : rows) {
    slot(map, typename MapType::key_type(row.first)) = typename MapType::mapped_type(row.second);
  }
  return map;
}

// The integers of a..b (or a..=b) without building a list: what generated
// code iterates when a `gather … for i in a..b` needs no list.
class IntRange {
 public:
  class iterator {
   public:
    using value_type = std::int64_t;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(std::int64_t first, std::uint64_t index) : first_(first), index_(index) {}
    std::int64_t operator*() const { return static_cast<std::int64_t>(static_cast<std::uint64_t>(first_) + index_); }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    std::int64_t first_ = 0;
    std::uint64_t index_ = 0;
  };

  IntRange(std::int64_t start, std::int64_t end, bool inclusive = false)
      : first_(start),
        size_(end < start || (!inclusive && end == start)
                  ? 0
                  : static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start) + (inclusive ? 1 : 0)) {}
  iterator begin() const { return {first_, 0}; }
  iterator end() const { return {first_, size_}; }
  std::size_t size() const { return static_cast<std::size_t>(size_); }

 private:
  std::int64_t first_;
  std::uint64_t size_;
};

// a..b (and range(a, b)) and a..=b as lists.
std::vector<std::int64_t> range(std::int64_t start, std::int64_t end);
std::vector<std::int64_t> range_inclusive(std::int64_t start, std::int64_t end);
inline std::vector<std::int64_t> range(std::int64_t end) {
  return range(0, end);
}
// range(start, end, step): Python's, negative steps included; a step of 0
// is a ValueError.
std::vector<std::int64_t> range(std::int64_t start, std::int64_t end, std::int64_t step);

template <typename A, typename B>
std::vector<std::tuple<A, B>> zip(const std::vector<A>& a, const std::vector<B>& b) {
  std::vector<std::tuple<A, B>> out;
  std::size_t n = std::min(a.size(), b.size());
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(a[i], b[i]);
  return out;
}
template <typename T>
std::vector<std::tuple<std::int64_t, T>> enumerate(const std::vector<T>& xs) {
  std::vector<std::tuple<std::int64_t, T>> out;
  out.reserve(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) out.emplace_back(static_cast<std::int64_t>(i), xs[i]);
  return out;
}

// The value for `key`, or `fallback` when it is missing (nothing inserted).
template <typename K, typename V>
V get(const Map<K, V>& map, const K& key, const V& fallback) {
  const V* value = map.find(key);
  return value != nullptr ? *value : fallback;
}
// Removes `key` (nothing happens when it is missing).
template <typename K, typename V>
void remove(Map<K, V>& map, const K& key) {
  map.erase(key);
}

template <typename T>
T sum(const std::vector<T>& xs) {
  T total{};
  for (const T& x : xs) {
    if constexpr (std::is_same_v<T, std::int64_t>) {
      total = checked_add(total, x);
    } else {
      total += x;
    }
  }
  return total;
}

// The order of `<` on lists, tuples and records, and of `sorted`, `min` and
// `max`: element by element, with NaN after every number (and equal to NaN),
// so that every list has one sorted order; `<` on doubles is not an order,
// and sorting by it is undefined behaviour. Declared first, so that each
// overload sees the others.
inline bool less(double a, double b);
template <typename T>
bool less(const std::vector<T>& a, const std::vector<T>& b);
template <typename... T>
bool less(const std::tuple<T...>& a, const std::tuple<T...>& b);
template <typename T>
bool less(const T& a, const T& b);

template <typename T>
T min(const std::vector<T>& xs) {
  if (xs.empty()) throw ValueError("min of an empty list");
  return *std::min_element(xs.begin(), xs.end(), [](const T& a, const T& b) { return less(a, b); });
}
template <typename T>
T max(const std::vector<T>& xs) {
  if (xs.empty()) throw ValueError("max of an empty list");
  return *std::max_element(xs.begin(), xs.end(), [](const T& a, const T& b) { return less(a, b); });
}
template <typename T, typename... More>
T min(const T& first, const T& second, const More&... more) {
  return std::min({first, second, more...}, [](const T& a, const T& b) { return less(a, b); });
}
template <typename T, typename... More>
T max(const T& first, const T& second, const More&... more) {
  return std::max({first, second, more...}, [](const T& a, const T& b) { return less(a, b); });
}

inline std::int64_t abs(std::int64_t x) {
  return x < 0 ? checked_neg(x) : x;
}
inline double abs(double x) {
  return std::fabs(x);
}
inline Duration abs(Duration x) {
  return x < Duration::zero() ? -x : x;
}

inline bool less(double a, double b) {
  if (std::isnan(a)) return false;
  return std::isnan(b) || a < b;
}
template <typename T>
bool less(const std::vector<T>& a, const std::vector<T>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](const T& x, const T& y) { return less(x, y); });
}
namespace detail {
template <typename Tuple, std::size_t... I>
bool tuple_less(const Tuple& a, const Tuple& b, std::index_sequence<I...>) {
  bool result = false;
  // The first element that differs decides.
  (void)((less(std::get<I>(a), std::get<I>(b))   ? (result = true, true)
          : less(std::get<I>(b), std::get<I>(a)) ? (result = false, true)
                                                 : false) ||
         ...);
  return result;
}
}  // namespace detail
template <typename... T>
bool less(const std::tuple<T...>& a, const std::tuple<T...>& b) {
  return detail::tuple_less(a, b, std::index_sequence_for<T...>{});
}
// Scalars, and records (generated code defines their `<` through less()).
template <typename T>
bool less(const T& a, const T& b) {
  return a < b;
}

template <typename T>
std::vector<T> sorted(std::vector<T> xs, bool reverse = false) {
  if (reverse) {
    std::stable_sort(xs.begin(), xs.end(), [](const T& a, const T& b) { return less(b, a); });
  } else {
    std::stable_sort(xs.begin(), xs.end(), [](const T& a, const T& b) { return less(a, b); });
  }
  return xs;
}
// sorted(xs, x => key [, reverse]): each key computed once, then a stable
// sort by the keys (equal keys keep their order, reversed or not).
template <typename T, typename KeyOf>
std::vector<T> sorted_by(const std::vector<T>& xs, KeyOf key_of, bool reverse = false) {
  using Key = std::decay_t<decltype(key_of(xs.front()))>;
  std::vector<std::pair<Key, std::size_t>> keyed;
  keyed.reserve(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) keyed.emplace_back(key_of(xs[i]), i);
  std::stable_sort(keyed.begin(), keyed.end(), [reverse](const auto& a, const auto& b) {
    return reverse ? less(b.first, a.first) : less(a.first, b.first);
  });
  std::vector<T> out;
  out.reserve(xs.size());
  for (const auto& entry : keyed) out.push_back(xs[entry.second]);
  return out;
}
// min(xs, x => key), max(xs, x => key): the first element with the least
// (greatest) key, as Python's; ValueError for an empty list.
namespace detail {
// The first element whose key no later key `beats` (less for min, greater for max).
template <typename T, typename KeyOf, typename Beats>
T best_by(const std::vector<T>& xs, KeyOf key_of, Beats beats, const char* what) {
  if (xs.empty()) throw ValueError(std::string(what) + " of an empty list");
  std::size_t best = 0;
  auto best_key = key_of(xs[0]);
  for (std::size_t i = 1; i < xs.size(); ++i) {
    auto key = key_of(xs[i]);
    if (beats(key, best_key)) best = i, best_key = std::move(key);
  }
  return xs[best];
}
}  // namespace detail
template <typename T, typename KeyOf>
T min_by(const std::vector<T>& xs, KeyOf key_of) {
  return detail::best_by(
      xs, key_of, [](const auto& a, const auto& b) { return less(a, b); }, "min");
}
template <typename T, typename KeyOf>
T max_by(const std::vector<T>& xs, KeyOf key_of) {
  return detail::best_by(
      xs, key_of, [](const auto& a, const auto& b) { return less(b, a); }, "max");
}

template <typename T>
std::vector<T> reversed(std::vector<T> xs) {
  std::reverse(xs.begin(), xs.end());
  return xs;
}
template <typename T>
std::vector<T> concat(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}
template <typename T>
void push(std::vector<T>& xs, T value) {
  xs.push_back(std::move(value));
}
template <typename T>
std::optional<T> pop(std::vector<T>& xs) {
  if (xs.empty()) return std::nullopt;
  T last = std::move(xs.back());
  xs.pop_back();
  return last;
}

template <typename K, typename V>
std::vector<K> keys(const Map<K, V>& map) {
  std::vector<K> out;
  for (const auto& entry : map) out.push_back(entry.first);
  return out;
}
template <typename K, typename V>
std::vector<V> values(const Map<K, V>& map) {
  std::vector<V> out;
  for (const auto& entry : map) out.push_back(entry.second);
  return out;
}

// --- strings -------------------------------------------------------------------------

std::vector<std::string> split(const std::string& s, const std::string& separator);
// On runs of whitespace, none kept at either end (Python's s.split()).
inline std::vector<std::string> split(const std::string& s) {
  return split(s, std::string());
}
std::string join(const std::vector<std::string>& parts, const std::string& separator);
std::string trim(const std::string& s);
std::string lower(std::string s);
std::string upper(std::string s);
inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}
std::vector<std::int64_t> bytes(const std::string& s);

[[noreturn]] void throw_bad_format_spec(std::string_view spec, const std::string& problem);

// `format(value, spec)` and `"{value:spec}"`: the value under a format spec,
// or ValueError for a spec that is malformed or does not fit the value.
template <typename T>
std::string format(const T& value, std::string_view spec_text) {
  std::string problem;
  std::optional<FormatSpec> spec = parse_format_spec(spec_text, problem);
  if (!spec) throw_bad_format_spec(spec_text, problem);
  constexpr FormatTarget target = std::is_same_v<T, std::int64_t> ? FormatTarget::kInt
                                  : std::is_same_v<T, double>     ? FormatTarget::kFloat
                                                                  : FormatTarget::kText;
  problem = format_spec_mismatch(*spec, target);
  if (!problem.empty()) throw_bad_format_spec(spec_text, problem);
  if constexpr (target == FormatTarget::kText) {
    return format_text(print_argument(value), *spec);
  } else {
    return format_with(value, *spec);
  }
}

// The pieces of an interpolated string: strings raw, values as print shows them.
template <typename... Pieces>
std::string interpolate(const Pieces&... pieces) {
  std::string out;
  ((out += print_argument(pieces)), ...);
  return out;
}

// --- numbers and conversions ---------------------------------------------------------------

inline double sqrt(double x) {
  return std::sqrt(x);
}
inline double sin(double x) {
  return std::sin(x);
}
inline double cos(double x) {
  return std::cos(x);
}
inline double pow(double base, double exponent) {
  return std::pow(base, exponent);
}
inline double floor(double x) {
  return std::floor(x);
}

// round(x): the nearest int, halves to even (round(2.5) is 2, as Python's);
// NaN is a ValueError, a value outside int an Arithmetic error.
std::int64_t round(double x);
inline std::int64_t round(std::int64_t x) {
  return x;
}
// round(x, digits): to `digits` decimal places (negative: tens, hundreds),
// correctly rounded from the double's exact value, halves to even.
double round(double x, std::int64_t digits);

template <typename T>
std::int64_t hash(const T& value) {
  // Stable within a run; derived from the printed form so every value hashes.
  return static_cast<std::int64_t>(std::hash<std::string>{}(format_value(value)) >> 1);
}

template <typename T>
std::string to_str(const T& value) {
  return print_argument(value);
}
std::int64_t to_int(const std::string& s);
std::int64_t to_int(double x);
inline std::int64_t to_int(std::int64_t x) {
  return x;
}
inline std::int64_t to_int(bool b) {
  return b ? 1 : 0;
}
double to_float(const std::string& s);
inline double to_float(std::int64_t x) {
  return static_cast<double>(x);
}
inline double to_float(double x) {
  return x;
}

// Duration arithmetic, checked like int's: a result that does not fit in
// int64 nanoseconds (about ±292 years), or is not a number, throws
// ArithmeticError instead of wrapping.
[[noreturn]] void throw_duration_overflow(const char* op, Duration a, const std::string& b);
// The duration `nanoseconds` (a double), or ArithmeticError naming `a op b`.
Duration duration_from(double nanoseconds, const char* op, Duration a, double b);

inline Duration checked_add(Duration a, Duration b) {
  std::int64_t r;
  if (__builtin_add_overflow(a.count(), b.count(), &r)) throw_duration_overflow("+", a, format_value(b));
  return Duration(r);
}
inline Duration checked_sub(Duration a, Duration b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a.count(), b.count(), &r)) throw_duration_overflow("-", a, format_value(b));
  return Duration(r);
}
inline Duration checked_neg(Duration a) {
  if (a.count() == INT64_MIN) throw_duration_overflow("-", Duration(0), format_value(a));
  return -a;
}
inline Duration scale(Duration d, std::int64_t factor) {
  std::int64_t r;
  if (__builtin_mul_overflow(d.count(), factor, &r)) throw_duration_overflow("*", d, std::to_string(factor));
  return Duration(r);
}
inline Duration scale(Duration d, double factor) {
  return duration_from(static_cast<double>(d.count()) * factor, "*", d, factor);
}
template <typename Number>
Duration scale(Number factor, Duration d) {
  return scale(d, factor);
}
inline double divide(Duration a, Duration b) {
  if (b.count() == 0) throw ArithmeticError("division by zero");
  return static_cast<double>(a.count()) / static_cast<double>(b.count());
}
inline Duration divide(Duration d, std::int64_t divisor) {
  if (divisor == 0) throw ArithmeticError("division by zero");
  if (d.count() == INT64_MIN && divisor == -1) throw_duration_overflow("/", d, "-1");
  return Duration(d.count() / divisor);
}
inline Duration divide(Duration d, double divisor) {
  if (divisor == 0) throw ArithmeticError("division by zero");
  return duration_from(static_cast<double>(d.count()) / divisor, "/", d, divisor);
}

// "250ms", "1.5s", "2m" (as on the command line) to a duration.
Duration parse_duration(std::string_view text);

}  // namespace taskrt
