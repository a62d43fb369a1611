#include "taskrt/checked.hpp"

#include <fmt/format.h>

namespace taskrt {

void throw_overflow(const char* op, std::int64_t a, std::int64_t b) {
  throw ArithmeticError(fmt::format("integer overflow: {} {} {} does not fit in int", a, op, b));
}

void throw_division_by_zero() {
  throw ArithmeticError("division by zero");
}

}  // namespace taskrt
