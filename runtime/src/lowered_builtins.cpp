// The builtins of programs built by the LLVM backend: one wrapper each,
// `bool trt_builtin_NAME(call, types, args, out, result_type)`, over the very
// functions the C++ backend's programs call, so that both give the same
// results and the same errors. The operands come as slots with their
// descriptors (so one wrapper serves every element type; the list of
// descriptors ends with a null, so a wrapper sees how many it got); the result is
// written to `out`; a failure is the call's error and returns true.
#include <algorithm>
#include <bit>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lowered_values.hpp"
#include "taskrt/builtins.hpp"
#include "taskrt/clock.hpp"
#include "taskrt/encoding.hpp"
#include "taskrt/files.hpp"
#include "taskrt/http.hpp"
#include "taskrt/http_server.hpp"
#include "taskrt/random.hpp"
#include "taskrt/regex.hpp"
#include "taskrt/subprocess.hpp"
#include "taskrt/task.hpp"
#include "taskrt/text.hpp"
#include "taskrt/time.hpp"

namespace taskrt::lowered {

namespace {

struct Operands {
  const trt_type* const* types;
  const Slot* slots;

  const trt_type* type(int i) const { return types[i]; }
  Slot slot(int i) const { return slots[i]; }
  std::int64_t integer(int i) const { return static_cast<std::int64_t>(slots[i]); }
  double real(int i) const { return std::bit_cast<double>(slots[i]); }
  bool flag(int i) const { return slots[i] != 0; }
  const std::string& str(int i) const { return text_of(reinterpret_cast<const void*>(slots[i])); }
  const std::vector<Slot>& items(int i) const { return reinterpret_cast<const ListBox*>(slots[i])->items; }
  std::vector<std::string> strs(int i) const {
    std::vector<std::string> out;
    for (Slot item : items(i)) out.push_back(text_of(reinterpret_cast<const void*>(item)));
    return out;
  }
};

Slot of(std::int64_t value) {
  return static_cast<Slot>(value);
}
Slot of(double value) {
  return std::bit_cast<Slot>(value);
}
Slot of(bool value) {
  return value ? 1 : 0;
}
Slot of(std::string text) {
  return slot(new_str(std::move(text)));
}

Slot list_of(const trt_type* list_type, std::vector<Slot> items) {
  auto* list = new ListBox;
  list->type = list_type;
  list->items = std::move(items);
  return slot(list);
}

Slot strs_of(const trt_type* list_type, const std::vector<std::string>& texts) {
  std::vector<Slot> items;
  items.reserve(texts.size());
  for (const std::string& text : texts) items.push_back(of(text));
  return list_of(list_type, std::move(items));
}

Slot optional_of(const trt_type* optional_type, std::optional<Slot> value) {
  if (!value) return 0;
  auto* box = new TupleBox;
  box->type = optional_type;
  box->fields.push_back(*value);
  return slot(box);
}

// The fields of a runtime record (HttpResponse, ExecResult) as the program's
// record type names them.
Slot record_of(const trt_type* type, const std::function<Slot(std::string_view field, const trt_type*)>& field) {
  auto* record = new TupleBox;
  record->type = type;
  for (std::int64_t i = 0; i < type->count; ++i) record->fields.push_back(field(type->names[i], type->args[i]));
  return slot(record);
}

Slot map_of(const trt_type* type, const Map<std::string, std::string>& entries) {
  auto* map = new MapBox;
  map->type = type;
  for (const auto& [key, value] : entries) map->put(of(key), of(value));
  return slot(map);
}

Slot response_of(const trt_type* type, const HttpResponse& response) {
  return record_of(type, [&](std::string_view field, const trt_type* field_type) {
    if (field == "status") return of(response.status);
    if (field == "body") return of(response.body);
    return map_of(field_type, response.headers);
  });
}

Slot request_of(const trt_type* type, HttpRequest& request) {
  return record_of(type, [&](std::string_view field, const trt_type* field_type) {
    if (field == "method") return of(std::move(request.method));
    if (field == "path") return of(std::move(request.path));
    if (field == "query") return map_of(field_type, request.query);
    if (field == "headers") return map_of(field_type, request.headers);
    return of(std::move(request.body));
  });
}

Map<std::string, std::string> strs_map(Slot slot);

HttpResponse response_from(const trt_type* type, Slot record) {
  const auto& fields = reinterpret_cast<const TupleBox*>(record)->fields;
  HttpResponse response;
  for (std::int64_t i = 0; i < type->count; ++i) {
    std::string_view field = type->names[i];
    Slot value = fields[static_cast<std::size_t>(i)];
    if (field == "status") response.status = static_cast<std::int64_t>(value);
    if (field == "body") response.body = text_of(reinterpret_cast<const void*>(value));
    if (field == "headers") response.headers = strs_map(value);
  }
  return response;
}

Map<std::string, std::string> strs_map(Slot slot) {
  Map<std::string, std::string> entries;
  for (const auto& [key, value] : reinterpret_cast<const MapBox*>(slot)->entries) {
    entries[text_of(reinterpret_cast<const void*>(key))] = text_of(reinterpret_cast<const void*>(value));
  }
  return entries;
}

// A copy of an element the result keeps: its own reference.
Slot kept(const trt_type* type, Slot value) {
  retain_slot(type, value);
  return value;
}

}  // namespace
}  // namespace taskrt::lowered

