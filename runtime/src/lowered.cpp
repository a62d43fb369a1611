// The C ABI of programs built by the LLVM backend (taskrt/lowered.hpp).
#include "taskrt/lowered.hpp"

#include <array>
#include <atomic>
#include <bit>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lowered_call.hpp"
#include "lowered_values.hpp"
#include "taskrt/as_completed.hpp"
#include "taskrt/builtins.hpp"
#include "taskrt/channel.hpp"
#include "taskrt/checked.hpp"
#include "taskrt/clauses.hpp"
#include "taskrt/detail/stack_depth.hpp"
#include "taskrt/event.hpp"
#include "taskrt/gather.hpp"
#include "taskrt/gather_each.hpp"
#include "taskrt/print.hpp"
#include "taskrt/process_pool.hpp"
#include "taskrt/program.hpp"
#include "taskrt/program_args.hpp"
#include "taskrt/rate_limit.hpp"
#include "taskrt/schedule.hpp"
#include "taskrt/semaphore.hpp"
#include "taskrt/sleep.hpp"
#include "taskrt/task.hpp"
#include "taskrt/timeout.hpp"
#include "taskrt/work_queue.hpp"

namespace taskrt {
namespace {

using lowered::new_str;
using lowered::text_of;

using lowered::call_of;
using lowered::LoweredCall;
using lowered::LoweredFrame;
using lowered::Sleep;

void fail_with(void* call, auto&& operation) {
  try {
    operation();
  } catch (...) {
    call_of(call).error() = std::current_exception();
  }
}

}  // namespace

namespace lowered {

std::coroutine_handle<> LoweredCall::on_child_done(detail::PromiseBase&) noexcept {
  Executor* executor = context().executor;
  if (executor != nullptr && (executor != current_executor() || detail::stack_is_deep())) {
    executor->schedule(handle());
    return std::noop_coroutine();
  }
  return handle();
}

void record_failure(LoweredCall& running) {
  // Permits a failing `with` block still held go back first.
  running.held.reset();
  // The failure stays where it is, in the promise: the task's failure.
  if (!running.error()) return;
  try {
    std::rethrow_exception(running.error());
  } catch (Error& error) {
    if (running.task != nullptr) {
      running.span.mark_ended_by(error);
      error.add_frame(running.task->site);
    }
  } catch (...) {
  }
}

}  // namespace lowered

namespace lowered {
void await_task(void* call, Task<void> task) {
  call_of(call).wait_for(std::move(task));
}

void set_error(void* call, std::exception_ptr error) {
  call_of(call).error() = std::move(error);
}
}  // namespace lowered

namespace {

using Body = void* (*)(void* args, void* result, std::int64_t attempt, const void* task);

// A body as a task: its ramp makes the frame and stops before the first
// statement; whoever awaits the task starts it.
Task<void> body_task(Body body, void* args, void* result, std::int64_t attempt, const trt_task* task = nullptr) {
  return Task<void>(std::coroutine_handle<detail::Promise<void>>::from_address(body(args, result, attempt, task)));
}

// One attempt of a task.
Task<void> run_attempt(const trt_task& task, void* args, void* result, std::int64_t attempt) {
  return body_task(reinterpret_cast<Body>(task.body), args, result, attempt, &task);
}

// The program's semaphores, made from its trt_program at start.
std::deque<Semaphore>& semaphores() {
  static std::deque<Semaphore> all;
  return all;
}

// An `in process` task's attempt, as the caller sees it: its arguments to a
// worker process, its result back (or its error, or WorkerCrashed).
Task<void> run_remote(const trt_task& task, void* args, void* result, std::int64_t attempt) {
  Context& context = co_await current_context();
  TaskSpan span{task.site, context};
  std::string arguments;
  const auto* slots = static_cast<const std::uint64_t*>(args);
  for (std::int64_t i = 0; i < task.param_count; ++i) lowered::encode_slot(arguments, task.param_types[i], slots[i]);
  arguments.append(reinterpret_cast<const char*>(&attempt), sizeof attempt);
  std::string reply =
      co_await context.runtime->in_process().call(static_cast<std::uint32_t>(task.process_index), std::move(arguments));
  if (task.result_type != nullptr) {
    std::string_view in = reply;
    *static_cast<std::uint64_t*>(result) = lowered::decode_slot(in, task.result_type);
  }
}

// The worker's side: the task's body on the arguments, its result as bytes.
std::vector<const trt_task*>& process_tasks() {
  static std::vector<const trt_task*> all;
  return all;
}

Task<std::string> serve_process_task_at(std::size_t index, std::string arguments) {
  const trt_task& task = *process_tasks()[index];
  std::string_view in = arguments;
  std::vector<std::uint64_t> slots;
  for (std::int64_t i = 0; i < task.param_count; ++i) slots.push_back(lowered::decode_slot(in, task.param_types[i]));
  std::int64_t attempt = 1;
  if (in.size() >= sizeof attempt) std::memcpy(&attempt, in.data(), sizeof attempt);
  std::uint64_t result = 0;
  std::exception_ptr error;
  try {
    co_await run_attempt(task, slots.data(), &result, attempt);
  } catch (...) {
    error = std::current_exception();
  }
  for (std::int64_t i = 0; i < task.param_count; ++i) lowered::release_slot(task.param_types[i], slots[i]);
  if (error) std::rethrow_exception(error);
  std::string reply;
  if (task.result_type != nullptr) {
    lowered::encode_slot(reply, task.result_type, result);
    lowered::release_slot(task.result_type, result);
  }
  co_return reply;
}

// The process pool names a task by a plain function: one per possible index.
constexpr std::size_t kMostProcessTasks = 64;

template <std::size_t I>
Task<std::string> serve_process_task(std::string_view arguments) {
  return serve_process_task_at(I, std::string(arguments));
}

template <std::size_t... I>
constexpr std::array<Task<std::string> (*)(std::string_view), sizeof...(I)> process_entries(std::index_sequence<I...>) {
  return {&serve_process_task<I>...};
}

constexpr auto kProcessEntries = process_entries(std::make_index_sequence<kMostProcessTasks>());

// The program's rate limits, made from its trt_program at start.
std::deque<RateLimit>& rate_limits() {
  static std::deque<RateLimit> all;
  return all;
}

Task<void> run_with_clauses(const trt_task& task, void* args, void* result);

// A call: straight to its attempt when it has no clauses (no frame of its own).
bool has_clauses(const trt_task& task) {
  return task.semaphore >= 0 || task.rate_limit >= 0 || task.timeout_ns >= 0 || task.retry_extra >= 0;
}

Task<void> run_task(const trt_task& task, void* args, void* result) {
  if (has_clauses(task)) return run_with_clauses(task, args, result);
  return task.process_index >= 0 ? run_remote(task, args, result, 1) : run_attempt(task, args, result, 1);
}

Task<void> run_with_clauses(const trt_task& task, void* args, void* result) {
  TaskClauses clause;
  if (task.semaphore >= 0) {
    clause.semaphore = &semaphores()[static_cast<std::size_t>(task.semaphore)];
    clause.permits = task.permits;
    clause.semaphore_site = task.semaphore_site;
  }
  if (task.rate_limit >= 0) clause.rate_limit = &rate_limits()[static_cast<std::size_t>(task.rate_limit)];
  if (task.timeout_ns >= 0) clause.timeout = std::chrono::nanoseconds(task.timeout_ns);
  if (task.retry_extra >= 0) {
    RetryPolicy policy;
    policy.extra_attempts = task.retry_extra;
    policy.backoff = std::chrono::nanoseconds(task.retry_backoff_ns);
    if (task.retry_on != 0) policy.retry_on = static_cast<ErrorKindSet>(task.retry_on);
    clause.retry = policy;
  }
  auto attempt = [&](std::int64_t number) {
    return task.process_index >= 0 ? run_remote(task, args, result, number) : run_attempt(task, args, result, number);
  };
  co_await with_clauses(clause, attempt);
}

// A flow: its nodes run together; each signals its event when done.
struct Flow {
  explicit Flow(std::size_t nodes) : done(nodes) {}
  std::vector<Event> done;
};

// A `shared` value: read as a copy under its lock; changed in `with` blocks,
// which hold its writer lock.
struct SharedValue {
  std::mutex mutex;
  const trt_type* type = nullptr;
  std::uint64_t slot = 0;  // guarded by mutex
  Mutex writer;
};

std::deque<SharedValue>& shared_values() {
  static std::deque<SharedValue> all;
  return all;
}

Task<void> hold(LoweredCall& call, Semaphore& semaphore, std::int64_t permits, const char* site) {
  Semaphore::Permit permit = co_await semaphore.acquire(permits, site);
  if (!call.held) call.held = std::make_unique<std::vector<Semaphore::Permit>>();
  call.held->push_back(std::move(permit));
}

Task<void> hold(LoweredCall& call, Mutex& mutex, const char* site) {
  Semaphore::Permit permit = co_await mutex.lock(site);
  if (!call.held) call.held = std::make_unique<std::vector<Semaphore::Permit>>();
  call.held->push_back(std::move(permit));
}

Task<void> rethrow(std::exception_ptr error) {
  std::rethrow_exception(error);
  co_return;
}

Task<void> send_on(lowered::ChannelBox* box, lowered::Owned value, const char* site) {
  co_await box->channel.send(std::move(value), site);
}

Task<void> receive_from(lowered::ChannelBox* box, std::int64_t* out, std::int64_t* got, const char* site) {
  std::optional<lowered::Owned> value = co_await box->channel.recv(site);
  *got = value ? 1 : 0;
  if (value) *out = static_cast<std::int64_t>(value->take());
}

Task<void> wait_for(Event& event, const char* site) {
  co_await event.wait(site);
}

Task<void> run_flow(std::int32_t nodes, const Body* bodies, void* locals) {
  Flow flow(static_cast<std::size_t>(nodes));
  std::vector<Task<void>> running;
  running.reserve(static_cast<std::size_t>(nodes));
  for (std::int32_t i = 0; i < nodes; ++i) running.push_back(body_task(bodies[i], locals, &flow, 1));
  co_await gather(std::move(running));
}

// What a branch of a gather reads: the captured variables of the body that
// started it, and its own element (gather … for x in xs).
struct BranchEnv {
  void* captures;
  std::uint64_t element;
};

// A branch's result, released unless taken: a gather that fails, or a race,
// drops the results of the branches that finished anyway.
Task<lowered::Owned> run_branch(Body branch, const BranchEnv* env, const trt_type* type) {
  std::uint64_t result = 0;
  co_await body_task(branch, const_cast<BranchEnv*>(env), &result, 1);
  co_return lowered::Owned(type, result);
}

// A settled call's result[T] box (of `type`).
std::uint64_t settled_slot(const trt_type* type, Result<lowered::Owned>& result) {
  if (!result.ok()) return lowered::new_result(type, 0, result.error());
  return lowered::new_result(type, result.take_value().take(), nullptr);
}

// gather(a, b, …) [settle]: one branch per part; `types` are the parts'
// result types (settle: their result[T] types).
Task<void> run_gather(std::int64_t count, const Body* branches, void* captures, const trt_type* const* types,
                      bool settle, std::uint64_t* results) {
  std::vector<BranchEnv> envs(static_cast<std::size_t>(count), BranchEnv{captures, 0});
  std::vector<Task<lowered::Owned>> running;
  for (std::size_t i = 0; i < envs.size(); ++i) {
    running.push_back(run_branch(branches[i], &envs[i], settle ? types[i]->args[0] : types[i]));
  }
  if (settle) {
    std::vector<Result<lowered::Owned>> settled = co_await gather_settled(std::move(running));
    for (std::size_t i = 0; i < settled.size(); ++i) results[i] = settled_slot(types[i], settled[i]);
    co_return;
  }
  std::vector<lowered::Owned> values = co_await gather(std::move(running));
  for (std::size_t i = 0; i < values.size(); ++i) results[i] = values[i].take();
}

// A branch for an element the runtime holds only meanwhile (a work queue's
// value): the branch keeps its own reference until it ends.
struct MakeQueueBranch {
  Body branch;
  void* captures;
  const trt_type* element_type;
  const trt_type* value_type;

