// Operations on values of programs built by the LLVM backend that are not a
// builtin's: `+` on lists, `in`, slices, a str's byte, a..b as a value. Each
// calls the function the C++ backend's programs call, for the same results.
#include <string>
#include <vector>

#include "lowered_values.hpp"
#include "taskrt/builtins.hpp"
#include "taskrt/error.hpp"
#include "taskrt/random.hpp"

using taskrt::lowered::ListBox;
using taskrt::lowered::MapBox;
using taskrt::lowered::Slot;

namespace {

const ListBox* list_of(const void* box) {
  return static_cast<const ListBox*>(box);
}

ListBox* new_list(const trt_type* type, std::vector<Slot> items) {
  auto* list = new ListBox;
  list->type = type;
  list->items = std::move(items);
  for (Slot item : list->items) taskrt::lowered::retain_slot(type->args[0], item);
  return list;
}

}  // namespace

void* trt_list_concat(void* a, void* b) {
  std::vector<Slot> items = list_of(a)->items;
  items.insert(items.end(), list_of(b)->items.begin(), list_of(b)->items.end());
  return new_list(list_of(a)->type, std::move(items));
}

bool trt_contains(void* type, void* container, std::int64_t item) {
  const auto* described = static_cast<const trt_type*>(type);
  auto slot = static_cast<Slot>(item);
  switch (described->kind) {
    case trt_kind_str:
      return taskrt::contains(taskrt::lowered::text_of(container),
                              taskrt::lowered::text_of(reinterpret_cast<const void*>(slot)));
    case trt_kind_map: return static_cast<MapBox*>(container)->find(slot) != nullptr;
    default:
      for (Slot element : list_of(container)->items) {
        if (taskrt::lowered::equal(described->args[0], element, slot)) return true;
      }
      return false;
  }
}

static_assert(trt_slice_start == taskrt::kSliceStart && trt_slice_end == taskrt::kSliceEnd);

void* trt_slice(void* value, std::int64_t from, std::int64_t to, bool inclusive) {
  const auto* box = static_cast<const taskrt::lowered::Box*>(value);
  if (box->type->kind == trt_kind_str) {
    return taskrt::lowered::new_str(taskrt::slice(taskrt::lowered::text_of(value), from, to, inclusive));
  }
  const auto& items = list_of(value)->items;
  auto [begin, end] = taskrt::slice_bounds(from, to, inclusive, items.size());
  return new_list(box->type, std::vector<Slot>(items.begin() + static_cast<std::ptrdiff_t>(begin),
                                               items.begin() + static_cast<std::ptrdiff_t>(end)));
}

bool trt_str_at(void* call, void* s, std::int64_t index, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    std::string byte = taskrt::at(taskrt::lowered::text_of(s), index);
    *static_cast<void**>(out) = taskrt::lowered::new_str(std::move(byte));
  });
}

bool trt_range(void* call, void* type, std::int64_t start, std::int64_t end, bool inclusive, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    std::vector<std::int64_t> numbers = inclusive ? taskrt::range_inclusive(start, end) : taskrt::range(start, end);
    auto* list = new ListBox;
    list->type = static_cast<const trt_type*>(type);
    list->items.assign(numbers.begin(), numbers.end());
    *static_cast<void**>(out) = list;
  });
}

// Places: where `xs[i] = v`, `m[k] += v`, `r.f = v` and `push(m[k], x)`
// write. Each makes the container in `*variable` the variable's own first
// (copy on write) and gives the address of the element's slot, which stays
// valid until the container changes.
bool trt_list_place(void* call, void* variable, std::int64_t index, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    auto* list = static_cast<ListBox*>(*static_cast<void**>(variable));
    std::size_t at = taskrt::checked_index(index, list->items.size());
    list = static_cast<ListBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
    *static_cast<Slot**>(out) = &list->items[at];
  });
}

bool trt_map_place(void* call, void* variable, std::int64_t key, bool inserts, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    auto* map = static_cast<MapBox*>(*static_cast<void**>(variable));
    auto slot = static_cast<Slot>(key);
    if (map->find(slot) == nullptr && !inserts) {
      std::string shown;
      taskrt::lowered::append_value(shown, map->type->args[0], slot, false);
      taskrt::throw_missing_key(shown);
    }
    map = static_cast<MapBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
    auto* entry = map->find(slot);
    if (entry == nullptr) {
      // Only `m[k] = v` inserts; the value (none yet) is stored next.
      taskrt::lowered::retain_slot(map->type->args[0], slot);
      map->put(slot, 0);
      entry = map->find(slot);
    }
    *static_cast<Slot**>(out) = &entry->second;
  });
}

void* trt_tuple_place(void* variable, std::int64_t index) {
  auto* tuple = static_cast<taskrt::lowered::TupleBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
  return &tuple->fields[static_cast<std::size_t>(index)];
}

// pop(xs): the last element as an optional (its reference moves), or none.
void* trt_list_pop(void* variable, void* optional_type) {
  auto* list = static_cast<ListBox*>(*static_cast<void**>(variable));
  if (list->items.empty()) return nullptr;
  list = static_cast<ListBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
  auto* box = new taskrt::lowered::TupleBox;
  box->type = static_cast<const trt_type*>(optional_type);
  box->fields.push_back(list->items.back());
  list->items.pop_back();
  return box;
}

void trt_list_shuffle(void* variable) {
  auto* list = static_cast<ListBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
  taskrt::shuffle(list->items);
}

bool trt_result_ok(void* result) {
  return !static_cast<taskrt::lowered::ResultBox*>(result)->error;
}

bool trt_result_value(void* call, void* result, void* out) {
  auto* box = static_cast<taskrt::lowered::ResultBox*>(result);
  return taskrt::lowered::fail_call(call, [&] {
    if (box->error) std::rethrow_exception(box->error);
    *static_cast<Slot*>(out) = box->value;
  });
}

void* trt_result_error(void* result) {
  auto* box = static_cast<taskrt::lowered::ResultBox*>(result);
  return taskrt::lowered::new_str(box->error ? taskrt::message_of(box->error) : std::string());
}

void* trt_result_kind(void* result) {
  auto* box = static_cast<taskrt::lowered::ResultBox*>(result);
  return taskrt::lowered::new_str(box->error ? std::string(taskrt::error_kind_name(taskrt::kind_of(box->error)))
                                             : std::string());
}
