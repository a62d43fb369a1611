#include "taskrt/cpu_pool.hpp"

#include "detail/work_stealing_deque.hpp"

namespace taskrt {
namespace {

// The worker the calling thread is, in the pool it belongs to.
thread_local const CpuPool* tls_pool = nullptr;
thread_local unsigned tls_worker = 0;

}  // namespace

struct CpuPool::Worker {
  detail::WorkStealingDeque deque;
  std::thread thread;
};

std::unique_ptr<CpuPool> CpuPool::create(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<CpuPool> pool(new CpuPool(threads));
  for (unsigned i = 0; i < threads; ++i) {
    pool->workers_[i]->thread = std::thread([raw = pool.get(), i] { raw->worker_main(i); });
  }
  return pool;
}

CpuPool::CpuPool(unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
}

CpuPool::~CpuPool() {
  shutdown();
}

bool CpuPool::in_pool() const noexcept {
  return tls_pool == this;
}

bool CpuPool::quiescent() const noexcept {
  // A worker counts itself a sleeper before its last look for work, and out
  // again before it takes any: all asleep with nothing queued, read twice
  // around the queues, means no worker held work in between — or one ran
  // it to its end, whose effects (a coroutine scheduled on the loop) the
  // caller checks after this.
  auto all_asleep = [this] { return sleepers_.load(std::memory_order_seq_cst) == workers_.size(); };
  if (!all_asleep()) return false;
  if (injected_count_.load(std::memory_order_seq_cst) != 0) return false;
  for (const auto& worker : workers_) {
    if (!worker->deque.empty()) return false;
  }
  return all_asleep();
}

void CpuPool::schedule(std::coroutine_handle<> handle) noexcept {
  if (tls_pool == this) {
    workers_[tls_worker]->deque.push(handle.address());
  } else {
    {
      std::lock_guard lock(injected_mutex_);
      injected_.push_back(handle.address());
    }
    injected_count_.fetch_add(1, std::memory_order_release);
  }
  notify_one();
}

void CpuPool::schedule_all(const std::coroutine_handle<>* handles, std::size_t count) noexcept {
  if (count == 0) return;
  if (tls_pool != this) {
    Executor::schedule_all(handles, count);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) workers_[tls_worker]->deque.push(handles[i].address());
  notify(count);
}

void CpuPool::notify(std::size_t count) noexcept {
  // Pairs with the sleeper's increment of sleepers_: either we see it and wake
  // the sleeper, or the sleeper's re-check sees our work. ThreadSanitizer does
  // not model fences, so its builds use an equivalent read-modify-write.
#if defined(__SANITIZE_THREAD__)
  std::uint32_t sleeping = sleepers_.fetch_add(0, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
  std::uint32_t sleeping = sleepers_.load(std::memory_order_relaxed);
#endif
  if (sleeping == 0) return;
  epoch_.fetch_add(1, std::memory_order_seq_cst);
  if (count >= sleeping) {
    epoch_.notify_all();
  } else {
    for (std::size_t i = 0; i < count; ++i) epoch_.notify_one();
  }
}

void* CpuPool::pop_injected() {
  if (injected_count_.load(std::memory_order_acquire) == 0) return nullptr;
  std::lock_guard lock(injected_mutex_);
  if (injected_.empty()) return nullptr;
  void* item = injected_.front();
  injected_.pop_front();
  injected_count_.fetch_sub(1, std::memory_order_relaxed);
  return item;
}

void* CpuPool::find_work(unsigned index) {
  if (void* item = workers_[index]->deque.pop()) return item;
  if (void* item = pop_injected()) return item;
  unsigned count = size();
  for (unsigned offset = 1; offset < count; ++offset) {
    if (void* item = workers_[(index + offset) % count]->deque.steal()) return item;
  }
  return nullptr;
}

void CpuPool::worker_main(unsigned index) {
  tls_pool = this;
  tls_worker = index;
  set_current_executor(this);
  while (!stopping_.load(std::memory_order_acquire)) {
    if (void* item = find_work(index)) {
      std::coroutine_handle<>::from_address(item).resume();
      continue;
    }
    // Announce that we are about to sleep, then look once more: a schedule()
    // that came before our announcement is found now; one after it wakes us.
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    std::uint32_t epoch = epoch_.load(std::memory_order_seq_cst);
    if (void* item = find_work(index)) {
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      std::coroutine_handle<>::from_address(item).resume();
      continue;
    }
    if (!stopping_.load(std::memory_order_acquire)) epoch_.wait(epoch, std::memory_order_seq_cst);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
  }
  set_current_executor(nullptr);
  tls_pool = nullptr;
}

void CpuPool::shutdown() {
  std::call_once(shutdown_once_, [this] {
    stopping_.store(true, std::memory_order_release);
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    epoch_.notify_all();
    for (auto& worker : workers_) {
      if (worker->thread.joinable()) worker->thread.join();
    }
  });
}

}  // namespace taskrt