  static Task<lowered::Owned> run(Body branch, void* captures, lowered::Owned element, const trt_type* type) {
    BranchEnv env{captures, element.peek()};
    co_return co_await run_branch(branch, &env, type);
  }
  Task<lowered::Owned> operator()(const lowered::Owned& element) const {
    lowered::retain_slot(element_type, element.peek());
    return run(branch, captures, lowered::Owned(element_type, element.peek()), value_type);
  }
};

// gather BODY for x in ITEMS [limit n] [settle], and race BODY for x in
// ITEMS: one branch per element of a list (or range), or per value taken
// from a work queue. `value_type` is a branch's result type; `out_type` the
// list made (of result[T] when settled), or a race's value type.
Task<void> run_each(Body branch, void* captures, std::vector<std::uint64_t> elements, lowered::ChannelBox* queue,
                    std::int64_t limit, const char* label, std::int32_t mode, const trt_type* element_type,
                    const trt_type* value_type, const trt_type* out_type, void** out) {
  std::vector<BranchEnv> envs;
  envs.reserve(elements.size());
  for (std::uint64_t element : elements) envs.push_back({captures, element});
  auto make = [&](const BranchEnv& env) { return run_branch(branch, &env, value_type); };
  MakeQueueBranch make_queued{branch, captures, element_type, value_type};
  if (mode == trt_each_race) {
    lowered::Owned winner = co_await race_each(envs, make, limit);
    *out = reinterpret_cast<void*>(static_cast<std::uintptr_t>(winner.take()));
    co_return;
  }
  if (mode == trt_each_settle) {
    // (if/else, not ?: — GCC 12 destroys the temporaries of a co_await in ?: twice.)
    std::vector<Result<lowered::Owned>> settled;
    if (queue != nullptr) {
      settled = co_await gather_queue_settled(queue->channel, make_queued, limit, label);
    } else {
      settled = co_await gather_each_settled(envs, make, limit, label);
    }
    if (out == nullptr) co_return;
    auto* list = new lowered::ListBox;
    list->type = out_type;
    for (Result<lowered::Owned>& result : settled) list->items.push_back(settled_slot(out_type->args[0], result));
    *out = list;
    co_return;
  }
  std::vector<lowered::Owned> values;
  if (queue != nullptr) {
    values = co_await gather_queue(queue->channel, make_queued, limit, label);
  } else {
    values = co_await gather_each(envs, make, limit, label);
  }
  if (out == nullptr) co_return;
  auto* list = new lowered::ListBox;
  list->type = out_type;
  list->items.reserve(values.size());
  for (lowered::Owned& value : values) list->items.push_back(value.take());
  *out = list;
}

// gather f(…) for x in ITEMS [limit n] [settle], its arguments evaluated
// by the body up front: one call per block of arguments, each call straight
// to its task (no branch between: a gather of tiny calls costs what the C++
// backend's does).
// The children of a gather whose calls' arguments live in a calls box. A
// call's task is made when it starts and freed when it finishes (its result
// is already in the list): a gather with a limit holds the frames of its
// running calls only, however many calls it makes.
class CallsChildren {
 public:
  CallsChildren(lowered::CallsBox& calls, lowered::ListBox& results, bool keep_errors)
      : calls_(calls), results_(results), errors_(keep_errors ? calls.filled : 0) {
    // Empty tasks, so that the box can destroy what is left whatever happens.
    for (; calls_.made < calls_.filled; ++calls_.made) new (&calls_.tasks[calls_.made]) Task<void>();
  }

