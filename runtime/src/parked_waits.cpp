#include "taskrt/parked_waits.hpp"

#include <iterator>

#include "taskrt/event_loop.hpp"
#include "taskrt/runtime.hpp"

namespace taskrt {
namespace {

// "task producer: send on channel `ch` (pipeline.task:12), full".
std::string wait_text(const ParkedWait& wait) {
  std::string text = wait.site != nullptr ? wait.site : "a wait inside the runtime";
  if (wait.state != nullptr) text = text + ", " + wait.state;
  return text;
}

}  // namespace

void ParkedWaits::List::push(ParkedWait& wait) noexcept {
  wait.previous = tail;
  wait.next = nullptr;
  (tail ? tail->next : head) = &wait;
  tail = &wait;
}

void ParkedWaits::List::unlink(ParkedWait& wait) noexcept {
  (wait.previous ? wait.previous->next : head) = wait.next;
  (wait.next ? wait.next->previous : tail) = wait.previous;
  wait.previous = wait.next = nullptr;
}

void ParkedWaits::enter(ParkedWait& wait) {
  wait.on_loop = loop_.in_loop_thread();
  if (wait.on_loop) {
    loop_waits_.push(wait);
    return;
  }
  std::lock_guard lock(others_mutex_);
  other_waits_.push(wait);
}

void ParkedWaits::leave(ParkedWait& wait) noexcept {
  if (wait.on_loop) {
    loop_waits_.unlink(wait);
    return;
  }
  std::lock_guard lock(others_mutex_);
  other_waits_.unlink(wait);
}

bool ParkedWaits::empty() const {
  if (loop_waits_.head != nullptr) return false;
  std::lock_guard lock(others_mutex_);
  return other_waits_.head == nullptr;
}

std::vector<std::string> ParkedWaits::describe() const {
  // Waits on a channel, semaphore or lock first: they are the deadlock; the
  // flow steps waiting for them (no state) follow.
  std::vector<std::string> lines;
  std::vector<std::string> steps;
  auto add = [&](const List& list) {
    for (const ParkedWait* wait = list.head; wait != nullptr; wait = wait->next) {
      (wait->state == nullptr ? steps : lines).push_back(wait_text(*wait));
    }
  };
  add(loop_waits_);
  {
    std::lock_guard lock(others_mutex_);
    add(other_waits_);
  }
  lines.insert(lines.end(), std::make_move_iterator(steps.begin()), std::make_move_iterator(steps.end()));
  return lines;
}

std::vector<NodeWaitLine> ParkedWaits::describe_by_task() const {
  std::vector<NodeWaitLine> lines;
  auto add = [&](const List& list) {
    for (const ParkedWait* wait = list.head; wait != nullptr; wait = wait->next) {
      lines.push_back(NodeWaitLine{wait->node, wait_text(*wait)});
    }
  };
  add(loop_waits_);
  std::lock_guard lock(others_mutex_);
  add(other_waits_);
  return lines;
}

void Parking::enter(const Context& context, const char* site, const char* state) {
  if (context.runtime == nullptr) return;
  wait_.site = site;
  wait_.state = state;
  wait_.node = context.node != nullptr ? *context.node : TaskNode{};
  waits_ = &context.runtime->parked_waits();
  waits_->enter(wait_);
}

}  // namespace taskrt
