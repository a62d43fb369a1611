// The values of programs built by the LLVM backend (lowered_values.hpp).
#include "lowered_values.hpp"

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>

#include "taskrt/builtins.hpp"
#include "taskrt/error.hpp"
#include "taskrt/format.hpp"

namespace taskrt::lowered {

const trt_type kStrType{trt_kind_str, 0, nullptr, nullptr, nullptr, nullptr};
const trt_type kCallsType{trt_kind_calls, 0, nullptr, nullptr, nullptr, nullptr};

bool is_boxed(const trt_type* type) {
  switch (type->kind) {
    case trt_kind_int:
    case trt_kind_float:
    case trt_kind_bool:
    case trt_kind_duration: return false;
    default: return true;
  }
}

namespace {

Box* box_of(Slot slot) {
  return reinterpret_cast<Box*>(static_cast<std::uintptr_t>(slot));
}

// The type of each slot of a tuple, record or optional box.
const trt_type* field_type(const trt_type* type, std::size_t i) {
  return type->kind == trt_kind_optional ? type->args[0] : type->args[i];
}

Box* copy(const Box* box) {
  const trt_type* type = box->type;
  switch (type->kind) {
    case trt_kind_map: {
      const auto* original = static_cast<const MapBox*>(box);
      auto* map = new MapBox;
      map->type = type;
      map->entries = original->entries;
      for (auto& [key, value] : map->entries) {
        retain_slot(type->args[0], key);
        retain_slot(type->args[1], value);
      }
      map->reindex();  // the index views the keys' texts, which are shared
      return map;
    }
    case trt_kind_str: return new_str(static_cast<const StrBox*>(box)->text);
    case trt_kind_result: {
      const auto* original = static_cast<const ResultBox*>(box);
      if (!original->error) retain_slot(type->args[0], original->value);
      return box_of(new_result(type, original->value, original->error));
    }
    case trt_kind_list: {
      auto* list = new ListBox;
      list->type = type;
      list->items = static_cast<const ListBox*>(box)->items;
      for (Slot item : list->items) retain_slot(type->args[0], item);
      return list;
    }
    default: {
      auto* tuple = new TupleBox;
      tuple->type = type;
      tuple->fields = static_cast<const TupleBox*>(box)->fields;
      for (std::size_t i = 0; i < tuple->fields.size(); ++i) retain_slot(field_type(type, i), tuple->fields[i]);
      return tuple;
    }
  }
}

double float_of(Slot slot) {
  return std::bit_cast<double>(slot);
}

std::int64_t int_of(Slot slot) {
  return static_cast<std::int64_t>(slot);
}

}  // namespace

void destroy(Box* box) {
  const trt_type* type = box->type;
  switch (type->kind) {
    case trt_kind_map: {
      auto* map = static_cast<MapBox*>(box);
      for (auto& [key, value] : map->entries) {
        release_slot(type->args[0], key);
        release_slot(type->args[1], value);
      }
      delete map;
      return;
    }
    case trt_kind_str: delete static_cast<StrBox*>(box); return;
    case trt_kind_calls: CallsBox::destroy(static_cast<CallsBox*>(box)); return;
    case trt_kind_result: {
      auto* result = static_cast<ResultBox*>(box);
      if (!result->error) release_slot(type->args[0], result->value);
      delete result;
      return;
    }
    case trt_kind_channel: delete static_cast<ChannelBox*>(box); return;
    case trt_kind_list: {
      auto* list = static_cast<ListBox*>(box);
      if (is_boxed(type->args[0])) {
        for (Slot item : list->items) release(box_of(item));
      }
      delete list;
      return;
    }
    default: {
      auto* tuple = static_cast<TupleBox*>(box);
      for (std::size_t i = 0; i < tuple->fields.size(); ++i) release_slot(field_type(type, i), tuple->fields[i]);
      delete tuple;
      return;
    }
  }
}

Owned& Owned::operator=(Owned&& other) noexcept {
  if (this != &other) {
    if (type_ != nullptr) release_slot(type_, slot_);
    type_ = other.type_;
    slot_ = other.slot_;
    other.type_ = nullptr;
  }
  return *this;
}

Owned::~Owned() {
  if (type_ != nullptr) release_slot(type_, slot_);
}

std::pair<Slot, Slot>* MapBox::find(Slot key) {
  bool str_key = type->args[0]->kind == trt_kind_str;
  if (!indexed()) {
    for (auto& entry : entries) {
      if (str_key ? text_of(box_of(entry.first)) == text_of(box_of(key)) : entry.first == key) return &entry;
    }
    return nullptr;
  }
  if (str_key) {
    auto it = str_keys.find(text_of(box_of(key)));
    return it == str_keys.end() ? nullptr : &entries[it->second];
  }
  auto it = int_keys.find(int_of(key));
  return it == int_keys.end() ? nullptr : &entries[it->second];
}

void MapBox::put(Slot key, Slot value) {
  if (auto* entry = find(key)) {
    release_slot(type->args[0], key);
    release_slot(type->args[1], entry->second);
    entry->second = value;
    return;
  }
  entries.emplace_back(key, value);
  if (entries.size() == kIndexedFrom) {
    reindex();
  } else if (indexed()) {
    index_entry(entries.size() - 1);
  }
}

void MapBox::erase(Slot key) {
  auto* entry = find(key);
  if (entry == nullptr) return;
  release_slot(type->args[0], entry->first);
  release_slot(type->args[1], entry->second);
  entries.erase(entries.begin() + (entry - entries.data()));
  reindex();
}

void MapBox::reindex() {
  int_keys.clear();
  str_keys.clear();
  if (!indexed()) return;
  for (std::size_t i = 0; i < entries.size(); ++i) index_entry(i);
}

void MapBox::index_entry(std::size_t position) {
  Slot key = entries[position].first;
  if (type->args[0]->kind == trt_kind_str) {
    str_keys.emplace(text_of(box_of(key)), position);
  } else {
    int_keys.emplace(int_of(key), position);
  }
}

void retain_slot(const trt_type* type, Slot slot) {
  if (is_boxed(type)) retain(box_of(slot));
}

void release_slot(const trt_type* type, Slot slot) {
  if (is_boxed(type)) release(box_of(slot));
}

Slot new_result(const trt_type* type, Slot value, std::exception_ptr error) {
  auto* result = new ResultBox;
  result->type = type;
  result->value = error ? 0 : value;
  result->error = std::move(error);
  return slot(result);
}

namespace {
std::size_t calls_size(const trt_task* task, std::size_t count) {
  auto params = static_cast<std::size_t>(task->param_count);
  return sizeof(CallsBox) + count * params * sizeof(Slot) + count * sizeof(Task<void>);
}
}  // namespace

CallsBox* CallsBox::make(const trt_task* task, std::size_t count) {
  auto params = static_cast<std::size_t>(task->param_count);
  static_assert(alignof(Task<void>) <= alignof(Slot) && sizeof(CallsBox) % alignof(Slot) == 0);
  auto* calls = ::new (detail::allocate_frame(calls_size(task, count))) CallsBox;
  calls->type = &kCallsType;
  calls->task = task;
  calls->count = count;
  calls->args = reinterpret_cast<Slot*>(calls + 1);
  calls->tasks = reinterpret_cast<Task<void>*>(calls->args + count * params);
  return calls;
}

void CallsBox::destroy(CallsBox* calls) {
  for (std::size_t i = 0; i < calls->made; ++i) calls->tasks[i].~Task();
  auto params = static_cast<std::size_t>(calls->task->param_count);
  for (std::size_t p = 0; p < params; ++p) {
    const trt_type* param = calls->task->param_types[p];
    if (!is_boxed(param)) continue;
    for (std::size_t i = 0; i < calls->filled; ++i) release(box_of(calls->args[i * params + p]));
  }
  std::size_t size = calls_size(calls->task, calls->count);
  calls->~CallsBox();
  detail::free_frame(calls, size);
}

StrBox* new_str(std::string text) {
  auto* box = new StrBox;
  box->type = &kStrType;
  box->text = std::move(text);
  return box;
}

const std::string& text_of(const void* str) {
  return static_cast<const StrBox*>(str)->text;
}

Box* unique(void** variable) {
  auto* box = static_cast<Box*>(*variable);
  if (box->references.load(std::memory_order_acquire) == 1) return box;
  Box* own = copy(box);
  release(box);
  *variable = own;
  return own;
}

void append_value(std::string& out, const trt_type* type, Slot slot, bool top) {
  switch (type->kind) {
    case trt_kind_int: out += format_value(int_of(slot)); return;
    case trt_kind_float: out += format_value(float_of(slot)); return;
    case trt_kind_bool: out += format_value(slot != 0); return;
    case trt_kind_duration: out += format_value(std::chrono::nanoseconds(int_of(slot))); return;
    case trt_kind_str: out += top ? text_of(box_of(slot)) : quote_string(text_of(box_of(slot))); return;
    case trt_kind_list: {
      const auto& items = static_cast<const ListBox*>(box_of(slot))->items;
      out += "[";
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        append_value(out, type->args[0], items[i], false);
      }
      out += "]";
      return;
    }
    case trt_kind_tuple: {
      const auto& fields = static_cast<const TupleBox*>(box_of(slot))->fields;
      out += "(";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ", ";
        append_value(out, type->args[i], fields[i], false);
      }
      out += ")";
      return;
    }
    case trt_kind_result: {
      // As format_value of a Result.
      const auto* result = static_cast<const ResultBox*>(box_of(slot));
      if (result->error) {
        out += "error(";
        out += error_kind_name(kind_of(result->error));
        out += ": " + quote_string(message_of(result->error)) + ")";
      } else {
        out += "ok(";
        append_value(out, type->args[0], result->value, false);
        out += ")";
      }
      return;
    }
    case trt_kind_record: {
      const auto& fields = static_cast<const TupleBox*>(box_of(slot))->fields;
      out += type->name;
      out += " {";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        out += i > 0 ? ", " : " ";
        out += type->names[i];
        out += ": ";
        append_value(out, type->args[i], fields[i], false);
      }
      out += " }";
      return;
    }
    case trt_kind_map: {
      const auto& entries = static_cast<const MapBox*>(box_of(slot))->entries;
      out += "{";
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ", ";
        append_value(out, type->args[0], entries[i].first, false);
        out += ": ";
        append_value(out, type->args[1], entries[i].second, false);
      }
      out += "}";
      return;
    }
    case trt_kind_optional: {
      if (box_of(slot) == nullptr) {
        out += "none";
      } else {
        // A present `str?` shows raw at the top, as a `str` does.
        append_value(out, type->args[0], static_cast<const TupleBox*>(box_of(slot))->fields[0], top);
      }
      return;
    }
    default: out += "?"; return;
  }
}