  std::size_t size() const noexcept { return calls_.filled; }
  // Each call is a cpu task's body, which moves to the pool first (make()).
  bool starts_on_cpu() const noexcept {
    const trt_task& task = *calls_.task;
    return task.is_cpu != 0 && !has_clauses(task) && task.process_index < 0;
  }
  detail::PromiseBase& promise(std::size_t i) {
    if (!calls_.tasks[i].valid()) calls_.tasks[i] = make(i);
    return calls_.tasks[i].handle().promise();
  }
  std::coroutine_handle<> handle(std::size_t i) noexcept { return calls_.tasks[i].handle(); }
  void finished(std::size_t i, detail::PromiseBase& child) noexcept {
    if (!errors_.empty()) errors_[i] = child.error();
    calls_.tasks[i] = Task<void>();
  }
  void not_made(std::size_t i, std::exception_ptr error) noexcept {
    if (!errors_.empty()) errors_[i] = std::move(error);
  }
  const std::exception_ptr& error(std::size_t i) const noexcept { return errors_[i]; }

 private:
  Task<void> make(std::size_t i) {
    const trt_task& task = *calls_.task;
    void* args = calls_.args + i * static_cast<std::size_t>(task.param_count);
    // Without clauses each call is its body's frame.
    if (!has_clauses(task) && task.process_index < 0) {
      return body_task(reinterpret_cast<Body>(task.body), args, &results_.items[i], 1, &task);
    }
    return run_task(task, args, &results_.items[i]);
  }