using taskrt::lowered::Operands;
using taskrt::lowered::Slot;
using namespace taskrt::lowered;  // of(), list_of(), …

#define TRT_BUILTIN(name)                                                                                        \
  static void builtin_##name(const Operands& in, Slot& out, const trt_type* result_type);                        \
  extern "C" bool trt_builtin_##name(void* call, void* types, void* args, void* out, void* result_type) {        \
    Operands in{static_cast<const trt_type* const*>(types), static_cast<const Slot*>(args)};                     \
    return fail_call(                                                                                            \
        call, [&] { builtin_##name(in, *static_cast<Slot*>(out), static_cast<const trt_type*>(result_type)); }); \
  }                                                                                                              \
  static void builtin_##name([[maybe_unused]] const Operands& in, [[maybe_unused]] Slot& out,                    \
                             [[maybe_unused]] const trt_type* result_type)

TRT_BUILTIN(now) {
  out = of(taskrt::now());
}
TRT_BUILTIN(clock) {
  out = of(static_cast<std::int64_t>(taskrt::clock().count()));
}
TRT_BUILTIN(getpid) {
  out = of(taskrt::getpid());
}
TRT_BUILTIN(random) {
  out = of(taskrt::random());
}
TRT_BUILTIN(random_int) {
  out = of(taskrt::random_int(in.integer(0), in.integer(1)));
}

TRT_BUILTIN(abs) {
  switch (in.type(0)->kind) {
    case trt_kind_float: out = of(taskrt::abs(in.real(0))); return;
    case trt_kind_duration: out = of(taskrt::abs(std::chrono::nanoseconds(in.integer(0))).count()); return;
    default: out = of(taskrt::abs(in.integer(0))); return;
  }
}

// min/max: of a list, or of their operands; NaN after every number.
static Slot extreme(const Operands& in, bool smallest) {
  if (in.type(0)->kind == trt_kind_list) {
    const trt_type* element = in.type(0)->args[0];
    const auto& items = in.items(0);
    if (items.empty()) throw taskrt::ValueError(smallest ? "min of an empty list" : "max of an empty list");
    auto order = [&](Slot a, Slot b) { return taskrt::lowered::less(element, a, b); };
    Slot best = smallest ? *std::min_element(items.begin(), items.end(), order)
                         : *std::max_element(items.begin(), items.end(), order);
    return kept(element, best);
  }
  Slot best = in.slot(0);
  for (int i = 1; in.types[i] != nullptr; ++i) {
    bool better = smallest ? taskrt::lowered::less(in.type(0), in.slot(i), best)
                           : taskrt::lowered::less(in.type(0), best, in.slot(i));
    if (better) best = in.slot(i);
  }
  return kept(in.type(0), best);
}

TRT_BUILTIN(min) {
  out = extreme(in, true);
}
TRT_BUILTIN(max) {
  out = extreme(in, false);
}

TRT_BUILTIN(round) {
  if (in.type(0)->kind == trt_kind_int) {
    out = of(in.integer(0));
  } else if (result_type->kind == trt_kind_float) {
    out = of(taskrt::round(in.real(0), in.integer(1)));
  } else {
    out = of(taskrt::round(in.real(0)));
  }
}
TRT_BUILTIN(sqrt) {
  out = of(taskrt::sqrt(in.real(0)));
}
TRT_BUILTIN(sin) {
  out = of(taskrt::sin(in.real(0)));
}
TRT_BUILTIN(cos) {
  out = of(taskrt::cos(in.real(0)));
}
TRT_BUILTIN(pow) {
  out = of(taskrt::pow(in.real(0), in.real(1)));
}
// As taskrt::hash: of the printed form, so both backends agree.
TRT_BUILTIN(hash) {
  std::string shown;
  taskrt::lowered::append_value(shown, in.type(0), in.slot(0), false);
  out = of(static_cast<std::int64_t>(std::hash<std::string>{}(shown) >> 1));
}
TRT_BUILTIN(floor) {
  out = of(taskrt::floor(in.real(0)));
}