bool equal(const trt_type* type, Slot a, Slot b) {
  switch (type->kind) {
    case trt_kind_int:
    case trt_kind_bool:
    case trt_kind_duration: return a == b;
    case trt_kind_float: return float_of(a) == float_of(b);
    case trt_kind_str: return text_of(box_of(a)) == text_of(box_of(b));
    case trt_kind_list: {
      const auto& x = static_cast<const ListBox*>(box_of(a))->items;
      const auto& y = static_cast<const ListBox*>(box_of(b))->items;
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equal(type->args[0], x[i], y[i])) return false;
      }
      return true;
    }
    case trt_kind_map: {
      const auto& x = static_cast<const MapBox*>(box_of(a))->entries;
      const auto& y = static_cast<const MapBox*>(box_of(b))->entries;
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equal(type->args[0], x[i].first, y[i].first) || !equal(type->args[1], x[i].second, y[i].second)) {
          return false;
        }
      }
      return true;
    }
    case trt_kind_optional:
      if (box_of(a) == nullptr || box_of(b) == nullptr) return box_of(a) == box_of(b);
      [[fallthrough]];
    default: {
      const auto& x = static_cast<const TupleBox*>(box_of(a))->fields;
      const auto& y = static_cast<const TupleBox*>(box_of(b))->fields;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equal(field_type(type, i), x[i], y[i])) return false;
      }
      return true;
    }
  }
}