  lowered::CallsBox& calls_;
  lowered::ListBox& results_;
  std::vector<std::exception_ptr> errors_;
};

Task<void> run_calls(lowered::CallsBox* calls, std::int64_t limit, const char* label, bool settle,
                     const trt_type* out_type, void** out) {
  const trt_task& task = *calls->task;
  // The results go straight into the list made (settled: wrapped after).
  auto* list = new lowered::ListBox;
  list->type = out_type;
  list->items.assign(calls->filled, 0);
  // The gather's own group, in this frame (as taskrt::gather runs it).
  CallsChildren children(*calls, *list, settle && out != nullptr);
  auto window = static_cast<std::size_t>(limit);
  if (task.process_index >= 0 && !has_clauses(task) && calls->filled > 0) {
    // Calls beyond what the workers can queue would only wait for a slot
    // (a million frames made up front were a third of a tiny call's cost).
    window = (co_await current_context()).runtime->in_process().call_window(window);
  }
  detail::TaskGroup group(children, window, settle ? detail::GroupMode::kSettle : detail::GroupMode::kFailFast, label);
  co_await group;
  if (settle && out != nullptr) {
    for (std::size_t i = 0; i < children.size(); ++i) {
      list->items[i] = lowered::new_result(out_type->args[0], list->items[i], children.error(i));
    }
  } else if (group.first_error()) {
    // The results of the calls that finished before the failure.
    if (task.result_type != nullptr) {
      for (std::uint64_t result : list->items) lowered::release_slot(task.result_type, result);
    }
    delete list;
    std::rethrow_exception(group.first_error());
  }
  if (out != nullptr) {
    *out = list;
  } else {
    // Nothing to give (a gather of calls without results): only the slots.
    delete list;
  }
}

// `for x in gather BODY for y in ITEMS as completed`: each result as its
// call finishes (AsCompleted, over a list or a work queue). next() and
// finish() are awaited by the loop's body in turn.
class CompletedLoop {
 public:
  virtual ~CompletedLoop() = default;
  virtual Task<void> next(std::uint64_t* out, std::int64_t* got) = 0;
  virtual Task<void> finish(std::exception_ptr failure) = 0;
};

template <bool Settled>
std::uint64_t item_slot(const trt_type* item_type, typename AsCompleted<lowered::Owned, Settled>::Item& item) {
  if constexpr (Settled) {
    return settled_slot(item_type, item);
  } else {
    return item.take();
  }
}

template <bool Settled>
class ListLoop final : public CompletedLoop {
 public:
  ListLoop(Body branch, void* captures, const std::vector<std::uint64_t>& elements, std::int64_t limit,
           const trt_type* value_type, const trt_type* item_type)
      : envs_(envs_of(captures, elements)),
        stream_(tasks(branch, value_type), static_cast<std::size_t>(limit)),
        item_type_(item_type) {}

  Task<void> next(std::uint64_t* out, std::int64_t* got) override {
    auto item = co_await stream_.next();
    *got = item ? 1 : 0;
    if (item) *out = item_slot<Settled>(item_type_, *item);
  }
  Task<void> finish(std::exception_ptr failure) override { co_await stream_.finish(std::move(failure)); }

 private:
  static std::vector<BranchEnv> envs_of(void* captures, const std::vector<std::uint64_t>& elements) {
    std::vector<BranchEnv> envs;
    envs.reserve(elements.size());
    for (std::uint64_t element : elements) envs.push_back({captures, element});
    return envs;
  }
  std::vector<Task<lowered::Owned>> tasks(Body branch, const trt_type* value_type) {
    std::vector<Task<lowered::Owned>> made;
    made.reserve(envs_.size());
    for (const BranchEnv& env : envs_) made.push_back(run_branch(branch, &env, value_type));
    return made;
  }

  std::vector<BranchEnv> envs_;
  AsCompleted<lowered::Owned, Settled> stream_;
  const trt_type* item_type_;
};

template <bool Settled>
class QueueLoop final : public CompletedLoop {
 public:
  QueueLoop(MakeQueueBranch make, lowered::ChannelBox* queue, std::int64_t limit, const trt_type* item_type)
      : make_(make), stream_(queue->channel, make_, limit), item_type_(item_type) {}

  Task<void> next(std::uint64_t* out, std::int64_t* got) override {
    auto item = co_await stream_.next();
    *got = item ? 1 : 0;
    if (item) *out = item_slot<Settled>(item_type_, *item);
  }
  Task<void> finish(std::exception_ptr failure) override { co_await stream_.finish(std::move(failure)); }

