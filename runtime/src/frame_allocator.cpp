// Recycling allocator for coroutine frames: each thread keeps free lists of
// recently freed frames by size class, so the steady state of spawning and
// finishing tasks does no malloc. A frame freed on another thread than the one
// that allocated it joins the freeing thread's list; lists are capped so that a
// thread that only frees (a CPU worker finishing tasks the loop created) hands
// memory back to malloc instead of hoarding it.
//
// Sanitizer builds use plain operator new, so that ASan sees every frame.
#include <cstdint>
#include <new>

#include "taskrt/task.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TASKRT_RECYCLE_FRAMES 0
#else
#define TASKRT_RECYCLE_FRAMES 1
#endif

namespace taskrt::detail {
namespace {

#if TASKRT_RECYCLE_FRAMES
constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 64;  // frames up to 1 KiB are recycled
constexpr std::size_t kMaxCached = 4096;

struct FreeFrame {
  FreeFrame* next;
};

struct FrameCache {
  FreeFrame* heads[kClasses] = {};
  std::size_t counts[kClasses] = {};

  ~FrameCache() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (heads[c] != nullptr) {
        FreeFrame* frame = heads[c];
        heads[c] = frame->next;
        ::operator delete(frame);
      }
    }
  }
};

thread_local FrameCache cache;

std::size_t size_class(std::size_t size) {
  return (size + kGranule - 1) / kGranule - 1;
}
#endif

}  // namespace

void* allocate_frame(std::size_t size) {
#if TASKRT_RECYCLE_FRAMES
  std::size_t c = size_class(size);
  if (c < kClasses && cache.heads[c] != nullptr) {
    FreeFrame* frame = cache.heads[c];
    cache.heads[c] = frame->next;
    --cache.counts[c];
    return frame;
  }
  if (c < kClasses) return ::operator new((c + 1) * kGranule);
#endif
  return ::operator new(size);
}

void free_frame(void* frame, std::size_t size) noexcept {
#if TASKRT_RECYCLE_FRAMES
  std::size_t c = size_class(size);
  if (c < kClasses && cache.counts[c] < kMaxCached) {
    auto* node = static_cast<FreeFrame*>(frame);
    node->next = cache.heads[c];
    cache.heads[c] = node;
    ++cache.counts[c];
    return;
  }
#endif
  (void)size;
  ::operator delete(frame);
}

}  // namespace taskrt::detail
