// The live task tree (SIGQUIT): every running call nested under the call that
// started it, with what it waits on; alike siblings shown once with a count.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "taskrt/channel.hpp"
#include "taskrt/task_tree.hpp"
#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;
using namespace std::chrono_literals;

namespace {

constexpr TaskSite kMain{"main", "flow", "tree.task", 1};
constexpr TaskSite kFan{"fan", "io", "tree.task", 5};
constexpr TaskSite kNap{"nap", "io", "tree.task", 9};
constexpr TaskSite kSpin{"spin", "cpu", "tree.task", 13};
constexpr TaskSite kLook{"look", "io", "tree.task", 17};
constexpr TaskSite kTaker{"taker", "io", "tree.task", 21};
constexpr TaskSite kDeep{"deep", "io", "tree.task", 25};

std::string tree_now() {
  std::vector<NodeWaitLine> none;
  return render_task_tree(snapshot_task_nodes(), none, detail::coarse_now_ns(), "", 200);
}

Task<std::string> nap() {
  TaskSpan span{kNap, co_await current_context()};
  co_await sleep(100s);
  co_return "";
}

// Spins until the race is won (by look: nothing else ends on its own).
Task<std::string> spin() {
  TaskSpan span{kSpin, co_await current_context()};
  co_await ensure_cpu();
  Context& context = co_await current_context();
  while (!context.cancelled()) {
  }
  co_return "";
}

Task<std::string> fan() {
  TaskSpan span{kFan, co_await current_context()};
  std::vector<Task<std::string>> naps;
  for (int i = 0; i < 20; ++i) naps.push_back(nap());
  co_await gather(std::move(naps));
  co_return "";
}

// Waits until the others are where they will stay, then looks: the race it
// wins cancels them.
Task<std::string> look() {
  TaskSpan span{kLook, co_await current_context()};
  co_await sleep(50ms);
  co_return tree_now();
}

Task<std::string> main_task() {
  TaskSpan span{kMain, co_await current_context()};
  co_return co_await race(fan(), spin(), look());
}

Task<std::string> deep(int depth) {
  TaskSpan span{kDeep, co_await current_context()};
  if (depth == 0) co_return co_await look();
  co_return co_await deep(depth - 1);
}

}  // namespace

TEST_CASE("the task tree nests each call under its caller, alike siblings once with a count") {
  auto runtime = testing::make_runtime(2);
  std::string tree = runtime->run(main_task());
  INFO(tree);
  // Ages are not compared: they depend on the machine.
  auto has = [&](const std::string& text) { return tree.find(text) != std::string::npos; };
  CHECK(has("\nmain (flow, tree.task:1), for "));
  CHECK(has("\n  fan (io, tree.task:5), for "));
  CHECK(has("\n    20 × nap (io, tree.task:9), for "));
  CHECK(has(": sleeping, "));
  CHECK(has(" s left"));
  CHECK(has("\n  spin (cpu, tree.task:13), for "));
  CHECK(has("\n  look (io, tree.task:17), for "));
  CHECK(tree.find("running") != std::string::npos);
  // Nothing but these: 1 main, 1 fan, 20 naps (one line), spin, look.
  CHECK(std::count(tree.begin(), tree.end(), '\n') == 5);
  // Every call has ended: the tree is empty again.
  CHECK(snapshot_task_nodes().empty());
}

TEST_CASE("the task tree shows a wait on a channel under the call that waits") {
  auto runtime = testing::make_runtime(1);
  std::string tree = runtime->run([]() -> Task<std::string> {
    TaskSpan span{kMain, co_await current_context()};
    Channel<int> empty(1);
    auto taker = [&]() -> Task<std::string> {
      TaskSpan inner{kTaker, co_await current_context()};
      co_await empty.recv("task taker: receive on channel `empty` (tree.task:22)");
      co_return "";
    };
    auto looker = [&]() -> Task<std::string> {
      co_await sleep(20ms);
      std::vector<NodeWaitLine> waits = (co_await current_context()).runtime->parked_waits().describe_by_task();
      co_return render_task_tree(snapshot_task_nodes(), waits, detail::coarse_now_ns(), "", 200);
    };
    co_return co_await race(taker(), looker());
  }());
  INFO(tree);
  CHECK(tree.find("\n  taker (io, tree.task:21), for ") != std::string::npos);
  CHECK(tree.find("\n    waits: task taker: receive on channel `empty` (tree.task:22), empty") != std::string::npos);
}

TEST_CASE("a deep recursion of calls is cut off, and a tree beyond its line budget counts what it left out") {
  auto runtime = testing::make_runtime(1);
  std::string tree = runtime->run(deep(100));
  INFO(tree);
  CHECK(tree.find("\n" + std::string(80, ' ') + "… 1 call deeper") != std::string::npos);
  // Slots that are only identities here: the renderer reads no slot.
  std::vector<detail::CallSlot> slots(31);
  std::vector<TaskNodeView> nodes;
  TaskNode parent{&slots[0], 2};
  nodes.push_back(TaskNodeView{parent, TaskNode{}, &kMain, 0, nullptr, 0});
  for (std::size_t i = 1; i < slots.size(); ++i) {
    // Thirty calls of two tasks in two states each.
    nodes.push_back(TaskNodeView{TaskNode{&slots[i], 2}, parent, i % 2 ? &kNap : &kSpin, static_cast<std::int64_t>(i),
                                 i % 3 ? "sleeping" : nullptr, static_cast<std::int64_t>(i) * 1'000'000'000});
  }
  // A child whose parent's slot holds a later call is not the parent's child.
  nodes.push_back(TaskNodeView{TaskNode{&slots[1], 4}, TaskNode{&slots[0], 4}, &kLook, 0, nullptr, 0});
  // Main and four kinds of children (two tasks, two states): five lines;
  // and the stray call, a root of its own.
  std::string whole = render_task_tree(nodes, {}, 0, "", 200);
  INFO(whole);
  CHECK(std::count(whole.begin(), whole.end(), '\n') == 6);
  CHECK(whole.find("\nlook (io, tree.task:17)") != std::string::npos);
  std::string cut = render_task_tree(nodes, {}, 0, "", 2);
  INFO(cut);
  CHECK(std::count(cut.begin(), cut.end(), '\n') == 3);
  CHECK(cut.find("\n… and 4 more lines") != std::string::npos);
}