 private:
  MakeQueueBranch make_;
  QueueAsCompleted<Settled, lowered::Owned, MakeQueueBranch> stream_;
  const trt_type* item_type_;
};

Task<void> finish_loop(CompletedLoop* loop, std::exception_ptr failure) {
  std::unique_ptr<CompletedLoop> owned(loop);
  co_await loop->finish(std::move(failure));
}

// The work of `timeout`, `try … else` and the competitors of `race`: branches
// whose one result goes to `out`.
Task<void> run_timeout(Body branch, BranchEnv env, const trt_type* type, std::int64_t ns, std::uint64_t* out) {
  lowered::Owned value = co_await with_timeout(std::chrono::nanoseconds(ns), run_branch(branch, &env, type));
  *out = value.take();
}

Task<void> run_work(Body branch, BranchEnv env, const trt_type* type, std::uint64_t* out) {
  lowered::Owned value = co_await run_branch(branch, &env, type);
  *out = value.take();
}

Task<void> run_race(std::int64_t count, const Body* branches, void* captures, const trt_type* type,
                    std::uint64_t* out) {
  std::vector<BranchEnv> envs(static_cast<std::size_t>(count), BranchEnv{captures, 0});
  std::vector<Task<lowered::Owned>> running;
  for (std::size_t i = 0; i < envs.size(); ++i) running.push_back(run_branch(branches[i], &envs[i], type));
  lowered::Owned value = co_await race(std::move(running));
  *out = value.take();
}

Task<int> run_main(const trt_task& main, void* args, Body init) {
  if (init != nullptr) co_await body_task(init, nullptr, nullptr, 1);
  if (main.returns_int != 0) {
    std::int64_t result = 0;
    co_await run_task(main, args, &result);
    co_return exit_status(result);
  }
  co_await run_task(main, args, nullptr);
  co_return 0;
}

}  // namespace

namespace lowered {

Task<Owned> run_branch_on(void* branch, void* captures, Owned element, const trt_type* type) {
  // The body straight from here, not through run_branch: serve runs this
  // once per request, and this saves it a frame.
  BranchEnv env{captures, element.peek()};
  std::uint64_t result = 0;
  co_await body_task(reinterpret_cast<Body>(branch), &env, &result, 1);
  co_return Owned(type, result);
}

}  // namespace lowered
}  // namespace taskrt

using taskrt::lowered::call_of;
using taskrt::lowered::text_of;

extern "C" {

void* trt_str_new(void* data, std::int64_t size) {
  return taskrt::lowered::new_str(std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)));
}

std::int64_t trt_str_len(void* s) {
  return static_cast<std::int64_t>(text_of(s).size());
}

std::int32_t trt_str_compare(void* a, void* b) {
  int order = text_of(a).compare(text_of(b));
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

void* trt_str_concat(void* a, void* b) {
  return taskrt::lowered::new_str(text_of(a) + text_of(b));
}

void* trt_text_new() {
  return new std::string;
}

void trt_text_str(void* text, void* s) {
  *static_cast<std::string*>(text) += text_of(s);
}

void trt_text_bytes(void* text, void* data, std::int64_t size) {
  static_cast<std::string*>(text)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

void trt_text_int(void* text, std::int64_t value) {
  *static_cast<std::string*>(text) += taskrt::format_value(value);
}

void trt_text_float(void* text, double value) {
  *static_cast<std::string*>(text) += taskrt::format_value(value);
}

void trt_text_bool(void* text, bool value) {
  *static_cast<std::string*>(text) += taskrt::format_value(value);
}

void trt_text_duration(void* text, std::int64_t ns) {
  *static_cast<std::string*>(text) += taskrt::format_value(std::chrono::nanoseconds(ns));
}

void* trt_text_finish(void* text) {
  std::unique_ptr<std::string> owned(static_cast<std::string*>(text));
  return taskrt::lowered::new_str(std::move(*owned));
}

void trt_text_print(void* text) {
  std::unique_ptr<std::string> owned(static_cast<std::string*>(text));
  taskrt::write_stdout_line(std::move(*owned));
}

void trt_text_eprint(void* text) {
  std::unique_ptr<std::string> owned(static_cast<std::string*>(text));
  taskrt::write_stderr_line(std::move(*owned));
}

void trt_fail(void* call, void* message) {
  taskrt::fail_with(call, [&] { throw taskrt::FailedError(text_of(message)); });
}

void trt_int_overflow(void* call, std::int32_t op, std::int64_t a, std::int64_t b) {
  taskrt::fail_with(call, [&] {
    switch (op) {
      case trt_op_add: taskrt::checked_add(a, b); break;
      case trt_op_sub: taskrt::checked_sub(a, b); break;
      case trt_op_mul: taskrt::checked_mul(a, b); break;
      case trt_op_neg: taskrt::checked_neg(a); break;
      default: break;
    }
    throw taskrt::ArithmeticError("integer overflow");
  });
}

bool trt_int_divide(void* call, std::int32_t op, std::int64_t a, std::int64_t b, void* out) {
  bool failed = true;
  taskrt::fail_with(call, [&] {
    std::int64_t value = 0;
    switch (op) {
      case trt_op_div: value = taskrt::checked_div(a, b); break;
      case trt_op_mod: value = taskrt::checked_mod(a, b); break;
      case trt_op_pow: value = taskrt::checked_pow(a, b); break;
      case trt_op_shl: value = taskrt::checked_shl(a, b); break;
      case trt_op_shr: value = taskrt::checked_shr(a, b); break;
      default: throw taskrt::ArithmeticError("not an integer division");
    }
    *static_cast<std::int64_t*>(out) = value;
    failed = false;
  });
  return failed;
}

bool trt_float_divide(void* call, std::int32_t op, double a, double b, void* out) {
  bool failed = true;
  taskrt::fail_with(call, [&] {
    double value = 0;
    switch (op) {
      case trt_op_div: value = taskrt::checked_div(a, b); break;
      case trt_op_mod: value = taskrt::checked_mod(a, b); break;
      case trt_op_pow: value = taskrt::checked_pow(a, b); break;
      default: throw taskrt::ArithmeticError("not a float division");
    }
    *static_cast<double*>(out) = value;
    failed = false;
  });
  return failed;
}

bool trt_list_get(void* call, void* list, std::int64_t index, void* out) {
  bool failed = true;
  taskrt::fail_with(call, [&] {
    const auto& items = static_cast<taskrt::lowered::ListBox*>(list)->items;
    *static_cast<std::int64_t*>(out) = static_cast<std::int64_t>(items[taskrt::checked_index(index, items.size())]);
    failed = false;
  });
  return failed;
}

bool trt_map_get(void* call, void* map, std::int64_t key, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    auto* box = static_cast<taskrt::lowered::MapBox*>(map);
    auto* entry = box->find(static_cast<std::uint64_t>(key));
    if (entry == nullptr) {
      std::string shown;
      taskrt::lowered::append_value(shown, box->type->args[0], static_cast<std::uint64_t>(key), false);
      taskrt::throw_missing_key(shown);
    }
    *static_cast<std::int64_t*>(out) = static_cast<std::int64_t>(entry->second);
  });
}

