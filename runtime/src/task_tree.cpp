#include "taskrt/task_tree.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "taskrt/trace.hpp"

namespace taskrt {
namespace detail {

constinit thread_local CallTable* t_call_table = nullptr;

namespace {

// Every thread's table, for the dump. A table outlives its thread (a call that
// began there may end elsewhere later) and is taken over by a new thread once
// its own has ended, so a program that starts and ends threads does not grow it.
struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<CallTable>> tables;  // guarded by mutex
};

Registry& registry() {
  static Registry* const instance = new Registry;  // never destroyed: threads may outlive static destruction
  return *instance;
}

// Gives the thread's table back when the thread ends.
struct ThreadTableRelease {
  ~ThreadTableRelease() {
    if (t_call_table == nullptr) return;
    std::lock_guard lock(registry().mutex);
    t_call_table->in_use = false;
    t_call_table = nullptr;
  }
};
thread_local ThreadTableRelease t_release;

// Slots looked at for a free one before a table grows by a block.
constexpr int kFreeSlotSearch = 16;

CallSlot* new_block() {
  return new CallSlot[CallTable::kBlockSlots];  // never freed: see CallTable
}

}  // namespace

void CallTable::next_block() noexcept {
  block_ = (block_ + 1) % blocks_.size();
  cursor_ = blocks_[block_];
  block_end_ = cursor_ + kBlockSlots;
}

CallSlot& CallTable::take_slowly() noexcept {
  for (int i = 0; i < kFreeSlotSearch && cursor_ != nullptr; ++i) {
    CallSlot* slot = cursor_;
    advance();
    if (!slot->live.load(std::memory_order_acquire)) return *slot;
  }
  // Mostly live calls here (a million sleepers): a fresh block, where the
  // cursor goes on.
  CallSlot* block = new_block();
  {
    std::lock_guard lock(registry().mutex);
    blocks_.push_back(block);
  }
  block_ = blocks_.size() - 1;
  cursor_ = block + 1;
  block_end_ = block + kBlockSlots;
  return *block;
}

CallTable& make_thread_call_table() {
  (void)&t_release;  // its destructor runs at this thread's end
  Registry& all = registry();
  std::lock_guard lock(all.mutex);
  for (auto& table : all.tables) {
    if (!table->in_use) {
      table->in_use = true;
      t_call_table = table.get();
      return *table;
    }
  }
  all.tables.push_back(std::make_unique<CallTable>());
  t_call_table = all.tables.back().get();
  return *t_call_table;
}

std::vector<CallSlot*> all_call_slots() {
  std::lock_guard lock(registry().mutex);
  std::vector<CallSlot*> blocks;
  for (auto& table : registry().tables) blocks.insert(blocks.end(), table->blocks_.begin(), table->blocks_.end());
  return blocks;
}

}  // namespace detail

std::vector<TaskNodeView> snapshot_task_nodes() {
  std::vector<TaskNodeView> nodes;
  // Blocks are never freed: read after the registry's lock is let go.
  for (detail::CallSlot* block : detail::all_call_slots()) {
    for (std::size_t i = 0; i < detail::CallTable::kBlockSlots; ++i) {
      detail::CallSlot& slot = block[i];
      // A seqlock's read: what was read counts only if no call began in the
      // slot meanwhile. A slot being written is left out: its call is new.
      std::uint64_t before = slot.sequence.load(std::memory_order_acquire);
      if (before % 2 != 0 || !slot.live.load(std::memory_order_relaxed)) continue;
      TaskNodeView view{TaskNode{&slot, before},
                        TaskNode{const_cast<detail::CallSlot*>(slot.parent.load(std::memory_order_acquire)),
                                 slot.parent_sequence.load(std::memory_order_acquire)},
                        slot.site.load(std::memory_order_acquire),
                        slot.begin_ns.load(std::memory_order_acquire),
                        slot.waiting_on.load(std::memory_order_acquire),
                        slot.until_ns.load(std::memory_order_acquire)};
      if (slot.sequence.load(std::memory_order_relaxed) != before) continue;
      nodes.push_back(view);
    }
  }
  // Calls that began in the same clock tick: in the order they began on
  // their thread (a table is filled in order, but its cursor wraps around).
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const TaskNodeView& a, const TaskNodeView& b) { return a.begin_ns < b.begin_ns; });
  return nodes;
}

namespace {

// A call with more children than this shows these and counts the rest by task.
constexpr std::size_t kShownChildren = 8;

std::string duration_text(std::int64_t ns) {
  char text[32];
  if (ns < 1'000'000'000) {
    std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(std::max<std::int64_t>(ns, 0) / 1'000'000));
  } else {
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ns) / 1e9);
  }
  return text;
}

std::string site_text(const TaskSite* site) {
  if (site == nullptr) return "a call inside the runtime";
  return std::string(site->name) + " (" + site->kind + ", " + site->file + ":" + std::to_string(site->line) + ")";
}

