// A gather whose children are all cpu tasks, started by jobs on the CPU pool
// (TaskGroup's spread): each child's frame is made when a worker is about to
// run it, failures still fail fast, settling still runs every child.
#include <catch2/catch.hpp>

#include <functional>
#include <thread>

#include "tests/runtime/runtime_helpers.hpp"

using namespace taskrt;

namespace {

// Children made only when the group asks for them, as the LLVM backend's
// calls are, and freed when each finishes; every one a cpu task.
struct LazyCpuChildren {
  std::function<Task<int>(std::size_t)> make;
  std::vector<Task<int>> tasks;
  std::vector<int> values;
  std::vector<std::exception_ptr> errors;
  std::atomic<int> made{0};

  LazyCpuChildren(std::size_t count, std::function<Task<int>(std::size_t)> maker)
      : make(std::move(maker)), tasks(count), values(count, -1), errors(count) {}

  std::size_t size() const noexcept { return tasks.size(); }
  bool starts_on_cpu() const noexcept { return true; }
  detail::PromiseBase& promise(std::size_t i) {
    if (!tasks[i].valid()) {
      tasks[i] = make(i);
      made.fetch_add(1);
    }
    return tasks[i].handle().promise();
  }
  std::coroutine_handle<> handle(std::size_t i) noexcept { return tasks[i].handle(); }
  void finished(std::size_t i, detail::PromiseBase& child) noexcept {
    if (child.failed()) {
      errors[i] = child.error();
    } else {
      values[i] = tasks[i].take_result();
    }
    tasks[i] = Task<int>();
  }
};

Task<std::exception_ptr> run_group(LazyCpuChildren& children, detail::GroupMode mode) {
  detail::TaskGroup group(children, 0, mode);
  co_await group;
  co_return group.first_error();
}

}  // namespace

TEST_CASE("a gather of cpu tasks makes each child's frame only when a worker runs it") {
  auto runtime = testing::make_runtime(2);
  testing::Concurrency made_not_run;
  std::atomic<int> off_pool{0};
  constexpr std::size_t kCount = 20'000;
  LazyCpuChildren children(kCount, [&](std::size_t i) -> Task<int> {
    made_not_run.enter();
    return [](std::size_t i, testing::Concurrency& waiting, std::atomic<int>& off_pool, Runtime& runtime) -> Task<int> {
      co_await ensure_cpu();
      if (!runtime.cpu().in_pool()) off_pool.fetch_add(1);
      waiting.leave();
      co_return static_cast<int>(i) * 2;
    }(i, made_not_run, off_pool, *runtime);
  });
  std::exception_ptr error;
  SECTION("from the loop") {
    error = runtime->run(run_group(children, detail::GroupMode::kFailFast));
  }
  SECTION("from a task on the pool") {
    auto body = [&]() -> Task<std::exception_ptr> {
      co_await to_cpu();
      co_return co_await run_group(children, detail::GroupMode::kFailFast);
    };
    error = runtime->run(body());
  }
  CHECK_FALSE(error);
  CHECK(children.made.load() == static_cast<int>(kCount));
  bool all_right = true;
  for (std::size_t i = 0; i < kCount; ++i) all_right = all_right && children.values[i] == static_cast<int>(i) * 2;
  CHECK(all_right);
  CHECK(off_pool.load() == 0);
  // Each child runs as soon as it is made, and ends before its worker makes
  // the next: never more made and waiting than workers (made up front, as
  // before, all 20,000 were).
  CHECK(made_not_run.peak.load() <= 2);
}

TEST_CASE("a spread gather fails fast: children after the failure are not started") {
  auto runtime = testing::make_runtime(2);
  std::atomic<int> started{0};
  constexpr std::size_t kCount = 20'000;
  LazyCpuChildren children(kCount, [&](std::size_t i) -> Task<int> {
    return [](std::size_t i, std::atomic<int>& started) -> Task<int> {
      co_await ensure_cpu();
      started.fetch_add(1);
      if (i == 10) throw FailedError("child 10");
      co_return static_cast<int>(i);
    }(i, started);
  });
  std::exception_ptr error = runtime->run(run_group(children, detail::GroupMode::kFailFast));
  REQUIRE(error);
  CHECK(message_of(error) == "child 10");
  // Child 10's worker skips the rest of its run of children at least.
  CHECK(started.load() < static_cast<int>(kCount));
  CHECK(children.made.load() == started.load());
}