bool trt_check_cancelled(void* call) {
  bool failed = true;
  taskrt::fail_with(call, [&] {
    call_of(call).context().check_cancelled();
    failed = false;
  });
  return failed;
}

bool trt_error_matches(void* call, std::int64_t kinds) {
  return taskrt::error_matches(call_of(call).error(), static_cast<taskrt::ErrorKindSet>(kinds));
}

void* trt_error_record(void* call, void* type) {
  std::exception_ptr error = std::exchange(call_of(call).error(), nullptr);
  auto* record = new taskrt::lowered::TupleBox;
  record->type = static_cast<const trt_type*>(type);
  // Error { kind, message }, by the names the program's Error record gives.
  for (std::int64_t i = 0; i < record->type->count; ++i) {
    std::string_view field = record->type->names[i];
    std::string text =
        field == "kind" ? std::string(taskrt::error_kind_name(taskrt::kind_of(error))) : taskrt::message_of(error);
    record->fields.push_back(taskrt::lowered::slot(taskrt::lowered::new_str(std::move(text))));
  }
  return record;
}

void trt_error_clear(void* call) {
  call_of(call).error() = nullptr;
}

std::int64_t trt_attempt(void* call) {
  return call_of(call).attempt;
}

void trt_await_call(void* call, void* task, void* args, void* result) {
  call_of(call).wait_for(taskrt::run_task(*static_cast<const trt_task*>(task), args, result));
}

void trt_await_sleep(void* call, std::int64_t ns) {
  call_of(call).sleep_for(ns);
}

void trt_await_flow(void* call, std::int32_t nodes, void* node_bodies, void* locals) {
  call_of(call).wait_for(taskrt::run_flow(nodes, static_cast<const taskrt::Body*>(node_bodies), locals));
}

void trt_await_node(void* call, void* flow, std::int32_t node, void* site) {
  auto& events = static_cast<taskrt::Flow*>(flow)->done;
  call_of(call).wait_for(taskrt::wait_for(events[static_cast<std::size_t>(node)], static_cast<const char*>(site)));
}

void trt_node_done(void* flow, std::int32_t node) {
  static_cast<taskrt::Flow*>(flow)->done[static_cast<std::size_t>(node)].set();
}

void trt_await_gather(void* call, std::int64_t count, void* branches, void* captures, void* types, bool settle,
                      void* results) {
  call_of(call).wait_for(taskrt::run_gather(count, static_cast<const taskrt::Body*>(branches), captures,
                                            static_cast<const trt_type* const*>(types), settle,
                                            static_cast<std::uint64_t*>(results)));
}

void trt_await_timeout(void* call, void* branch, void* captures, void* type, std::int64_t ns, void* out) {
  call_of(call).wait_for(taskrt::run_timeout(reinterpret_cast<taskrt::Body>(branch), {captures, 0},
                                             static_cast<const trt_type*>(type), ns, static_cast<std::uint64_t*>(out)));
}

void trt_await_work(void* call, void* branch, void* captures, void* type, void* out) {
  call_of(call).wait_for(taskrt::run_work(reinterpret_cast<taskrt::Body>(branch), {captures, 0},
                                          static_cast<const trt_type*>(type), static_cast<std::uint64_t*>(out)));
}

void trt_await_race(void* call, std::int64_t count, void* branches, void* captures, void* type, void* out) {
  call_of(call).wait_for(taskrt::run_race(count, static_cast<const taskrt::Body*>(branches), captures,
                                          static_cast<const trt_type*>(type), static_cast<std::uint64_t*>(out)));
}

void trt_await_rate_limit(void* call, std::int32_t index) {
  call_of(call).wait_for(taskrt::rate_limits()[static_cast<std::size_t>(index)].acquire());
}

namespace {

// The elements of a gather over a list or a range (a work queue has none up front).
std::vector<std::uint64_t> elements_of(void* items, std::int64_t from, std::int64_t to, bool inclusive) {
  std::vector<std::uint64_t> elements;
  if (items == nullptr) {
    for (std::int64_t i : taskrt::IntRange(from, to, inclusive)) elements.push_back(static_cast<std::uint64_t>(i));
  } else if (static_cast<taskrt::lowered::Box*>(items)->type->kind == trt_kind_list) {
    elements = static_cast<taskrt::lowered::ListBox*>(items)->items;
  }
  return elements;
}

taskrt::lowered::ChannelBox* queue_of(void* items) {
  if (items == nullptr || static_cast<taskrt::lowered::Box*>(items)->type->kind != trt_kind_channel) return nullptr;
  return static_cast<taskrt::lowered::ChannelBox*>(items);
}

}  // namespace