bool less(const trt_type* type, Slot a, Slot b) {
  switch (type->kind) {
    case trt_kind_int:
    case trt_kind_duration: return int_of(a) < int_of(b);
    case trt_kind_bool: return a < b;
    case trt_kind_float: return taskrt::less(float_of(a), float_of(b));
    case trt_kind_str: return text_of(box_of(a)) < text_of(box_of(b));
    case trt_kind_list: {
      const auto& x = static_cast<const ListBox*>(box_of(a))->items;
      const auto& y = static_cast<const ListBox*>(box_of(b))->items;
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (less(type->args[0], x[i], y[i])) return true;
        if (less(type->args[0], y[i], x[i])) return false;
      }
      return x.size() < y.size();
    }
    case trt_kind_optional:
      // none first, as std::optional orders.
      if (box_of(a) == nullptr || box_of(b) == nullptr) return box_of(a) == nullptr && box_of(b) != nullptr;
      [[fallthrough]];
    default: {
      const auto& x = static_cast<const TupleBox*>(box_of(a))->fields;
      const auto& y = static_cast<const TupleBox*>(box_of(b))->fields;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (less(field_type(type, i), x[i], y[i])) return true;
        if (less(field_type(type, i), y[i], x[i])) return false;
      }
      return false;
    }
  }
}

