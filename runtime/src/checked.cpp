#include "taskrt/checked.hpp"

#include <fmt/format.h>

namespace taskrt {

void throw_overflow(const char* op, std::int64_t a, std::int64_t b) {
  throw ArithmeticError(fmt::format("integer overflow: {} {} {} does not fit in int", a, op, b));
}

void throw_division_by_zero() {
  throw ArithmeticError("division by zero");
}

std::int64_t checked_pow(std::int64_t base, std::int64_t exponent) {
  if (exponent < 0) {
    throw ArithmeticError(fmt::format("{} ** {}: a negative exponent gives a fraction; write float({}) ** {}", base,
                                      exponent, base, exponent));
  }
  std::int64_t result = 1;
  std::int64_t square = base;
  for (std::int64_t e = exponent; e > 0; e >>= 1) {
    if (e & 1) {
      if (__builtin_mul_overflow(result, square, &result)) throw_overflow("**", base, exponent);
    }
    if (e > 1 && __builtin_mul_overflow(square, square, &square)) throw_overflow("**", base, exponent);
  }
  return result;
}

double checked_pow(double base, double exponent) {
  if (base == 0.0 && exponent < 0.0) throw_division_by_zero();
  double result = std::pow(base, exponent);
  if (std::isinf(result) && std::isfinite(base) && std::isfinite(exponent)) {
    throw ArithmeticError(fmt::format("{} ** {}: too large for a float", base, exponent));
  }
  if (std::isnan(result) && !std::isnan(base) && !std::isnan(exponent)) {
    throw ArithmeticError(fmt::format("{} ** {}: a negative number to a fractional power", base, exponent));
  }
  return result;
}

std::int64_t checked_shl(std::int64_t a, std::int64_t count) {
  if (count < 0) throw ArithmeticError("negative shift count " + std::to_string(count));
  if (a == 0) return 0;
  if (count >= 64) throw_overflow("<<", a, count);
  auto shifted = static_cast<std::int64_t>(static_cast<std::uint64_t>(a) << count);
  if ((shifted >> count) != a) throw_overflow("<<", a, count);
  return shifted;
}

}  // namespace taskrt
