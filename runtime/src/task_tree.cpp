#include "taskrt/task_tree.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "taskrt/trace.hpp"

namespace taskrt {
namespace detail {

constinit thread_local NodeList* t_node_list = nullptr;

namespace {

// Every thread's list, for the dump. A list outlives its thread (a call that
// began there may end elsewhere later) and is reused by a new thread once it
// is empty, so a program that starts and ends threads does not grow it.
struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<NodeList>> lists;  // guarded by mutex
};

Registry& registry() {
  static Registry* const instance = new Registry;  // never destroyed: threads may outlive static destruction
  return *instance;
}

// Gives the thread's list back when the thread ends.
struct ThreadListRelease {
  ~ThreadListRelease() {
    if (t_node_list == nullptr) return;
    std::lock_guard lock(registry().mutex);
    t_node_list->in_use = false;
    t_node_list = nullptr;
  }
};
thread_local ThreadListRelease t_release;

}  // namespace

void NodeList::lock_slowly() noexcept {
  // Only a dump holds a list for long; spin a little, then let it run.
  for (int spins = 0;; ++spins) {
    while (locked_.load(std::memory_order_relaxed)) {
      if (spins++ < 64) {
        __builtin_ia32_pause();
      } else {
        sched_yield();
      }
    }
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
  }
}

NodeList& make_thread_node_list() {
  (void)&t_release;  // its destructor runs at this thread's end
  Registry& all = registry();
  std::lock_guard lock(all.mutex);
  for (auto& list : all.lists) {
    if (list->in_use) continue;
    list->lock();
    bool empty = list->head == nullptr;
    list->unlock();
    if (empty) {
      list->in_use = true;
      t_node_list = list.get();
      return *list;
    }
  }
  all.lists.push_back(std::make_unique<NodeList>());
  t_node_list = all.lists.back().get();
  return *t_node_list;
}

}  // namespace detail

std::vector<TaskNodeView> snapshot_task_nodes() {
  detail::Registry& all = detail::registry();
  std::lock_guard lock(all.mutex);
  for (auto& list : all.lists) list->lock();
  std::vector<TaskNodeView> nodes;
  for (auto& list : all.lists) {
    std::size_t first = nodes.size();
    for (const TaskNode* node = list->head; node != nullptr; node = node->next) {
      nodes.push_back(TaskNodeView{node, node->parent, node->site, node->begin_ns,
                                   node->waiting_on.load(std::memory_order_relaxed),
                                   node->until_ns.load(std::memory_order_relaxed)});
    }
    // A list is newest first; calls that began in the same clock tick keep
    // the order they began in.
    std::reverse(nodes.begin() + static_cast<std::ptrdiff_t>(first), nodes.end());
  }
  for (auto& list : all.lists) list->unlock();
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
    std::unordered_map<const TaskNode*, std::size_t> index;
    index.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].node, i);
    children_.resize(nodes.size());
    waits_.resize(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto parent = nodes[i].parent == nullptr ? index.end() : index.find(nodes[i].parent);
      (parent == index.end() ? roots_ : children_[parent->second]).push_back(i);
    }
    for (const NodeWaitLine& wait : waits) {
      auto owner = wait.node == nullptr ? index.end() : index.find(wait.node);
      (owner == index.end() ? loose_waits_ : waits_[owner->second]).push_back(&wait.text);
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
