// The values of programs built by the LLVM backend (taskrt/lowered.hpp):
// counted boxes that know their type, and what every value can do — copy on
// write, print, compare — driven by its trt_type.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "taskrt/channel.hpp"
#include "taskrt/lowered.hpp"
#include "taskrt/task.hpp"

namespace taskrt::lowered {

using Slot = std::uint64_t;

struct Box {
  // From the runtime's recycling allocator, as coroutine frames: boxes come
  // and go as often as calls. Each is deleted as its own kind (sized).
  static void* operator new(std::size_t size) { return detail::allocate_frame(size); }
  static void operator delete(void* box, std::size_t size) noexcept { detail::free_frame(box, size); }

  std::atomic<std::int64_t> references{1};
  const trt_type* type = nullptr;
};

struct StrBox : Box {
  std::string text;
};

struct ListBox : Box {
  std::vector<Slot> items;
};

// A map keyed by int or str, in insertion order, as taskrt::Map.
struct MapBox : Box {
  // Up to this many entries a key is found by walking them: most maps are
  // small (headers, records of options, a request's query) and a walk beats
  // hashing and an index's allocations there.
  static constexpr std::size_t kIndexedFrom = 9;

  std::vector<std::pair<Slot, Slot>> entries;
  // The position of each key, only while there are kIndexedFrom entries or
  // more. A str key is a view of the text of its entry's key box, which the
  // map holds (and a box shared with the map is never changed in place).
  std::unordered_map<std::int64_t, std::size_t> int_keys;
  std::unordered_map<std::string_view, std::size_t> str_keys;

  // The entry of `key`, or null.
  std::pair<Slot, Slot>* find(Slot key);
  // Sets the value of `key` (both slots are the map's then).
  void put(Slot key, Slot value);
  void erase(Slot key);
  // Builds the index from the entries, or drops it if they are few.
  void reindex();

 private:
  bool indexed() const { return entries.size() >= kIndexedFrom; }
  void index_entry(std::size_t position);
};

// Tuples, records and optionals (one slot, the value; none is a null box).
struct TupleBox : Box {
  std::vector<Slot> fields;
};

// result[T] (from `settle`): the value, or the error that r.value rethrows.
struct ResultBox : Box {
  Slot value = 0;
  std::exception_ptr error;
};

// The arguments of the calls of `gather f(…) for x in xs`, evaluated up
// front by the body that starts them (as the C++ backend makes every call
// before the gather runs): param_count slots per call. A box, so that the
// body holds it as a temporary and a failure on the way releases it.
// One allocation holds the box, the arguments and the calls' tasks.
struct CallsBox : Box {
  const trt_task* task = nullptr;
  std::size_t count = 0;   // the calls there is room for
  std::size_t filled = 0;  // calls whose arguments are all there
  std::size_t made = 0;    // tasks made (by the runtime, when it runs them)
  Slot* args = nullptr;    // count * task->param_count slots
  Task<void>* tasks = nullptr;

  static CallsBox* make(const trt_task* task, std::size_t count);
  // Releases the arguments, destroys the tasks, frees the allocation.
  static void destroy(CallsBox* calls);
};

// A slot holding its own reference, released unless taken: what channels carry.
class Owned {
 public:
  Owned() = default;
  Owned(const trt_type* type, Slot slot) : type_(type), slot_(slot) {}
  Owned(Owned&& other) noexcept : type_(other.type_), slot_(other.slot_) { other.type_ = nullptr; }
  Owned& operator=(Owned&& other) noexcept;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned();
  Slot take() {
    type_ = nullptr;
    return slot_;
  }
  Slot peek() const { return slot_; }

 private:
  const trt_type* type_ = nullptr;
  Slot slot_ = 0;
};

struct ChannelBox : Box {
  explicit ChannelBox(std::size_t capacity) : channel(capacity) {}
  Channel<Owned> channel;
};

extern const trt_type kStrType;
extern const trt_type kCallsType;
// A new result[T] box (of `type`): a value it takes, or an error.
Slot new_result(const trt_type* type, Slot value, std::exception_ptr error);

bool is_boxed(const trt_type* type);
// Frees a box whose last reference is gone, and releases what it holds.
void destroy(Box* box);
inline void retain(Box* box) {
  if (box != nullptr) box->references.fetch_add(1, std::memory_order_relaxed);
}
inline void release(Box* box) {
  if (box == nullptr) return;
  // The last reference (most releases: temporaries) needs no atomic write: no
  // one else holds the box, so no one else can change its count.
  if (box->references.load(std::memory_order_acquire) == 1 ||
      box->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    destroy(box);
  }
}
// A slot of `type` given a reference of its own (or released).
void retain_slot(const trt_type* type, Slot slot);
void release_slot(const trt_type* type, Slot slot);

StrBox* new_str(std::string text);
const std::string& text_of(const void* str);

// As print shows a value: a str as it is at the top, quoted inside others.
void append_value(std::string& out, const trt_type* type, Slot slot, bool top);
bool equal(const trt_type* type, Slot a, Slot b);
bool less(const trt_type* type, Slot a, Slot b);

inline Slot slot(const Box* box) {
  return static_cast<Slot>(reinterpret_cast<std::uintptr_t>(box));
}

// A value as bytes for a worker process, and back (a new reference).
void encode_slot(std::string& out, const trt_type* type, Slot slot);
Slot decode_slot(std::string_view& in, const trt_type* type);

// The box in `*variable`, made unique first (copied if shared).
Box* unique(void** variable);

// The running body's error (`call` is its LoweredCall; lowered.cpp).
void set_error(void* call, std::exception_ptr error);

// Runs `operation`; if it throws, that is the running body's error and this
// returns true. (A template, not std::function: a builtin call allocates nothing.)
template <typename Operation>
bool fail_call(void* call, Operation&& operation) {
  try {
    operation();
    return false;
  } catch (...) {
    set_error(call, std::current_exception());
    return true;
  }
}

}  // namespace taskrt::lowered
