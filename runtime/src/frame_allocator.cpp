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
#include <sys/mman.h>

#include <cstdint>
#include <mutex>
#include <new>

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
    char* slab = new_slab();
    for (std::size_t offset = 0; offset + frame_bytes <= kSlabBytes; offset += frame_bytes) {
      list.push(reinterpret_cast<FreeFrame*>(slab + offset));
    }
  }

  void give_back(std::size_t c, FreeList& list, std::size_t n) {
    std::lock_guard lock(mutex_);
    move_frames(list, depot_[c], n);
  }

 private:
  // The first slabs come from malloc, so that a small program stays small;
  // past kSmallSlabs, from 2 MiB chunks that the kernel fills in at once
  // (MADV_POPULATE_WRITE, Linux 5.14; older kernels ignore it), instead of a
  // page fault for each 4 KiB a million new frames touch: the faults were a
  // fifth of the time of a million sleeping tasks.
  char* new_slab() {
    if (slabs_made_++ < kSmallSlabs) return static_cast<char*>(::operator new(kSlabBytes));
    if (chunk_left_ == 0) {
      void* chunk = ::mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (chunk == MAP_FAILED) throw std::bad_alloc();
      ::madvise(chunk, kChunkBytes, MADV_POPULATE_WRITE);
      chunk_ = static_cast<char*>(chunk);
      chunk_left_ = kChunkBytes;
    }
    char* slab = chunk_;
    chunk_ += kSlabBytes;
    chunk_left_ -= kSlabBytes;
    return slab;
  }

  static constexpr std::size_t kSmallSlabs = 32;               // 2 MiB of frames
  static constexpr std::size_t kChunkBytes = 2 * 1024 * 1024;  // 32 slabs

  std::size_t slabs_made_ = 0;  // guarded by mutex_, like what follows
  char* chunk_ = nullptr;
  std::size_t chunk_left_ = 0;
  std::mutex mutex_;
  FreeList depot_[kFrameClasses];  // guarded by mutex_
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