void trt_await_each(void* call, void* branch, void* captures, void* items, std::int64_t from, std::int64_t to,
                    bool inclusive, bool has_limit, std::int64_t limit, void* label, std::int32_t mode,
                    void* value_type, void* out_type, void* out) {
  taskrt::fail_with(call, [&] { limit = has_limit ? taskrt::gather_limit(limit) : 0; });
  if (call_of(call).error()) {
    // Failing at once: what the body waits for is that failure.
    call_of(call).wait_for(taskrt::rethrow(std::exchange(call_of(call).error(), nullptr)));
    return;
  }
  taskrt::lowered::ChannelBox* queue = queue_of(items);
  const trt_type* element_type = queue != nullptr ? queue->type->args[0] : nullptr;
  call_of(call).wait_for(taskrt::run_each(
      reinterpret_cast<taskrt::Body>(branch), captures, elements_of(items, from, to, inclusive), queue, limit,
      static_cast<const char*>(label), mode, element_type, static_cast<const trt_type*>(value_type),
      static_cast<const trt_type*>(out_type), static_cast<void**>(out)));
}

bool trt_completed_new(void* call, void* branch, void* captures, void* items, std::int64_t from, std::int64_t to,
                       bool inclusive, bool has_limit, std::int64_t limit, bool settle, void* item_type, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    limit = has_limit ? taskrt::gather_limit(limit) : 0;
    auto body = reinterpret_cast<taskrt::Body>(branch);
    const auto* item = static_cast<const trt_type*>(item_type);
    const trt_type* value_type = settle ? item->args[0] : item;
    taskrt::CompletedLoop* loop = nullptr;
    if (taskrt::lowered::ChannelBox* queue = queue_of(items)) {
      taskrt::MakeQueueBranch make{body, captures, queue->type->args[0], value_type};
      if (settle) {
        loop = new taskrt::QueueLoop<true>(make, queue, limit, item);
      } else {
        loop = new taskrt::QueueLoop<false>(make, queue, limit, item);
      }
    } else {
      std::vector<std::uint64_t> elements = elements_of(items, from, to, inclusive);
      if (settle) {
        loop = new taskrt::ListLoop<true>(body, captures, elements, limit, value_type, item);
      } else {
        loop = new taskrt::ListLoop<false>(body, captures, elements, limit, value_type, item);
      }
    }
    *static_cast<void**>(out) = loop;
  });
}

void* trt_calls_new(void* task, std::int64_t count) {
  return taskrt::lowered::CallsBox::make(static_cast<const trt_task*>(task), static_cast<std::size_t>(count));
}

void trt_await_calls(void* call, void* calls, std::int64_t limit, void* label, bool settle, void* out_type, void* out) {
  call_of(call).wait_for(taskrt::run_calls(static_cast<taskrt::lowered::CallsBox*>(calls), limit,
                                           static_cast<const char*>(label), settle,
                                           static_cast<const trt_type*>(out_type), static_cast<void**>(out)));
}

bool trt_gather_limit(void* call, std::int64_t limit, void* out) {
  return taskrt::lowered::fail_call(call, [&] { *static_cast<std::int64_t*>(out) = taskrt::gather_limit(limit); });
}

void trt_await_completed_next(void* call, void* loop, void* out, void* got) {
  call_of(call).wait_for(static_cast<taskrt::CompletedLoop*>(loop)->next(static_cast<std::uint64_t*>(out),
                                                                         static_cast<std::int64_t*>(got)));
}

void trt_await_completed_finish(void* call, void* loop) {
  // The body's failure, if it is failing: rethrown once the calls are over.
  call_of(call).wait_for(
      taskrt::finish_loop(static_cast<taskrt::CompletedLoop*>(loop), std::exchange(call_of(call).error(), nullptr)));
}

bool trt_channel_new(void* call, void* type, bool bounded, std::int64_t capacity, void* out) {
  return taskrt::lowered::fail_call(call, [&] {
    auto* box = new taskrt::lowered::ChannelBox(bounded ? taskrt::channel_capacity(capacity) : taskrt::kUnbounded);
    box->type = static_cast<const trt_type*>(type);
    *static_cast<void**>(out) = box;
  });
}

void trt_await_send(void* call, void* channel, std::int64_t slot, void* site) {
  auto* box = static_cast<taskrt::lowered::ChannelBox*>(channel);
  taskrt::lowered::Owned value(box->type->args[0], static_cast<std::uint64_t>(slot));
  call_of(call).wait_for(taskrt::send_on(box, std::move(value), static_cast<const char*>(site)));
}

void trt_await_recv(void* call, void* channel, void* out, void* got, void* site) {
  call_of(call).wait_for(taskrt::receive_from(static_cast<taskrt::lowered::ChannelBox*>(channel),
                                              static_cast<std::int64_t*>(out), static_cast<std::int64_t*>(got),
                                              static_cast<const char*>(site)));
}

void trt_channel_close(void* channel) {
  static_cast<taskrt::lowered::ChannelBox*>(channel)->channel.close();
}

std::int64_t trt_channel_len(void* channel) {
  return taskrt::len(static_cast<taskrt::lowered::ChannelBox*>(channel)->channel);
}

void trt_shared_init(std::int32_t index, void* type, std::int64_t slot) {
  auto& all = taskrt::shared_values();
  while (all.size() <= static_cast<std::size_t>(index)) all.emplace_back();
  taskrt::SharedValue& shared = all[static_cast<std::size_t>(index)];
  shared.type = static_cast<const trt_type*>(type);
  shared.slot = static_cast<std::uint64_t>(slot);
}

