// ParkedWaits: the tasks of one runtime that are suspended on an in-memory
// primitive — a channel, a semaphore, a shared value's lock, a flow step —
// which only another task can wake. When the event loop finds that nothing
// else can happen (no timer, no descriptor, no work on another thread), these
// are the tasks of a deadlock, and this list is what the report names.
//
// A wait is recorded on the waiting task's own thread when it suspends and
// forgotten when it resumes, so a wait woken but not yet resumed is still
// listed; the deadlock check runs only when nothing is ready to resume.
// Waits on the loop thread go to a list only that thread touches (no lock:
// parking costs two pointer writes); waits of cpu tasks go to a locked one.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "taskrt/executor.hpp"
#include "taskrt/task_tree.hpp"

namespace taskrt {

class EventLoop;

// One suspended task, recorded by the awaiter it is suspended in.
struct ParkedWait {
  // What waits and where, written by the compiler:
  // "task producer: send on channel `ch` (pipeline.task:12)"; null when the
  // wait was not written in a program (the runtime's own).
  const char* site = nullptr;
  // Why it cannot go on yet: "full", "no permit free".
  const char* state = nullptr;
  // The call that waits, for the task tree (no slot: none known).
  TaskNode node;
  // The list's bookkeeping.
  ParkedWait* previous = nullptr;
  ParkedWait* next = nullptr;
  bool on_loop = false;
};

class ParkedWaits {
 public:
  explicit ParkedWaits(const EventLoop& loop) noexcept : loop_(loop) {}
  ParkedWaits(const ParkedWaits&) = delete;
  ParkedWaits& operator=(const ParkedWaits&) = delete;

  // On the waiting task's thread.
  void enter(ParkedWait& wait);
  void leave(ParkedWait& wait) noexcept;

  // Loop thread, with every other thread of the runtime idle: the waits, one
  // line each — on channels, semaphores and locks first, then flow steps.
  std::vector<std::string> describe() const;
  // Loop thread, while the program runs: each wait with its call's node.
  std::vector<NodeWaitLine> describe_by_task() const;
  bool empty() const;

 private:
  struct List {
    ParkedWait* head = nullptr;
    ParkedWait* tail = nullptr;
    void push(ParkedWait& wait) noexcept;
    void unlink(ParkedWait& wait) noexcept;
  };

  const EventLoop& loop_;
  List loop_waits_;  // loop thread only
  mutable std::mutex others_mutex_;
  List other_waits_;  // guarded by others_mutex_
};

// What an awaiter holds while its task is parked: records the wait with the
// task's runtime (none: not recorded) and forgets it when it resumes or dies.
class Parking {
 public:
  Parking() noexcept = default;
  Parking(const Parking&) = delete;
  Parking& operator=(const Parking&) = delete;
  ~Parking() { leave(); }

  void enter(const Context& context, const char* site, const char* state);
  void leave() noexcept {
    if (waits_ != nullptr) {
      waits_->leave(wait_);
      waits_ = nullptr;
    }
  }

 private:
  ParkedWaits* waits_ = nullptr;
  ParkedWait wait_;
};

}  // namespace taskrt