TRT_BUILTIN(int) {
  switch (in.type(0)->kind) {
    case trt_kind_str: out = of(taskrt::to_int(in.str(0))); return;
    case trt_kind_float: out = of(taskrt::to_int(in.real(0))); return;
    case trt_kind_bool: out = of(taskrt::to_int(in.flag(0))); return;
    default: out = in.slot(0); return;
  }
}
TRT_BUILTIN(float) {
  switch (in.type(0)->kind) {
    case trt_kind_str: out = of(taskrt::to_float(in.str(0))); return;
    case trt_kind_int: out = of(taskrt::to_float(in.integer(0))); return;
    default: out = in.slot(0); return;
  }
}

TRT_BUILTIN(split) {
  out = strs_of(result_type, in.types[1] != nullptr ? taskrt::split(in.str(0), in.str(1)) : taskrt::split(in.str(0)));
}
TRT_BUILTIN(join) {
  out = of(taskrt::join(in.strs(0), in.str(1)));
}
TRT_BUILTIN(trim) {
  out = of(taskrt::trim(in.str(0)));
}
TRT_BUILTIN(lower) {
  out = of(taskrt::lower(in.str(0)));
}
TRT_BUILTIN(upper) {
  out = of(taskrt::upper(in.str(0)));
}
TRT_BUILTIN(starts_with) {
  out = of(taskrt::starts_with(in.str(0), in.str(1)));
}
TRT_BUILTIN(ends_with) {
  out = of(taskrt::ends_with(in.str(0), in.str(1)));
}
TRT_BUILTIN(replace) {
  out = of(taskrt::replace(in.str(0), in.str(1), in.str(2)));
}
TRT_BUILTIN(repeat) {
  out = of(taskrt::repeat(in.str(0), in.integer(1)));
}
TRT_BUILTIN(is_digit) {
  out = of(taskrt::is_digit(in.str(0)));
}
TRT_BUILTIN(is_alpha) {
  out = of(taskrt::is_alpha(in.str(0)));
}
TRT_BUILTIN(is_space) {
  out = of(taskrt::is_space(in.str(0)));
}
TRT_BUILTIN(chars) {
  out = strs_of(result_type, taskrt::chars(in.str(0)));
}
TRT_BUILTIN(bytes) {
  std::vector<std::int64_t> values = taskrt::bytes(in.str(0));
  out = list_of(result_type, std::vector<Slot>(values.begin(), values.end()));
}
TRT_BUILTIN(len_chars) {
  out = of(taskrt::len_chars(in.str(0)));
}
TRT_BUILTIN(chr) {
  out = of(taskrt::chr(in.integer(0)));
}
TRT_BUILTIN(ord) {
  out = of(taskrt::ord(in.str(0)));
}
TRT_BUILTIN(find) {
  std::optional<std::int64_t> at = taskrt::find(in.str(0), in.str(1));
  out = optional_of(result_type, at ? std::optional<Slot>(of(*at)) : std::nullopt);
}

TRT_BUILTIN(contains) {
  if (in.type(0)->kind == trt_kind_map) {
    out = of(reinterpret_cast<MapBox*>(in.slot(0))->find(in.slot(1)) != nullptr);
    return;
  }
  if (in.type(0)->kind == trt_kind_str) {
    out = of(taskrt::contains(in.str(0), in.str(1)));
    return;
  }
  const trt_type* element = in.type(0)->args[0];
  bool found = false;
  for (Slot item : in.items(0)) found = found || taskrt::lowered::equal(element, item, in.slot(1));
  out = of(found);
}

TRT_BUILTIN(sorted) {
  const trt_type* element = in.type(0)->args[0];
  std::vector<Slot> items = in.items(0);
  bool reverse = in.types[1] != nullptr && in.flag(1);
  if (reverse) {
    std::stable_sort(items.begin(), items.end(), [&](Slot a, Slot b) { return taskrt::lowered::less(element, b, a); });
  } else {
    std::stable_sort(items.begin(), items.end(), [&](Slot a, Slot b) { return taskrt::lowered::less(element, a, b); });
  }
  for (Slot item : items) retain_slot(element, item);
  out = list_of(result_type, std::move(items));
}

