// The live task tree: every task call that has begun and not yet ended is
// listed, linked to the call it runs under, so that SIGQUIT can print what
// the program does, nested as its tasks are (Go's goroutine dump, Python's
// `asyncio pstree`), while the program goes on.
//
// A call's TaskNode (in its TaskSpan, in the coroutine frame) names a slot in
// the table of the thread where the call began. The slot holds everything the
// dump reads — the site, the parent's slot, the start, what the call waits on
// — so the dump never reads a frame, which may be freed under it. Slots are
// never freed, only reused. The owning thread writes a slot under a sequence
// number (a seqlock: plain stores on x86), any thread ends a call by clearing
// its slot's `live` flag (one store), and the dump validates what it read
// against the sequence. Beginning and ending a call costs no atomic
// read-modify-write and no fence: a cpu task of 100 ns must not pay for a
// dump that may never come.
//
// A node's parent is the node in its Context when it began; Context is copied
// from parent to child everywhere a task is started, so gathers, races,
// timeouts and flows need nothing of their own. What a call waits on (a
// sleep, a socket, a blocking call, a worker process) is written into its
// slot by the awaiter. Waits on channels, semaphores and locks are in
// ParkedWaits, which names the node of each.
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "taskrt/call_clock.hpp"
#include "taskrt/executor.hpp"

namespace taskrt {

struct TaskSite;

namespace detail {

// One call's entry in its thread's table; a cache line, so that a call
// ending on another thread does not disturb its neighbours.
struct alignas(64) CallSlot {
  // Odd while the owning thread fills the slot in; +2 for each call.
  std::atomic<std::uint64_t> sequence{0};
  std::atomic<bool> live{false};
  std::atomic<const TaskSite*> site{nullptr};
  std::atomic<const CallSlot*> parent{nullptr};
  std::atomic<std::uint64_t> parent_sequence{0};
  std::atomic<std::int64_t> begin_ns{0};  // call_clock_ns()
  // What the call waits on now, and until when (a sleep; 0: no deadline).
  std::atomic<const char*> waiting_on{nullptr};
  std::atomic<std::int64_t> until_ns{0};
};

class CallTable;
extern constinit thread_local CallTable* t_call_table;
CallTable& make_thread_call_table();

}  // namespace detail

// A call's place in the tree: its slot, and the sequence the slot had when the
// call began (a slot's later calls have other sequences).
struct TaskNode {
  detail::CallSlot* slot = nullptr;
  std::uint64_t sequence = 0;
};

namespace detail {

// CLOCK_MONOTONIC at the kernel tick's resolution: what a dump measures ages
// and sleeps' deadlines against.
inline std::int64_t coarse_now_ns() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The slots of the calls that began on one thread: fixed blocks, never freed
// (a call that began here may end on another thread, after this one ended).
class CallTable {
 public:
  static constexpr std::size_t kBlockSlots = 256;

  // Owning thread: a slot no live call holds.
  CallSlot& take() noexcept {
    CallSlot* slot = cursor_;
    if (slot != nullptr && !slot->live.load(std::memory_order_acquire)) {
      advance();
      return *slot;
    }
    return take_slowly();
  }

 private:
  friend CallTable& make_thread_call_table();
  friend std::vector<CallSlot*> all_call_slots();
  void advance() noexcept {
    if (++cursor_ == block_end_) next_block();
  }
  void next_block() noexcept;
  CallSlot& take_slowly() noexcept;

  std::vector<CallSlot*> blocks_;  // guarded by the registry's mutex (task_tree.cpp)
  std::size_t block_ = 0;          // the cursor's block; owning thread only
  CallSlot* cursor_ = nullptr;
  CallSlot* block_end_ = nullptr;

 public:
  bool in_use = true;  // guarded by the registry's mutex
};

[[gnu::always_inline]] inline void enter_node(TaskNode& node, const TaskNode* parent, const TaskSite& site) noexcept {
  CallTable* table = t_call_table;
  if (table == nullptr) table = &make_thread_call_table();
  CallSlot& slot = table->take();
  // A seqlock's write, without fences (ThreadSanitizer does not model them):
  // each field's release store keeps the odd sequence before it, and the
  // dump's acquire loads keep its second look at the sequence after them.
  std::uint64_t sequence = slot.sequence.load(std::memory_order_relaxed) + 1;
  slot.sequence.store(sequence, std::memory_order_relaxed);  // odd: being written
  slot.site.store(&site, std::memory_order_release);
  slot.parent.store(parent != nullptr ? parent->slot : nullptr, std::memory_order_release);
  slot.parent_sequence.store(parent != nullptr ? parent->sequence : 0, std::memory_order_release);
  slot.begin_ns.store(call_clock_ns(), std::memory_order_release);
  slot.waiting_on.store(nullptr, std::memory_order_release);
  slot.live.store(true, std::memory_order_release);
  slot.sequence.store(sequence + 1, std::memory_order_release);
  node.slot = &slot;
  node.sequence = sequence + 1;
}

// On any thread.
[[gnu::always_inline]] inline void leave_node(TaskNode& node) noexcept {
  node.slot->live.store(false, std::memory_order_release);
}

}  // namespace detail

// The task of `context` (if any is known) waits on `what` (a constant
// string), until `until_ns` on the monotonic clock when it is a sleep.
inline void mark_waiting(const Context& context, const char* what, std::int64_t until_ns = 0) noexcept {
  if (context.node == nullptr) return;
  context.node->slot->until_ns.store(until_ns, std::memory_order_relaxed);
  context.node->slot->waiting_on.store(what, std::memory_order_relaxed);
}
// It no longer waits on `what` (left as it is if it has begun to wait on
// something else meanwhile: a flow's steps share their flow's node).
inline void clear_waiting(const Context& context, const char* what) noexcept {
  if (context.node == nullptr) return;
  std::atomic<const char*>& waiting_on = context.node->slot->waiting_on;
  if (waiting_on.load(std::memory_order_relaxed) == what) waiting_on.store(nullptr, std::memory_order_relaxed);
}

// One call of the tree as the dump saw it.
struct TaskNodeView {
  TaskNode node;  // an identity only
  TaskNode parent;
  const TaskSite* site;
  std::int64_t begin_ns;
  const char* waiting_on;
  std::int64_t until_ns;
};

// Every live call of the process. Calls that begin or end while it reads may
// be in it or not; every one it has was live at one time.
std::vector<TaskNodeView> snapshot_task_nodes();

// A wait on a channel, semaphore, lock or flow step, for the tree: the node
// of the waiting call and one line saying on what.
struct NodeWaitLine {
  TaskNode node;
  std::string text;
};

// The tree as lines of text under `indent`, children indented by two more
// spaces: each call's name, kind, location, age and what it waits on; a call
// with many children shows the first few and counts the rest by task. At most
// `max_lines` lines (then a count of what was left out).
std::string render_task_tree(const std::vector<TaskNodeView>& nodes, const std::vector<NodeWaitLine>& waits,
                             std::int64_t now_ns, const std::string& indent, std::size_t max_lines);

}  // namespace taskrt