std::int64_t trt_shared_load(std::int32_t index) {
  taskrt::SharedValue& shared = taskrt::shared_values()[static_cast<std::size_t>(index)];
  std::lock_guard lock(shared.mutex);
  taskrt::lowered::retain_slot(shared.type, shared.slot);
  return static_cast<std::int64_t>(shared.slot);
}

void trt_shared_store(std::int32_t index, std::int64_t slot) {
  taskrt::SharedValue& shared = taskrt::shared_values()[static_cast<std::size_t>(index)];
  std::uint64_t old = 0;
  {
    std::lock_guard lock(shared.mutex);
    old = std::exchange(shared.slot, static_cast<std::uint64_t>(slot));
  }
  taskrt::lowered::release_slot(shared.type, old);
}

void trt_await_shared_lock(void* call, std::int32_t index, void* site) {
  taskrt::SharedValue& shared = taskrt::shared_values()[static_cast<std::size_t>(index)];
  call_of(call).wait_for(taskrt::hold(call_of(call), shared.writer, static_cast<const char*>(site)));
}

void trt_await_permits(void* call, std::int32_t semaphore, std::int64_t permits, void* site) {
  taskrt::Semaphore& held = taskrt::semaphores()[static_cast<std::size_t>(semaphore)];
  call_of(call).wait_for(taskrt::hold(call_of(call), held, permits, static_cast<const char*>(site)));
}

void trt_let_go(void* call) {
  call_of(call).held->pop_back();
}

std::int32_t trt_run_program(std::int32_t argc, void* argv, void* program_data) {
  const auto& program = *static_cast<const trt_program*>(program_data);
  // The worker processes of `in process` tasks are this program, started again.
  static std::vector<taskrt::ProcessTask> process_table;
  for (std::int64_t i = 0; i < program.process_task_count; ++i) {
    taskrt::process_tasks().push_back(program.process_tasks[i]);
    process_table.push_back(
        {program.process_tasks[i]->site.name, taskrt::kProcessEntries[static_cast<std::size_t>(i)]});
  }
  if (!process_table.empty()) {
    if (auto status = taskrt::serve_if_worker(argc, static_cast<char**>(argv), process_table)) return *status;
  }
  std::vector<taskrt::ProgramArgs::Limit> limits;
  for (std::int64_t i = 0; i < program.semaphore_count; ++i) {
    const trt_semaphore& declared = program.semaphores[i];
    taskrt::Semaphore& semaphore = taskrt::semaphores().emplace_back(declared.permits);
    limits.push_back({declared.name, declared.permits, declared.most_at_once, &semaphore, nullptr});
  }
  for (std::int64_t i = 0; i < program.rate_limit_count; ++i) {
    const trt_rate_limit& declared = program.rate_limits[i];
    taskrt::RateLimit& rate_limit =
        taskrt::rate_limits().emplace_back(declared.count, std::chrono::nanoseconds(declared.period_ns));
    limits.push_back({declared.name, declared.count, 1, nullptr, &rate_limit});
  }
  std::vector<taskrt::ProgramArgs::Param> params;
  for (std::int64_t i = 0; i < program.param_count; ++i) {
    const trt_param& param = program.params[i];
    params.push_back({param.name, param.type,
                      param.option_default != nullptr ? std::optional<std::string>(param.option_default) : std::nullopt,
                      param.default_source, param.help});
  }
  taskrt::ProgramArgs args(program.name, program.description, params, std::move(limits));
  if (program.serves != 0) args.take_server_options();
  if (auto status = args.parse(argc, static_cast<char**>(argv))) return *status;
  // main's arguments, one slot each, as any call's.
  std::vector<std::int64_t> slots;
  for (std::int64_t i = 0; i < program.param_count; ++i) {
    auto index = static_cast<std::size_t>(i);
    switch (program.params[i].value_type->kind) {
      case trt_kind_int: slots.push_back(args.get_int(index)); break;
      case trt_kind_float: slots.push_back(std::bit_cast<std::int64_t>(args.get_float(index))); break;
      case trt_kind_bool: slots.push_back(args.get_bool(index) ? 1 : 0); break;
      case trt_kind_duration: slots.push_back(args.get_duration(index).count()); break;
      case trt_kind_str: slots.push_back(taskrt::lowered::slot(taskrt::lowered::new_str(args.get_str(index)))); break;
      default: {
        // list[str]: the rest of the command line.
        auto* rest = static_cast<taskrt::lowered::ListBox*>(trt_list_new(
            const_cast<trt_type*>(program.params[i].value_type), static_cast<std::int64_t>(args.rest().size())));
        for (const std::string& arg : args.rest()) {
          rest->items.push_back(taskrt::lowered::slot(taskrt::lowered::new_str(arg)));
        }
        slots.push_back(taskrt::lowered::slot(rest));
      }
    }
  }
  // Given the table, the runtime starts the workers with itself, as the C++
  // backend's programs do: a slow or interrupted start is start-up, not a call's.
  taskrt::RuntimeOptions options = args.options();
  options.process_tasks = process_table;
  int status =
      taskrt::run_program(options, [&] { return taskrt::run_main(*program.main, slots.data(), program.init); });
  for (std::int64_t i = 0; i < program.param_count; ++i) {
    taskrt::lowered::release_slot(program.params[i].value_type, static_cast<std::uint64_t>(slots[i]));
  }
  for (taskrt::SharedValue& shared : taskrt::shared_values()) taskrt::lowered::release_slot(shared.type, shared.slot);
  return status;
}

}  // extern "C"
