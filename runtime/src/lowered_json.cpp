// json_decode and json_encode for programs built by the LLVM backend: the
// C++ backend's decoder and writer (taskrt/json.hpp), walked along a trt_type
// instead of a C++ type, so both backends accept, refuse and write the same
// texts with the same messages.
#include <bit>
#include <string>

#include "lowered_values.hpp"
#include "taskrt/json.hpp"

namespace taskrt::lowered {

namespace {

// A new value of `type` read from `json` (a reference of its own); throws
// ValueError naming the place. What was built before a failure is released.
Slot read_value(const json::Value& json, const trt_type* type) {
  switch (type->kind) {
    case trt_kind_int: return static_cast<Slot>(json.to_int());
    case trt_kind_float: return std::bit_cast<Slot>(json.to_float());
    case trt_kind_bool: return json.to_bool() ? 1 : 0;
    case trt_kind_str: return slot(new_str(std::string(json.to_str())));
    case trt_kind_duration: return static_cast<Slot>(json.to_duration().count());
    case trt_kind_optional: {
      if (json.is_null()) return 0;
      Owned value(type->args[0], read_value(json, type->args[0]));
      auto* box = new TupleBox;
      box->type = type;
      box->fields.push_back(value.take());
      return slot(box);
    }
    case trt_kind_list: {
      json::Array items(json);
      auto* list = new ListBox;
      list->type = type;
      Owned kept(type, slot(list));
      list->items.reserve(items.size());
      while (items.next()) list->items.push_back(read_value(items.value(), type->args[0]));
      return kept.take();
    }
    case trt_kind_tuple: {
      json::Array items(json);
      json::expect_size(json, items, static_cast<std::size_t>(type->count));
      auto* tuple = new TupleBox;
      tuple->type = type;
      Owned kept(type, slot(tuple));
      for (std::int64_t i = 0; i < type->count; ++i) {
        items.next();
        tuple->fields.push_back(read_value(items.value(), type->args[i]));
      }
      return kept.take();
    }
    case trt_kind_map: {
      json::Object members(json);
      auto* map = new MapBox;
      map->type = type;
      Owned kept(type, slot(map));
      bool str_keys = type->args[0]->kind == trt_kind_str;
      while (members.next()) {
        Owned key(type->args[0], str_keys ? slot(new_str(std::string(members.key())))
                                          : static_cast<Slot>(json::int_key(members.value(), members.key())));
        Slot value = read_value(members.value(), type->args[1]);
        map->put(key.take(), value);
      }
      return kept.take();
    }
    case trt_kind_record: {
      // The members in the text's order, those the record knows kept (a
      // repeated key: the last one); every field that is not optional must be there.
      json::Object members(json);
      auto* record = new TupleBox;
      record->type = type;
      record->fields.assign(static_cast<std::size_t>(type->count), 0);
      Owned kept(type, slot(record));
      std::vector<bool> seen(record->fields.size(), false);
      while (members.next()) {
        for (std::size_t i = 0; i < record->fields.size(); ++i) {
          if (members.key() != type->json_names[i]) continue;
          Slot value = read_value(members.value(), type->args[i]);
          if (seen[i]) release_slot(type->args[i], record->fields[i]);
          record->fields[i] = value;
          seen[i] = true;
          break;
        }
      }
      for (std::size_t i = 0; i < record->fields.size(); ++i) {
        if (!seen[i] && type->args[i]->kind != trt_kind_optional) members.missing(type->json_names[i]);
      }
      return kept.take();
    }
    default: json.fail("cannot hold this type");  // the checker allows no other
  }
}

void write_value(json::Writer& out, const trt_type* type, Slot value) {
  switch (type->kind) {
    case trt_kind_int: out.value(static_cast<std::int64_t>(value)); return;
    case trt_kind_float: out.value(std::bit_cast<double>(value)); return;
    case trt_kind_bool: out.value(value != 0); return;
    case trt_kind_str: out.value(std::string_view(text_of(reinterpret_cast<const void*>(value)))); return;
    case trt_kind_duration: out.value(Duration(static_cast<std::int64_t>(value))); return;
    case trt_kind_optional: {
      if (value == 0) {
        out.null();
      } else {
        write_value(out, type->args[0], reinterpret_cast<const TupleBox*>(value)->fields[0]);
      }
      return;
    }
    case trt_kind_list:
      out.begin_array();
      for (Slot item : reinterpret_cast<const ListBox*>(value)->items) write_value(out, type->args[0], item);
      out.end_array();
      return;
    case trt_kind_tuple: {
      const auto& fields = reinterpret_cast<const TupleBox*>(value)->fields;
      out.begin_array();
      for (std::size_t i = 0; i < fields.size(); ++i) write_value(out, type->args[i], fields[i]);
      out.end_array();
      return;
    }
    case trt_kind_record: {
      const auto& fields = reinterpret_cast<const TupleBox*>(value)->fields;
      out.begin_object();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        out.key(type->json_names[i]);
        write_value(out, type->args[i], fields[i]);
      }
      out.end_object();
      return;
    }
    case trt_kind_map: {
      bool str_keys = type->args[0]->kind == trt_kind_str;
      out.begin_object();
      for (const auto& [key, item] : reinterpret_cast<const MapBox*>(value)->entries) {
        if (str_keys) {
          out.key(text_of(reinterpret_cast<const void*>(key)));
        } else {
          out.key(std::to_string(static_cast<std::int64_t>(key)));
        }
        write_value(out, type->args[1], item);
      }
      out.end_object();
      return;
    }
    default: throw ValueError("json_encode: a channel has no JSON form");  // the checker allows no other
  }
}

}  // namespace
}  // namespace taskrt::lowered

using taskrt::lowered::Slot;

extern "C" bool trt_builtin_json_decode(void* call, void* types, void* args, void* out, void* result_type) {
  (void)types;
  return taskrt::lowered::fail_call(call, [&] {
    const std::string& text = taskrt::lowered::text_of(reinterpret_cast<const void*>(static_cast<Slot*>(args)[0]));
    taskrt::json::Document document(text);
    *static_cast<Slot*>(out) = taskrt::lowered::read_value(document.root(), static_cast<const trt_type*>(result_type));
  });
}

extern "C" bool trt_builtin_json_encode(void* call, void* types, void* args, void* out, void* result_type) {
  (void)result_type;
  return taskrt::lowered::fail_call(call, [&] {
    auto* operand_types = static_cast<const trt_type* const*>(types);
    auto* slots = static_cast<const Slot*>(args);
    std::int64_t indent = operand_types[1] != nullptr ? static_cast<std::int64_t>(slots[1]) : -1;
    taskrt::json::Writer writer(indent);
    taskrt::lowered::write_value(writer, operand_types[0], slots[0]);
    *static_cast<Slot*>(out) = taskrt::lowered::slot(taskrt::lowered::new_str(writer.take()));
  });
}
