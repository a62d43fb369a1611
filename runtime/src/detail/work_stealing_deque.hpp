// WorkStealingDeque: the Chase–Lev deque (Lê, Pop, Cohen, Zappa Nardelli,
// "Correct and Efficient Work-Stealing for Weak Memory Models", PPoPP 2013).
//
// The owner thread pushes and pops at the bottom (LIFO, cache-warm); other
// threads steal from the top (FIFO, the oldest and usually largest work).
// Memory ordering: the paper's standalone fences are replaced by seq_cst
// operations on top_ and bottom_, which ThreadSanitizer understands; slots are
// atomics so that a thief's speculative read of a slot the owner is reusing is
// not a data race (the thief's CAS on top_ then fails and it discards the value).
// Retired arrays are kept until destruction, because a thief may still read one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace taskrt::detail {

class WorkStealingDeque {
 public:
  explicit WorkStealingDeque(std::int64_t capacity = 256) {
    auto array = std::make_unique<Array>(capacity);
    array_.store(array.get(), std::memory_order_relaxed);
    arrays_.push_back(std::move(array));
  }

  // Owner only.
  void push(void* item) {
    std::int64_t bottom = bottom_.load(std::memory_order_relaxed);
    std::int64_t top = top_.load(std::memory_order_acquire);
    Array* array = array_.load(std::memory_order_relaxed);
    if (bottom - top > array->capacity - 1) array = grow(array, top, bottom);
    array->put(bottom, item);
    bottom_.store(bottom + 1, std::memory_order_release);
  }

  // Owner only; null when empty.
  void* pop() {
    std::int64_t bottom = bottom_.load(std::memory_order_relaxed) - 1;
    Array* array = array_.load(std::memory_order_relaxed);
    bottom_.store(bottom, std::memory_order_seq_cst);
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    if (top > bottom) {
      bottom_.store(bottom + 1, std::memory_order_relaxed);
      return nullptr;
    }
    void* item = array->get(bottom);
    if (top == bottom) {
      // The last item: race the thieves for it.
      if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
        item = nullptr;
      }
      bottom_.store(bottom + 1, std::memory_order_relaxed);
    }
    return item;
  }

  // Any thread; null when empty or when another thief won the race.
  void* steal() {
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    std::int64_t bottom = bottom_.load(std::memory_order_seq_cst);
    if (top >= bottom) return nullptr;
    Array* array = array_.load(std::memory_order_acquire);
    void* item = array->get(top);
    if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
      return nullptr;
    }
    return item;
  }

  // A racy hint, for deciding whether to sleep.
  bool empty() const { return top_.load(std::memory_order_seq_cst) >= bottom_.load(std::memory_order_seq_cst); }

 private:
  struct Array {
    explicit Array(std::int64_t size) : capacity(size), mask(size - 1), slots(new std::atomic<void*>[size]) {}
    void put(std::int64_t index, void* item) { slots[index & mask].store(item, std::memory_order_relaxed); }
    void* get(std::int64_t index) const { return slots[index & mask].load(std::memory_order_relaxed); }
    const std::int64_t capacity;
    const std::int64_t mask;
    std::unique_ptr<std::atomic<void*>[]> slots;
  };

  Array* grow(Array* old, std::int64_t top, std::int64_t bottom) {
    auto bigger = std::make_unique<Array>(old->capacity * 2);
    for (std::int64_t i = top; i < bottom; ++i) bigger->put(i, old->get(i));
    Array* raw = bigger.get();
    arrays_.push_back(std::move(bigger));
    array_.store(raw, std::memory_order_release);
    return raw;
  }

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  alignas(64) std::atomic<Array*> array_{nullptr};
  // Owner only: every array ever used, the current one last.
  std::vector<std::unique_ptr<Array>> arrays_;
};

}  // namespace taskrt::detail
