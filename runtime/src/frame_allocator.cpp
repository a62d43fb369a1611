// Allocator for coroutine frames. Frames up to 1 KiB come from size classes of
// 16 bytes, carved out of 64 KiB slabs: no per-frame malloc header, and in the
// steady state of spawning and finishing tasks no malloc at all.
//
// Each thread keeps a free list per class. A frame freed on another thread
// than the one that made it joins the freeing thread's list; when a list grows
// past kThreadCacheLimit, half of it moves to a shared per-class depot, from
// which a thread whose list is empty takes a batch before carving a new slab.
// So a producer/consumer pair (the loop creates tasks, CPU workers finish
// them) recycles memory instead of growing: memory is bounded by the peak
// number of live frames plus the caches. Slabs live until the process exits.
//
// Sanitizer builds use plain operator new, so that ASan and TSan see every frame.
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#include "taskrt/task.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TASKRT_RECYCLE_FRAMES 0
#else
#define TASKRT_RECYCLE_FRAMES 1
#endif

namespace taskrt::detail {

#if TASKRT_RECYCLE_FRAMES
namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 64;  // frames up to 1 KiB
constexpr std::size_t kSlabBytes = 64 * 1024;
constexpr std::size_t kThreadCacheLimit = 4096;
constexpr std::size_t kBatch = kThreadCacheLimit / 2;

struct FreeFrame {
  FreeFrame* next;
};

// A singly linked list with its length.
struct FreeList {
  FreeFrame* head = nullptr;
  std::size_t count = 0;

  void push(FreeFrame* frame) {
    frame->next = head;
    head = frame;
    ++count;
  }
  FreeFrame* pop() {
    FreeFrame* frame = head;
    head = frame->next;
    --count;
    return frame;
  }
  // Moves up to n frames from this list to the front of `other`.
  void move_to(FreeList& other, std::size_t n) {
    for (; n > 0 && head != nullptr; --n) other.push(pop());
  }
};

// Shared by all threads: the depot of spare frames per class, and every slab.
class SlabPool {
 public:
  static SlabPool& instance() {
    // Leaked on purpose: thread caches may hand frames back during exit.
    static SlabPool* pool = new SlabPool;
    return *pool;
  }

  // Refills `list` (which is empty) for class c: from the depot, else a new slab.
  void refill(std::size_t c, FreeList& list) {
    std::lock_guard lock(mutex_);
    if (depot_[c].count > 0) {
      depot_[c].move_to(list, kBatch);
      return;
    }
    std::size_t frame_bytes = (c + 1) * kGranule;
    auto* slab = static_cast<char*>(::operator new(kSlabBytes));
    slabs_.push_back(slab);
    for (std::size_t offset = 0; offset + frame_bytes <= kSlabBytes; offset += frame_bytes) {
      list.push(reinterpret_cast<FreeFrame*>(slab + offset));
    }
  }

  void give_back(std::size_t c, FreeList& list, std::size_t n) {
    std::lock_guard lock(mutex_);
    list.move_to(depot_[c], n);
  }

 private:
  std::mutex mutex_;
  FreeList depot_[kClasses];  // guarded by mutex_
  std::vector<char*> slabs_;  // guarded by mutex_
};

// The lists are trivially destructible, so reaching them costs no
// thread_local guard; what gives them back at thread exit is registered on
// the slow paths: when a list is refilled, and when a frame joins an empty one.
thread_local FreeList cache[kClasses];

struct ThreadCacheReturn {
  ~ThreadCacheReturn() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      if (cache[c].count > 0) SlabPool::instance().give_back(c, cache[c], cache[c].count);
    }
  }
};

std::size_t size_class(std::size_t size) {
  return (size + kGranule - 1) / kGranule - 1;
}

void return_at_thread_exit() {
  thread_local ThreadCacheReturn returns;
  (void)returns;
}

// The slow paths apart, so that the fast ones save no registers.
[[gnu::noinline]] void* allocate_slow(std::size_t size) {
  std::size_t c = size_class(size);
  if (c >= kClasses) return ::operator new(size);
  return_at_thread_exit();
  SlabPool::instance().refill(c, cache[c]);
  return cache[c].pop();
}

// After a frame of class c joined this thread's list.
[[gnu::noinline]] void after_free_slow(std::size_t c) noexcept {
  return_at_thread_exit();
  if (cache[c].count > kThreadCacheLimit) SlabPool::instance().give_back(c, cache[c], kBatch);
}

}  // namespace

void* allocate_frame(std::size_t size) {
  std::size_t c = size_class(size);
  if (c < kClasses && cache[c].head != nullptr) return cache[c].pop();
  return allocate_slow(size);
}

void free_frame(void* frame, std::size_t size) noexcept {
  std::size_t c = size_class(size);
  if (c >= kClasses) {
    ::operator delete(frame);
    return;
  }
  FreeList& list = cache[c];
  bool was_empty = list.head == nullptr;
  list.push(static_cast<FreeFrame*>(frame));
  if (was_empty || list.count > kThreadCacheLimit) after_free_slow(c);
}

#else

void* allocate_frame(std::size_t size) {
  return ::operator new(size);
}
void free_frame(void* frame, std::size_t) noexcept {
  ::operator delete(frame);
}

#endif

}  // namespace taskrt::detail