// sorted(xs, x => key [, reverse]), min(xs, x => key), max(…): the
// program computed the keys, once per element in order (operand 1); the
// elements are ordered by them, a stable sort, the first best.
TRT_BUILTIN(sorted_by) {
  const trt_type* element = in.type(0)->args[0];
  const trt_type* key = in.type(1)->args[0];
  const auto& keys = in.items(1);
  bool reverse = in.types[2] != nullptr && in.flag(2);
  std::vector<std::size_t> order(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return reverse ? taskrt::lowered::less(key, keys[b], keys[a]) : taskrt::lowered::less(key, keys[a], keys[b]);
  });
  std::vector<Slot> items;
  items.reserve(order.size());
  for (std::size_t i : order) items.push_back(kept(element, in.items(0)[i]));
  out = list_of(result_type, std::move(items));
}

static Slot best_by(const Operands& in, bool smallest) {
  const trt_type* key = in.type(1)->args[0];
  const auto& keys = in.items(1);
  if (keys.empty()) throw taskrt::ValueError(smallest ? "min of an empty list" : "max of an empty list");
  std::size_t best = 0;
  for (std::size_t i = 1; i < keys.size(); ++i) {
    bool beats =
        smallest ? taskrt::lowered::less(key, keys[i], keys[best]) : taskrt::lowered::less(key, keys[best], keys[i]);
    if (beats) best = i;
  }
  return kept(in.type(0)->args[0], in.items(0)[best]);
}

TRT_BUILTIN(min_by) {
  out = best_by(in, true);
}
TRT_BUILTIN(max_by) {
  out = best_by(in, false);
}

TRT_BUILTIN(reversed) {
  const trt_type* element = in.type(0)->args[0];
  std::vector<Slot> items(in.items(0).rbegin(), in.items(0).rend());
  for (Slot item : items) retain_slot(element, item);
  out = list_of(result_type, std::move(items));
}

TRT_BUILTIN(range) {
  std::vector<std::int64_t> numbers;
  if (in.types[1] == nullptr) {
    numbers = taskrt::range(in.integer(0));
  } else if (in.types[2] == nullptr) {
    numbers = taskrt::range(in.integer(0), in.integer(1));
  } else {
    numbers = taskrt::range(in.integer(0), in.integer(1), in.integer(2));
  }
  std::vector<Slot> items;
  for (std::int64_t i : numbers) items.push_back(of(i));
  out = list_of(result_type, std::move(items));
}

TRT_BUILTIN(keys) {
  std::vector<Slot> items;
  for (const auto& entry : reinterpret_cast<const MapBox*>(in.slot(0))->entries) {
    items.push_back(kept(in.type(0)->args[0], entry.first));
  }
  out = list_of(result_type, std::move(items));
}

TRT_BUILTIN(values) {
  std::vector<Slot> items;
  for (const auto& entry : reinterpret_cast<const MapBox*>(in.slot(0))->entries) {
    items.push_back(kept(in.type(0)->args[1], entry.second));
  }
  out = list_of(result_type, std::move(items));
}

TRT_BUILTIN(get) {
  auto* entry = reinterpret_cast<MapBox*>(in.slot(0))->find(in.slot(1));
  out = kept(in.type(0)->args[1], entry != nullptr ? entry->second : in.slot(2));
}

TRT_BUILTIN(env) {
  std::optional<std::string> value = taskrt::env(in.str(0));
  out = optional_of(result_type, value ? std::optional<Slot>(of(*value)) : std::nullopt);
}

// Builtins that wait: `void trt_await_builtin_NAME(call, types, args, out,
// result_type)` reads its operands at once and leaves the waiting to the
// body's LoweredCall (lowered.cpp), whose task writes the result to `out`.
namespace taskrt::lowered {
void await_task(void* call, taskrt::Task<void> task);
// A branch of the body's (lowered.cpp), run for an element it owns meanwhile.
Task<Owned> run_branch_on(void* branch, void* captures, Owned element, const trt_type* type);
}  // namespace taskrt::lowered