TEST_CASE("a spread gather_settled runs every child and keeps each failure") {
  auto runtime = testing::make_runtime(2);
  constexpr std::size_t kCount = 5'000;
  LazyCpuChildren children(kCount, [&](std::size_t i) -> Task<int> {
    return [](std::size_t i) -> Task<int> {
      co_await ensure_cpu();
      if (i % 100 == 7) throw FailedError("bad " + std::to_string(i));
      co_return static_cast<int>(i);
    }(i);
  });
  runtime->run(run_group(children, detail::GroupMode::kSettle));
  int failures = 0;
  bool all_right = true;
  for (std::size_t i = 0; i < kCount; ++i) {
    if (i % 100 == 7) {
      failures += children.errors[i] && message_of(children.errors[i]) == "bad " + std::to_string(i) ? 1 : 0;
    } else {
      all_right = all_right && children.values[i] == static_cast<int>(i) && !children.errors[i];
    }
  }
  CHECK(failures == 50);
  CHECK(all_right);
}

// Children that never look at their token (tiny cpu work) finish without
// failing after the parent is cancelled; those not yet started never start.
// The gather must then fail, not end as if every child had given a value.
TEST_CASE("a gather whose parent is cancelled before every child started fails with Cancelled") {
  auto runtime = testing::make_runtime(2);
  SECTION("spread on the pool") {
    LazyCpuChildren children(20'000, [&](std::size_t i) -> Task<int> {
      return [](std::size_t i, Runtime& runtime) -> Task<int> {
        co_await ensure_cpu();
        if (i == 10) runtime.cancel();
        co_return static_cast<int>(i);
      }(i, *runtime);
    });
    std::exception_ptr error = runtime->run(run_group(children, detail::GroupMode::kFailFast));
    REQUIRE(error);
    CHECK(kind_of(error) == ErrorKind::kCancelled);
  }
  SECTION("with a limit") {
    auto child = [&](int i) -> Task<int> {
      if (i == 3) runtime->cancel();
      co_return i;
    };
    auto body = [&]() -> Task<std::vector<int>> {
      std::vector<Task<int>> tasks;
      for (int i = 0; i < 100; ++i) tasks.push_back(child(i));
      co_return co_await gather(std::move(tasks), 1);
    };
    CHECK_THROWS_AS(runtime->run(body()), CancelledError);
  }
}

// A gather of a few cpu tasks from a task on the pool: its worker runs them
// one after another, each as the one before ends, while a starter job in the
// deque offers the rest (TaskGroup's start_in_turn).
namespace {

Task<std::exception_ptr> on_pool(LazyCpuChildren& children, detail::GroupMode mode) {
  co_await to_cpu();
  co_return co_await run_group(children, mode);
}

}  // namespace

TEST_CASE("a gather of a few cpu tasks on the pool runs each child once, in any number of workers") {
  for (unsigned workers : {1u, 2u, 4u}) {
    auto runtime = testing::make_runtime(workers);
    for (std::size_t count : {1u, 2u, 10u, 64u}) {
      std::atomic<int> ran{0};
      LazyCpuChildren children(count, [&](std::size_t i) -> Task<int> {
        return [](std::size_t i, std::atomic<int>& ran) -> Task<int> {
          co_await ensure_cpu();
          ran.fetch_add(1);
          co_return static_cast<int>(i) + 1;
        }(i, ran);
      });
      CHECK_FALSE(runtime->run(on_pool(children, detail::GroupMode::kFailFast)));
      CHECK(ran.load() == static_cast<int>(count));
      bool all_right = true;
      for (std::size_t i = 0; i < count; ++i) all_right = all_right && children.values[i] == static_cast<int>(i) + 1;
      CHECK(all_right);
    }
  }
}

TEST_CASE("a child run in turn that waits for a later sibling does not keep that sibling from starting") {
  // One worker: the later child can only start because the first one waited.
  auto runtime = testing::make_runtime(1);
  Event ready;
  LazyCpuChildren children(8, [&](std::size_t i) -> Task<int> {
    return [](std::size_t i, Event& ready) -> Task<int> {
      co_await ensure_cpu();
      if (i == 0) co_await ready.wait("test");
      if (i == 7) ready.set();
      co_return static_cast<int>(i);
    }(i, ready);
  });
  CHECK_FALSE(runtime->run(on_pool(children, detail::GroupMode::kFailFast)));
  CHECK(children.values[0] == 0);
  CHECK(children.values[7] == 7);
}

