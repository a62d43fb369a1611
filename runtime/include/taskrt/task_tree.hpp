// The live task tree: every task call that has begun and not yet ended is a
// TaskNode, linked to the call it runs under, so that SIGQUIT can print what
// the program does, nested as its tasks are (Go's goroutine dump, Python's
// `asyncio pstree`), while the program goes on.
//
// A node lives in its call's TaskSpan (in the coroutine frame). It is listed
// in the node list of the thread where the call began: a short spin lock per
// thread, uncontended but for the rare dump, so beginning and ending a call
// costs two uncontended atomic exchanges and a coarse clock read. A node's
// parent is the node in its Context when it began; Context is copied from
// parent to child everywhere a task is started, so gathers, races, timeouts
// and flows need nothing of their own.
//
// What a call waits on (a sleep, a socket, a blocking call, a worker process)
// is written into its node by the awaiter, atomically: the dump reads it from
// another thread. Waits on channels, semaphores and locks are in ParkedWaits,
// which names the node of each.
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "taskrt/executor.hpp"

namespace taskrt {

struct TaskSite;

namespace detail {
class NodeList;
}

struct TaskNode {
  const TaskSite* site = nullptr;
  // The call this one runs under; null for a root (or a span begun outside a task).
  const TaskNode* parent = nullptr;
  std::int64_t begin_ns = 0;  // coarse monotonic clock
  // What the call waits on now, and until when (a sleep; 0: no deadline).
  std::atomic<const char*> waiting_on{nullptr};
  std::atomic<std::int64_t> until_ns{0};
  // The thread list it is in, and its place there.
  detail::NodeList* home = nullptr;
  TaskNode* previous = nullptr;
  TaskNode* next = nullptr;
};

namespace detail {

// CLOCK_MONOTONIC at the kernel tick's resolution: a few ns through the vDSO,
// where the precise clock costs tens on a VM. Ages in a dump need no more.
inline std::int64_t coarse_now_ns() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The nodes of the calls that began on one thread. Locked by that thread to
// add or remove a node, by a call that ends on another thread to remove its
// own, and by the dump.
class NodeList {
 public:
  void lock() noexcept {
    if (locked_.exchange(true, std::memory_order_acquire)) lock_slowly();
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

  // Under the lock.
  void push(TaskNode& node) noexcept {
    node.home = this;
    node.previous = nullptr;
    node.next = head;
    if (head != nullptr) head->previous = &node;
    head = &node;
  }
  void unlink(TaskNode& node) noexcept {
    (node.previous != nullptr ? node.previous->next : head) = node.next;
    if (node.next != nullptr) node.next->previous = node.previous;
  }

  TaskNode* head = nullptr;  // guarded by the lock
  bool in_use = true;        // guarded by the registry's mutex (task_tree.cpp)

 private:
  void lock_slowly() noexcept;
  std::atomic<bool> locked_{false};
};

// This thread's list; made (or reused) by the thread's first call.
extern constinit thread_local NodeList* t_node_list;
NodeList& make_thread_node_list();

inline void enter_node(TaskNode& node) noexcept {
  NodeList* list = t_node_list;
  if (list == nullptr) list = &make_thread_node_list();
  node.begin_ns = coarse_now_ns();
  list->lock();
  list->push(node);
  list->unlock();
}

inline void leave_node(TaskNode& node) noexcept {
  NodeList* list = node.home;
  list->lock();
  list->unlink(node);
  list->unlock();
}

}  // namespace detail

// The task of `context` (if any is known) waits on `what` (a constant
// string), until `until_ns` on the monotonic clock when it is a sleep.
inline void mark_waiting(const Context& context, const char* what, std::int64_t until_ns = 0) noexcept {
  if (context.node == nullptr) return;
  context.node->until_ns.store(until_ns, std::memory_order_relaxed);
  context.node->waiting_on.store(what, std::memory_order_relaxed);
}
// It no longer waits on `what` (left as it is if it has begun to wait on
// something else meanwhile: a flow's steps share their flow's node).
inline void clear_waiting(const Context& context, const char* what) noexcept {
  if (context.node == nullptr) return;
  context.node->waiting_on.compare_exchange_strong(what, nullptr, std::memory_order_relaxed);
}

// One call of the tree as the dump saw it.
struct TaskNodeView {
  const TaskNode* node;  // an identity only: never read through after the snapshot
  const TaskNode* parent;
  const TaskSite* site;
  std::int64_t begin_ns;
  const char* waiting_on;
  std::int64_t until_ns;
};

// Every live call of the process, taken with every thread's list locked at
// once, so that no call begins or ends while it is read.
std::vector<TaskNodeView> snapshot_task_nodes();

// A wait on a channel, semaphore, lock or flow step, for the tree: the node
// of the waiting call and one line saying on what.
struct NodeWaitLine {
  const TaskNode* node;
  std::string text;
};

// The tree as lines of text under `indent`, children indented by two more
// spaces: each call's name, kind, location, age and what it waits on; a call
// with many children shows the first few and counts the rest by task. At most
// `max_lines` lines (then a count of what was left out).
std::string render_task_tree(const std::vector<TaskNodeView>& nodes, const std::vector<NodeWaitLine>& waits,
                             std::int64_t now_ns, const std::string& indent, std::size_t max_lines);

}  // namespace taskrt