#define TRT_AWAIT_BUILTIN(name)                                                                                        \
  static taskrt::Task<void> await_##name(Operands in, Slot* out, const trt_type* result_type);                         \
  extern "C" void trt_await_builtin_##name(void* call, void* types, void* args, void* out, void* result_type) {        \
    Operands in{static_cast<const trt_type* const*>(types), static_cast<const Slot*>(args)};                           \
    taskrt::lowered::await_task(call,                                                                                  \
                                await_##name(in, static_cast<Slot*>(out), static_cast<const trt_type*>(result_type))); \
  }                                                                                                                    \
  static taskrt::Task<void> await_##name([[maybe_unused]] Operands in, [[maybe_unused]] Slot* out,                     \
                                         [[maybe_unused]] const trt_type* result_type)

// The operands stay the caller's until it is resumed, after the task ends.
TRT_AWAIT_BUILTIN(http_get) {
  auto response = taskrt::http_get(in.str(0));
  *out = response_of(result_type, co_await std::move(response));
}
TRT_AWAIT_BUILTIN(http) {
  auto response = taskrt::http(in.str(0), in.str(1), in.str(2), strs_map(in.slot(3)));
  *out = response_of(result_type, co_await std::move(response));
}
namespace {

// One request of serve: the handler's call as the body's branch, from the
// request's record to the answer's.
taskrt::Task<taskrt::HttpResponse> answer_request(void* branch, void* captures, const trt_type* request_type,
                                                  const trt_type* response_type, taskrt::HttpRequest request) {
  taskrt::lowered::Owned element(request_type, request_of(request_type, request));
  taskrt::lowered::Owned answer =
      co_await taskrt::lowered::run_branch_on(branch, captures, std::move(element), response_type);
  co_return response_from(response_type, answer.peek());
}

}  // namespace

extern "C" void trt_await_serve(void* call, void* branch, void* captures, void* address, void* request_type,
                                void* response_type) {
  const auto* request = static_cast<const trt_type*>(request_type);
  const auto* response = static_cast<const trt_type*>(response_type);
  taskrt::HttpHandler handler = [=](taskrt::HttpRequest each) {
    return answer_request(branch, captures, request, response, std::move(each));
  };
  taskrt::lowered::await_task(call, taskrt::serve(text_of(address), std::move(handler)));
}

TRT_AWAIT_BUILTIN(read_file) {
  auto text = taskrt::read_file(in.str(0));
  *out = of(co_await std::move(text));
}
TRT_AWAIT_BUILTIN(read_bytes) {
  auto text = taskrt::read_bytes(in.str(0), in.integer(1));
  *out = of(co_await std::move(text));
}
TRT_AWAIT_BUILTIN(write_file) {
  auto done = taskrt::write_file(in.str(0), in.str(1));
  co_await std::move(done);
}
TRT_AWAIT_BUILTIN(append_file) {
  auto done = taskrt::append_file(in.str(0), in.str(1));
  co_await std::move(done);
}
TRT_AWAIT_BUILTIN(read_lines) {
  auto lines = taskrt::read_lines(in.str(0));
  *out = strs_of(result_type, co_await std::move(lines));
}
TRT_AWAIT_BUILTIN(list_dir) {
  auto names = taskrt::list_dir(in.str(0));
  *out = strs_of(result_type, co_await std::move(names));
}
TRT_AWAIT_BUILTIN(exec) {
  auto result = taskrt::exec(in.str(0), in.strs(1));
  taskrt::ExecResult done = co_await std::move(result);
  *out = record_of(result_type, [&](std::string_view field, const trt_type*) {
    if (field == "code") return of(done.code);
    return of(field == "stdout" ? done.stdout : done.stderr);
  });
}

// Arithmetic with durations, by the C++ backend's functions (so the errors
// read the same): d ± d, d * n, n * d, d / n, d / d, -d.
extern "C" bool trt_duration_math(void* call, std::int32_t op, void* types, void* args, void* out) {
  Operands in{static_cast<const trt_type* const*>(types), static_cast<const Slot*>(args)};
  using taskrt::Duration;
  auto duration = [&](int i) { return Duration(in.integer(i)); };
  auto number = [&](int i) { return in.type(i)->kind == trt_kind_float; };
  Slot& result = *static_cast<Slot*>(out);
  return fail_call(call, [&] {
    int d = in.type(0)->kind == trt_kind_duration ? 0 : 1;  // which operand is the duration
    int other = 1 - d;
    switch (op) {
      case trt_op_add: result = of(taskrt::checked_add(duration(0), duration(1)).count()); return;
      case trt_op_sub: result = of(taskrt::checked_sub(duration(0), duration(1)).count()); return;
      case trt_op_neg: result = of(taskrt::checked_neg(duration(0)).count()); return;
      case trt_op_mul:
        result = of(
            (number(other) ? taskrt::scale(duration(d), in.real(other)) : taskrt::scale(duration(d), in.integer(other)))
                .count());
        return;
      case trt_op_div:
        if (in.type(1)->kind == trt_kind_duration) {
          result = of(taskrt::divide(duration(0), duration(1)));
        } else {
          result = of((number(1) ? taskrt::divide(duration(0), in.real(1)) : taskrt::divide(duration(0), in.integer(1)))
                          .count());
        }
        return;
      default: throw taskrt::ArithmeticError("not an operation on durations");
    }
  });
}