TEST_CASE("a gather run in turn fails fast, settles every child, and fails when its parent is cancelled") {
  auto runtime = testing::make_runtime(1);
  std::atomic<int> started{0};
  auto failing_at = [&](std::size_t bad) {
    return [&started, bad](std::size_t i) -> Task<int> {
      return [](std::size_t i, std::size_t bad, std::atomic<int>& started) -> Task<int> {
        co_await ensure_cpu();
        started.fetch_add(1);
        if (i % 10 == bad) throw FailedError("child " + std::to_string(i));
        co_return static_cast<int>(i);
      }(i, bad, started);
    };
  };
  SECTION("fail fast: on one worker, the children after the failure never start") {
    LazyCpuChildren children(40, failing_at(3));
    std::exception_ptr error = runtime->run(on_pool(children, detail::GroupMode::kFailFast));
    REQUIRE(error);
    CHECK(message_of(error) == "child 3");
    CHECK(started.load() == 4);
  }
  SECTION("settled: every child runs, each failure kept") {
    LazyCpuChildren children(40, failing_at(3));
    runtime->run(on_pool(children, detail::GroupMode::kSettle));
    CHECK(started.load() == 40);
    int failures = 0;
    for (std::size_t i = 0; i < 40; ++i) failures += children.errors[i] ? 1 : 0;
    CHECK(failures == 4);
  }
  SECTION("cancelled while children are left: Cancelled") {
    LazyCpuChildren children(40, [&](std::size_t i) -> Task<int> {
      return [](std::size_t i, Runtime& runtime) -> Task<int> {
        co_await ensure_cpu();
        if (i == 2) {
          // The cancellation reaches the group through the loop: wait for it
          // here, without looking (tiny cpu work rarely does), and end well.
          runtime.cancel();
          Context& context = co_await current_context();
          while (!context.cancelled()) std::this_thread::yield();
        }
        co_return static_cast<int>(i);
      }(i, *runtime);
    });
    std::exception_ptr error = runtime->run(on_pool(children, detail::GroupMode::kFailFast));
    CHECK(children.values[2] == 2);
    CHECK(children.values[3] == -1);  // never started
    REQUIRE(error);
    CHECK(kind_of(error) == ErrorKind::kCancelled);
  }
}

// Nested gathers in turn, as skynet's: every leaf counted once, on 2 workers
// (under ThreadSanitizer, the claims and the starters' holds race for real).
namespace {

struct Tree {
  std::atomic<long> leaves{0};
};

Task<long> node(Tree& tree, long number, int depth);

struct NodeChildren {
  Tree& tree;
  long number;
  int depth;
  std::vector<Task<long>> tasks{10};
  std::vector<long> values = std::vector<long>(10, 0);
  std::size_t size() const noexcept { return tasks.size(); }
  bool starts_on_cpu() const noexcept { return true; }
  detail::PromiseBase& promise(std::size_t i) {
    if (!tasks[i].valid()) tasks[i] = node(tree, number * 10 + static_cast<long>(i), depth - 1);
    return tasks[i].handle().promise();
  }
  std::coroutine_handle<> handle(std::size_t i) noexcept { return tasks[i].handle(); }
  void finished(std::size_t i, detail::PromiseBase&) noexcept {
    values[i] = tasks[i].take_result();
    tasks[i] = Task<long>();
  }
};

Task<long> node(Tree& tree, long number, int depth) {
  co_await ensure_cpu();
  if (depth == 0) {
    tree.leaves.fetch_add(1, std::memory_order_relaxed);
    co_return number;
  }
  NodeChildren children{tree, number, depth};
  detail::TaskGroup group(children, 0, detail::GroupMode::kFailFast);
  co_await group;
  long total = 0;
  for (long value : children.values) total += value;
  co_return total;
}

}  // namespace

TEST_CASE("nested gathers run in turn add up every leaf exactly once") {
  auto runtime = testing::make_runtime(2);
  Tree tree;
  auto root = [&]() -> Task<long> {
    co_await to_cpu();
    co_return co_await node(tree, 0, 4);
  };
  CHECK(runtime->run(root()) == 49'995'000);  // the sum of 0 .. 9,999
  CHECK(tree.leaves.load() == 10'000);
}