namespace {

void put(std::string& out, std::uint64_t word) {
  out.append(reinterpret_cast<const char*>(&word), sizeof word);
}

std::uint64_t get(std::string_view& in) {
  if (in.size() < sizeof(std::uint64_t)) throw FailedError("a value from a worker process is cut short");
  std::uint64_t word = 0;
  std::memcpy(&word, in.data(), sizeof word);
  in.remove_prefix(sizeof word);
  return word;
}

}  // namespace

void encode_slot(std::string& out, const trt_type* type, Slot slot) {
  switch (type->kind) {
    case trt_kind_str: {
      const std::string& text = text_of(box_of(slot));
      put(out, text.size());
      out += text;
      return;
    }
    case trt_kind_list: {
      const auto& items = static_cast<const ListBox*>(box_of(slot))->items;
      put(out, items.size());
      for (Slot item : items) encode_slot(out, type->args[0], item);
      return;
    }
    case trt_kind_map: {
      const auto& entries = static_cast<const MapBox*>(box_of(slot))->entries;
      put(out, entries.size());
      for (const auto& [key, value] : entries) {
        encode_slot(out, type->args[0], key);
        encode_slot(out, type->args[1], value);
      }
      return;
    }
    case trt_kind_optional:
      put(out, box_of(slot) == nullptr ? 0 : 1);
      if (box_of(slot) != nullptr)
        encode_slot(out, type->args[0], static_cast<const TupleBox*>(box_of(slot))->fields[0]);
      return;
    case trt_kind_tuple:
    case trt_kind_record: {
      const auto& fields = static_cast<const TupleBox*>(box_of(slot))->fields;
      for (std::size_t i = 0; i < fields.size(); ++i) encode_slot(out, type->args[i], fields[i]);
      return;
    }
    default: put(out, slot); return;  // int, float, bool, duration: the slot's bits
  }
}

Slot decode_slot(std::string_view& in, const trt_type* type) {
  switch (type->kind) {
    case trt_kind_str: {
      std::uint64_t size = get(in);
      if (in.size() < size) throw FailedError("a value from a worker process is cut short");
      std::string text(in.substr(0, size));
      in.remove_prefix(size);
      return slot(new_str(std::move(text)));
    }
    case trt_kind_list: {
      auto* list = new ListBox;
      list->type = type;
      std::uint64_t count = get(in);
      for (std::uint64_t i = 0; i < count; ++i) list->items.push_back(decode_slot(in, type->args[0]));
      return slot(list);
    }
    case trt_kind_map: {
      auto* map = new MapBox;
      map->type = type;
      std::uint64_t count = get(in);
      for (std::uint64_t i = 0; i < count; ++i) {
        Slot key = decode_slot(in, type->args[0]);
        map->put(key, decode_slot(in, type->args[1]));
      }
      return slot(map);
    }
    case trt_kind_optional: {
      if (get(in) == 0) return 0;
      auto* box = new TupleBox;
      box->type = type;
      box->fields.push_back(decode_slot(in, type->args[0]));
      return slot(box);
    }
    case trt_kind_tuple:
    case trt_kind_record: {
      auto* tuple = new TupleBox;
      tuple->type = type;
      for (std::int64_t i = 0; i < type->count; ++i) tuple->fields.push_back(decode_slot(in, type->args[i]));
      return slot(tuple);
    }
    default: return get(in);
  }
}

}  // namespace taskrt::lowered