// format(value, spec): ints and floats by the spec's number rules, the rest
// as print shows them (then padded and aligned), as the C++ backend.
TRT_BUILTIN(format) {
  switch (in.type(0)->kind) {
    case trt_kind_int: out = of(taskrt::format(in.integer(0), in.str(1))); return;
    case trt_kind_float: out = of(taskrt::format(in.real(0), in.str(1))); return;
    case trt_kind_str: out = of(taskrt::format(in.str(0), in.str(1))); return;
    default: {
      std::string shown;
      append_value(shown, in.type(0), in.slot(0), true);
      out = of(taskrt::format(shown, in.str(1)));
      return;
    }
  }
}

TRT_BUILTIN(re_find) {
  auto found = taskrt::re_find(in.str(0), in.str(1));
  out = optional_of(result_type, found ? std::optional<Slot>(strs_of(result_type->args[0], *found)) : std::nullopt);
}
TRT_BUILTIN(re_find_all) {
  std::vector<Slot> matches;
  for (const auto& groups : taskrt::re_find_all(in.str(0), in.str(1))) {
    matches.push_back(strs_of(result_type->args[0], groups));
  }
  out = list_of(result_type, std::move(matches));
}
TRT_BUILTIN(re_matches) {
  out = of(taskrt::re_matches(in.str(0), in.str(1)));
}
TRT_BUILTIN(re_replace) {
  out = of(taskrt::re_replace(in.str(0), in.str(1), in.str(2)));
}
TRT_BUILTIN(re_split) {
  out = strs_of(result_type, taskrt::re_split(in.str(0), in.str(1)));
}

TRT_BUILTIN(md5) {
  out = of(taskrt::md5(in.str(0)));
}
TRT_BUILTIN(sha1) {
  out = of(taskrt::sha1(in.str(0)));
}
TRT_BUILTIN(sha256) {
  out = of(taskrt::sha256(in.str(0)));
}
TRT_BUILTIN(base64_encode) {
  out = of(taskrt::base64_encode(in.str(0)));
}
TRT_BUILTIN(base64_decode) {
  out = of(taskrt::base64_decode(in.str(0)));
}
TRT_BUILTIN(url_encode) {
  out = of(taskrt::url_encode(in.str(0)));
}
TRT_BUILTIN(url_decode) {
  out = of(taskrt::url_decode(in.str(0)));
}
TRT_BUILTIN(route) {
  std::optional<taskrt::Map<std::string, std::string>> found = taskrt::route(in.str(0), in.str(1));
  out = optional_of(result_type, found ? std::optional<Slot>(map_of(result_type->args[0], *found)) : std::nullopt);
}
TRT_BUILTIN(url_join) {
  out = of(taskrt::url_join(in.str(0), in.str(1)));
}
TRT_BUILTIN(format_time) {
  out = of(taskrt::format_time(in.real(0), in.str(1)));
}
TRT_BUILTIN(parse_time) {
  out = of(taskrt::parse_time(in.str(0), in.str(1)));
}

// zip and enumerate: lists of pairs, each element a reference of the pair's.
static Slot pair_of(const trt_type* pair_type, Slot first, Slot second) {
  auto* pair = new TupleBox;
  pair->type = pair_type;
  pair->fields = {kept(pair_type->args[0], first), kept(pair_type->args[1], second)};
  return slot(pair);
}

TRT_BUILTIN(zip) {
  const auto& a = in.items(0);
  const auto& b = in.items(1);
  std::vector<Slot> pairs;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) pairs.push_back(pair_of(result_type->args[0], a[i], b[i]));
  out = list_of(result_type, std::move(pairs));
}

TRT_BUILTIN(enumerate) {
  const auto& items = in.items(0);
  std::vector<Slot> pairs;
  for (std::size_t i = 0; i < items.size(); ++i) {
    pairs.push_back(pair_of(result_type->args[0], static_cast<Slot>(i), items[i]));
  }
  out = list_of(result_type, std::move(pairs));
}
