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
// The fast paths are inline, in frame_cache.hpp. Sanitizer builds use plain
// operator new, so that ASan and TSan see every frame.
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#include "frame_cache.hpp"
#include "taskrt/task.hpp"

namespace taskrt::detail {

#if TASKRT_RECYCLE_FRAMES

constinit thread_local FreeList frame_cache[kFrameClasses];

namespace {

constexpr std::size_t kSlabBytes = 64 * 1024;
constexpr std::size_t kBatch = kThreadCacheLimit / 2;

// Moves up to n frames from the front of `from` to the front of `to`.
void move_frames(FreeList& from, FreeList& to, std::size_t n) {
  for (; n > 0 && from.head != nullptr; --n) to.push(from.pop());
}

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
      move_frames(depot_[c], list, kBatch);
      return;
    }
    std::size_t frame_bytes = (c + 1) * kFrameGranule;
    auto* slab = static_cast<char*>(::operator new(kSlabBytes));
    slabs_.push_back(slab);
    for (std::size_t offset = 0; offset + frame_bytes <= kSlabBytes; offset += frame_bytes) {
      list.push(reinterpret_cast<FreeFrame*>(slab + offset));
    }
  }

  void give_back(std::size_t c, FreeList& list, std::size_t n) {
    std::lock_guard lock(mutex_);
    move_frames(list, depot_[c], n);
  }

 private:
  std::mutex mutex_;
  FreeList depot_[kFrameClasses];  // guarded by mutex_
  std::vector<char*> slabs_;       // guarded by mutex_
};

// Gives this thread's lists back to the depot when the thread exits.
struct ThreadCacheReturn {
  ~ThreadCacheReturn() {
    for (std::size_t c = 0; c < kFrameClasses; ++c) {
      if (frame_cache[c].count > 0) SlabPool::instance().give_back(c, frame_cache[c], frame_cache[c].count);
    }
  }
};

// Registered on the slow paths: a thread whose lists are all empty has
// nothing to give back.
void return_at_thread_exit() {
  thread_local ThreadCacheReturn returns;
  (void)returns;
}

}  // namespace

void* allocate_frame_slow(std::size_t size) {
  std::size_t c = frame_class(size);
  if (c >= kFrameClasses) return ::operator new(size);
  if (frame_cache[c].head == nullptr) {
    return_at_thread_exit();
    SlabPool::instance().refill(c, frame_cache[c]);
  }
  return frame_cache[c].pop();
}

void free_frame_slow(void* frame, std::size_t size) noexcept {
  std::size_t c = frame_class(size);
  if (c >= kFrameClasses) {
    ::operator delete(frame);
    return;
  }
  return_at_thread_exit();
  frame_cache[c].push(static_cast<FreeFrame*>(frame));
  if (frame_cache[c].count > kThreadCacheLimit) SlabPool::instance().give_back(c, frame_cache[c], kBatch);
}

void* allocate_frame(std::size_t size) {
  return allocate_frame_inline(size);
}

void free_frame(void* frame, std::size_t size) noexcept {
  free_frame_inline(frame, size);
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