using taskrt::lowered::Box;
using taskrt::lowered::ListBox;
using taskrt::lowered::Slot;
using taskrt::lowered::TupleBox;

extern "C" {

void trt_text_value(void* text, void* type, std::int64_t slot) {
  taskrt::lowered::append_value(*static_cast<std::string*>(text), static_cast<const trt_type*>(type),
                                static_cast<Slot>(slot), true);
}

bool trt_equal(void* type, std::int64_t a, std::int64_t b) {
  return taskrt::lowered::equal(static_cast<const trt_type*>(type), static_cast<Slot>(a), static_cast<Slot>(b));
}

bool trt_less(void* type, std::int64_t a, std::int64_t b) {
  return taskrt::lowered::less(static_cast<const trt_type*>(type), static_cast<Slot>(a), static_cast<Slot>(b));
}

void* trt_list_new(void* type, std::int64_t capacity) {
  auto* list = new ListBox;
  list->type = static_cast<const trt_type*>(type);
  list->items.reserve(static_cast<std::size_t>(capacity));
  return list;
}

void trt_list_append(void* list, std::int64_t slot) {
  static_cast<ListBox*>(list)->items.push_back(static_cast<Slot>(slot));
}

std::int64_t trt_list_len(void* list) {
  return static_cast<std::int64_t>(static_cast<ListBox*>(list)->items.size());
}

std::int64_t trt_list_at(void* list, std::int64_t index) {
  return static_cast<std::int64_t>(static_cast<ListBox*>(list)->items[static_cast<std::size_t>(index)]);
}

void trt_list_push(void* variable, std::int64_t slot) {
  auto* list = static_cast<ListBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
  list->items.push_back(static_cast<Slot>(slot));
}

void* trt_tuple_new(void* type, std::int64_t count) {
  auto* tuple = new TupleBox;
  tuple->type = static_cast<const trt_type*>(type);
  tuple->fields.assign(static_cast<std::size_t>(count), 0);
  return tuple;
}

void trt_tuple_init(void* tuple, std::int64_t index, std::int64_t slot) {
  static_cast<TupleBox*>(tuple)->fields[static_cast<std::size_t>(index)] = static_cast<Slot>(slot);
}

std::int64_t trt_tuple_get(void* tuple, std::int64_t index) {
  return static_cast<std::int64_t>(static_cast<TupleBox*>(tuple)->fields[static_cast<std::size_t>(index)]);
}

void* trt_map_new(void* type) {
  auto* map = new taskrt::lowered::MapBox;
  map->type = static_cast<const trt_type*>(type);
  return map;
}

void trt_map_put(void* map, std::int64_t key, std::int64_t value) {
  static_cast<taskrt::lowered::MapBox*>(map)->put(static_cast<Slot>(key), static_cast<Slot>(value));
}

void trt_map_remove(void* variable, std::int64_t key) {
  auto* map = static_cast<taskrt::lowered::MapBox*>(taskrt::lowered::unique(static_cast<void**>(variable)));
  map->erase(static_cast<Slot>(key));
}

std::int64_t trt_map_len(void* map) {
  return static_cast<std::int64_t>(static_cast<taskrt::lowered::MapBox*>(map)->entries.size());
}

std::int64_t trt_map_key_at(void* map, std::int64_t index) {
  return static_cast<std::int64_t>(
      static_cast<taskrt::lowered::MapBox*>(map)->entries[static_cast<std::size_t>(index)].first);
}

std::int64_t trt_map_value_at(void* map, std::int64_t index) {
  return static_cast<std::int64_t>(
      static_cast<taskrt::lowered::MapBox*>(map)->entries[static_cast<std::size_t>(index)].second);
}

}  // extern "C"