// Writes the tree. Siblings whose subtrees look alike (the same tasks in the
// same states: a gather's calls) are one entry, "20 × worker …", shown once.
class TreeWriter {
 public:
  TreeWriter(const std::vector<TaskNodeView>& nodes, const std::vector<NodeWaitLine>& waits, std::int64_t now_ns,
             std::size_t max_lines)
      : nodes_(nodes), now_ns_(now_ns), max_lines_(max_lines) {
    index_.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) index_.emplace(nodes[i].node.slot, i);
    children_.resize(nodes.size());
    waits_.resize(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      std::size_t parent = find(nodes[i].parent);
      (parent == kNone ? roots_ : children_[parent]).push_back(i);
    }
    for (const NodeWaitLine& wait : waits) {
      std::size_t owner = find(wait.node);
      (owner == kNone ? loose_waits_ : waits_[owner]).push_back(&wait.text);
    }
    // Oldest first: the order the calls began in.
    auto by_age = [&](std::size_t a, std::size_t b) { return nodes[a].begin_ns < nodes[b].begin_ns; };
    std::stable_sort(roots_.begin(), roots_.end(), by_age);
    for (auto& list : children_) std::stable_sort(list.begin(), list.end(), by_age);
    compute_shapes();
  }

  std::string write(const std::string& indent) {
    write_calls(roots_, indent, 0);
    for (const std::string* wait : loose_waits_) line(indent + "waits: " + *wait);
    if (left_out_ > 0) out_ += "\n" + indent + "… and " + std::to_string(left_out_) + " more lines";
    return out_;
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // The call `node` names in the snapshot, if it is there (its slot holds
  // the same call: the same sequence).
  std::size_t find(const TaskNode& node) const {
    if (node.slot == nullptr) return kNone;
    auto found = index_.find(node.slot);
    if (found == index_.end() || nodes_[found->second].node.sequence != node.sequence) return kNone;
    return found->second;
  }

  // A hash of each call's subtree without its ages: equal for calls that
  // look alike. Children before parents, without recursion (a deep
  // recursion of tasks is a deep tree).
  void compute_shapes() {
    shape_.assign(nodes_.size(), 0);
    std::vector<std::pair<std::size_t, bool>> stack;
    for (std::size_t root : roots_) stack.emplace_back(root, false);
    while (!stack.empty()) {
      auto [i, children_done] = stack.back();
      stack.pop_back();
      if (!children_done) {
        stack.emplace_back(i, true);
        for (std::size_t child : children_[i]) stack.emplace_back(child, false);
        continue;
      }
      std::size_t shape = std::hash<const void*>{}(nodes_[i].site);
      auto mix = [&shape](std::size_t value) { shape ^= value + 0x9e3779b97f4a7c15ULL + (shape << 6) + (shape >> 2); };
      mix(std::hash<const void*>{}(nodes_[i].waiting_on));
      for (const std::string* wait : waits_[i]) mix(std::hash<std::string>{}(*wait));
      for (std::size_t child : children_[i]) mix(shape_[child]);
      shape_[i] = shape;
    }
  }

  void write_calls(const std::vector<std::size_t>& calls, const std::string& indent, std::size_t depth) {
    if (calls.empty()) return;
    if (depth >= kMaxDepth) {
      line(indent + "… " + std::to_string(calls.size()) + (calls.size() == 1 ? " call" : " calls") + " deeper");
      return;
    }
    // Alike calls together, in the order the first of each began.
    std::vector<std::pair<std::size_t, std::size_t>> groups;  // (first call, count)
    std::unordered_map<std::size_t, std::size_t> group_of_shape;
    for (std::size_t call : calls) {
      auto [at, added] = group_of_shape.emplace(shape_[call], groups.size());
      if (added) {
        groups.emplace_back(call, 1);
      } else {
        ++groups[at->second].second;
      }
    }
    std::size_t shown = std::min(groups.size(), kShownChildren);
    for (std::size_t g = 0; g < shown; ++g) write_call(groups[g].first, groups[g].second, indent, depth);
    if (shown == groups.size()) return;
    // The rest, counted by task.
    std::map<std::string, std::size_t> rest;
    std::size_t rest_calls = 0;
    for (std::size_t g = shown; g < groups.size(); ++g) {
      rest[site_text(nodes_[groups[g].first].site)] += groups[g].second;
      rest_calls += groups[g].second;
    }
    std::string text = indent + "… and " + std::to_string(rest_calls) + " more:";
    const char* separator = " ";
    for (const auto& [site, count] : rest) {
      text += separator + std::to_string(count) + " × " + site;
      separator = ", ";
    }
    line(std::move(text));
  }

  // `call`, and `count - 1` more like it.
  void write_call(std::size_t call, std::size_t count, const std::string& indent, std::size_t depth) {
    const TaskNodeView& node = nodes_[call];
    std::string text = indent;
    if (count > 1) text += std::to_string(count) + " × ";
    text += site_text(node.site) + ", for " + duration_text(now_ns_ - node.begin_ns);
    if (node.waiting_on != nullptr) {
      text += std::string(": ") + node.waiting_on;
      if (node.until_ns != 0) text += ", " + duration_text(node.until_ns - now_ns_) + " left";
    } else if (children_[call].empty() && waits_[call].empty()) {
      text += ": running";
    }
    line(std::move(text));
    for (const std::string* wait : waits_[call]) line(indent + "  waits: " + *wait);
    write_calls(children_[call], indent + "  ", depth + 1);
  }

  void line(std::string text) {
    if (lines_ >= max_lines_) {
      ++left_out_;
      return;
    }
    ++lines_;
    out_ += "\n" + text;
  }

  // Deeper calls are counted, not shown.
  static constexpr std::size_t kMaxDepth = 40;

  const std::vector<TaskNodeView>& nodes_;
  std::int64_t now_ns_;
  std::size_t max_lines_;
  std::unordered_map<const detail::CallSlot*, std::size_t> index_;
  std::vector<std::size_t> roots_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::vector<const std::string*>> waits_;
  std::vector<const std::string*> loose_waits_;
  std::vector<std::size_t> shape_;
  std::string out_;
  std::size_t lines_ = 0;
  std::size_t left_out_ = 0;
};

}  // namespace

std::string render_task_tree(const std::vector<TaskNodeView>& nodes, const std::vector<NodeWaitLine>& waits,
                             std::int64_t now_ns, const std::string& indent, std::size_t max_lines) {
  return TreeWriter(nodes, waits, now_ns, max_lines).write(indent);
}

}  // namespace taskrt
