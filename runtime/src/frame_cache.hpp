// The fast paths of the frame allocator (frame_allocator.cpp), in line: a
// pop from, or a push onto, this thread's free list of the frame's size
// class. allocate_frame and free_frame are them; lowered_hot.cpp inlines
// them into programs of the LLVM backend, as a C++ compiler inlines a
// promise's operator new. The lists and the slow paths stay in the library.
#pragma once

#include <cstddef>

#include "taskrt/task.hpp"

// Sanitizer builds use plain operator new, so that ASan and TSan see every frame.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TASKRT_RECYCLE_FRAMES 0
#else
#define TASKRT_RECYCLE_FRAMES 1
#endif

namespace taskrt::detail {

#if TASKRT_RECYCLE_FRAMES

inline constexpr std::size_t kFrameGranule = 16;
inline constexpr std::size_t kFrameClasses = 64;  // frames up to 1 KiB
inline constexpr std::size_t kThreadCacheLimit = 4096;

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
};

// This thread's lists, one per class. Constant-initialised and trivially
// destructible, so reaching them costs no thread_local guard or init call
// (frame_allocator.cpp gives them back when the thread exits).
extern thread_local constinit FreeList frame_cache[kFrameClasses];

// The slow paths: a large frame, or an empty list to refill; after a free
// that emptied nothing but may have overfilled the list.
void* allocate_frame_slow(std::size_t size);
void free_frame_slow(void* frame, std::size_t size) noexcept;

inline std::size_t frame_class(std::size_t size) {
  return (size + kFrameGranule - 1) / kFrameGranule - 1;
}

inline void* allocate_frame_inline(std::size_t size) {
  std::size_t c = frame_class(size);
  if (c < kFrameClasses && frame_cache[c].head != nullptr) return frame_cache[c].pop();
  return allocate_frame_slow(size);
}

inline void free_frame_inline(void* frame, std::size_t size) noexcept {
  std::size_t c = frame_class(size);
  if (c < kFrameClasses && frame_cache[c].head != nullptr && frame_cache[c].count < kThreadCacheLimit) {
    frame_cache[c].push(static_cast<FreeFrame*>(frame));
    return;
  }
  free_frame_slow(frame, size);
}

#else

inline void* allocate_frame_inline(std::size_t size) {
  return allocate_frame(size);
}
inline void free_frame_inline(void* frame, std::size_t size) noexcept {
  free_frame(frame, size);
}

#endif

}  // namespace taskrt::detail
