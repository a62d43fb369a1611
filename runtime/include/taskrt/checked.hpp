// Checked arithmetic for the language's `int` (int64) and `float`: overflow
// and division by zero throw ArithmeticError instead of being undefined or
// silently wrong. Generated code uses these for every arithmetic operator.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "taskrt/error.hpp"

namespace taskrt {

[[noreturn]] void throw_overflow(const char* op, std::int64_t a, std::int64_t b);
[[noreturn]] void throw_division_by_zero();

inline std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw_overflow("+", a, b);
  return r;
}
inline std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw_overflow("-", a, b);
  return r;
}
inline std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw_overflow("*", a, b);
  return r;
}
// Truncates toward zero, like C++.
inline std::int64_t checked_div(std::int64_t a, std::int64_t b) {
  if (b == 0) throw_division_by_zero();
  if (a == INT64_MIN && b == -1) throw_overflow("/", a, b);
  return a / b;
}
// The sign follows the dividend, like C++.
inline std::int64_t checked_mod(std::int64_t a, std::int64_t b) {
  if (b == 0) throw_division_by_zero();
  if (b == -1) return 0;
  return a % b;
}
inline std::int64_t checked_neg(std::int64_t a) {
  if (a == INT64_MIN) throw_overflow("-", 0, a);
  return -a;
}
// `**`: by squaring, every step checked. A negative exponent is an error
// (Python's `2 ** -1` is a float: write `2.0 ** -1`).
std::int64_t checked_pow(std::int64_t base, std::int64_t exponent);
// `**` of floats: std::pow, except that what Python refuses fails:
// `0.0 ** -1` (division by zero), a result too large for a float, and a
// negative number to a fractional power (Python's would be complex).
double checked_pow(double base, double exponent);
// `<<`: overflow, as for `*`; a negative count is an error.
std::int64_t checked_shl(std::int64_t a, std::int64_t count);
// `>>`: rounds down, as Python's (-7 >> 1 is -4); a negative count is an error.
inline std::int64_t checked_shr(std::int64_t a, std::int64_t count) {
  if (count < 0) throw ArithmeticError("negative shift count " + std::to_string(count));
  if (count >= 64) return a < 0 ? -1 : 0;
  return a >> count;
}
inline double checked_div(double a, double b) {
  if (b == 0.0) throw_division_by_zero();
  return a / b;
}
// As `/`: a float remainder by zero fails instead of giving NaN.
inline double checked_mod(double a, double b) {
  if (b == 0.0) throw_division_by_zero();
  return std::fmod(a, b);
}

}  // namespace taskrt
