#include "remote_ranks.hpp"

#include <utility>

#include "process_protocol.hpp"
#include "rank_protocol.hpp"
#include "taskrt/error.hpp"
#include "taskrt/foreign_wait.hpp"
#include "taskrt/print.hpp"
#include "taskrt/process_pool.hpp"
#include "taskrt/schedule.hpp"

namespace taskrt::mpi {

RemoteRanks::RemoteRanks(RankLink& link, std::span<const ProcessTask> tasks, int stdout_fd, int stderr_fd)
    : link_(link),
      stdout_fd_(stdout_fd),
      stderr_fd_(stderr_fd),
      ranks_(static_cast<std::size_t>(link.size())),
      tasks_(tasks) {
  link_.set_receiver([this](Message message) { receive(std::move(message)); });
}

RemoteRanks::~RemoteRanks() {
  link_.set_receiver(nullptr);
}

const TaskSite& RemoteRanks::site_of(std::uint32_t index, int rank) {
  if (site_index_.size() <= index) site_index_.resize(index + 1);
  std::vector<const TaskSite*>& by_rank = site_index_[index];
  if (by_rank.size() <= static_cast<std::size_t>(rank)) by_rank.resize(static_cast<std::size_t>(rank) + 1);
  const TaskSite*& site = by_rank[static_cast<std::size_t>(rank)];
  if (site == nullptr) {
    const std::string& name = site_text_.emplace_back(index < tasks_.size() ? std::string(tasks_[index].name)
                                                                            : "task #" + std::to_string(index));
    const std::string& where = site_text_.emplace_back("ran on MPI rank " + std::to_string(rank));
    site = &sites_.emplace_back(TaskSite{name.c_str(), "cpu", where.c_str(), 0});
  }
  return *site;
}

int RemoteRanks::least_loaded() const {
  // The least work per worker; of equals, the lowest rank.
  int best = -1;
  for (int rank = 1; rank < static_cast<int>(ranks_.size()); ++rank) {
    const Rank& candidate = ranks_[static_cast<std::size_t>(rank)];
    if (candidate.gone) continue;
    if (best < 0) {
      best = rank;
      continue;
    }
    const Rank& chosen = ranks_[static_cast<std::size_t>(best)];
    if (candidate.calls * chosen.workers < chosen.calls * candidate.workers) best = rank;
  }
  return best;
}

std::size_t RemoteRanks::call_window(std::size_t limit) const noexcept {
  std::size_t workers = 0;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t rank = 1; rank < ranks_.size(); ++rank) {
      if (!ranks_[rank].gone) workers += ranks_[rank].workers;
    }
  }
  // Eight times what the workers can queue, where the pool's window is
  // twice: a call to another rank takes a round trip of tens of microseconds
  // or more (two MPI threads' polls) before a worker sees it, and the calls in
  // flight must cover that for tiny calls to keep the workers busy.
  std::size_t window = 8 * workers * ProcessPool::kDepth;
  return limit == 0 || limit > window ? window : limit;
}

Task<std::string> RemoteRanks::call(std::uint32_t index, std::string arguments) {
  co_await to_loop();
  Context& context = co_await current_context();
  // The answer comes from another machine: until it does, this task waits on
  // nothing the runtime can see, which is not a deadlock.
  ForeignWait foreign(context.runtime);
  if (arguments.size() + 12 > RankLink::kMaxMessageBytes) {
    throw FailedError("the arguments of a call to `" + std::string(site_of(index, 0).name) + "` are " +
                      std::to_string(arguments.size()) + " bytes; a call to another MPI rank takes at most 2 GiB");
  }
  while (true) {
    Waiting waiting;
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = next_id_++;
      waiting.rank = least_loaded();
      if (waiting.rank < 0) {
        throw WorkerCrashedError("cannot run `" + std::string(site_of(index, 0).name) +
                                 "`: every MPI rank that served `in process` calls has stopped");
      }
      ++ranks_[static_cast<std::size_t>(waiting.rank)].calls;
      waiting_.emplace(id, &waiting);
    }
    std::string request;
    request.reserve(12 + arguments.size());
    put_u64(request, id);
    put_u32(request, index);
    request += arguments;
    link_.send({waiting.rank, kRequest, std::move(request)});
    // The call as the rank ran it, beside the caller's own span: --stats
    // counts the calls per rank, --trace shows where each ran.
    SpanRecord* record = detail::g_recording.load(std::memory_order_relaxed)
                             ? detail::begin_span(site_of(index, waiting.rank))
                             : nullptr;
    try {
      co_await waiting.answered.wait("waiting on another rank");
    } catch (const CancelledError&) {
      if (record != nullptr) {
        record->cancelled = true;
        detail::end_span(record);
      }
      bool answered = false;
      {
        std::lock_guard lock(mutex_);
        answered = waiting_.erase(id) == 0;
        if (!answered) --ranks_[static_cast<std::size_t>(waiting.rank)].calls;
      }
      if (!answered) {
        std::string cancel;
        put_u64(cancel, id);
        link_.send({waiting.rank, kCancel, std::move(cancel)});
      }
      throw;
    }
    // receive() set the event holding the lock: once it is free, it is done with `waiting`.
    { std::lock_guard lock(mutex_); }
    if (record != nullptr) {
      record->failed = waiting.failed;
      record->cancelled = waiting.resend;  // it never ran there
      detail::end_span(record);
    }
    if (waiting.resend) continue;  // its rank stopped before it was ready: the call never ran
    if (waiting.failed) std::rethrow_exception(detail::decode_error(waiting.payload));
    co_return std::move(waiting.payload);
  }
}

void RemoteRanks::receive(Message message) {
  std::string_view bytes = message.bytes;
  if (message.tag == kOutput) {
    // Written here, on the link's thread, before the response that follows
    // it is: the caller goes on after the lines its call printed.
    if (bytes.empty()) return;
    try {
      write_output(bytes[0] == 2 ? stderr_fd_ : stdout_fd_, bytes.substr(1));
    } catch (const Error&) {
      // Nowhere to write (a closed pipe): as print would, the lines are lost.
    }
    // Written (or lost): the rank may read more of its workers' output. A
    // slow reader of this rank's stdout so slows the workers that print, as
    // it would slow them alone, instead of their lines piling up in memory.
    std::string written;
    put_u64(written, bytes.size() - 1);
    link_.send({message.rank, kWritten, std::move(written)});
    return;
  }
  std::lock_guard lock(mutex_);
  auto& rank = ranks_[static_cast<std::size_t>(message.rank)];
  switch (message.tag) {
    case kReady: {
      auto workers = get_at<std::uint32_t>(bytes, 0);
      rank.workers = workers > 0 ? workers : 1;
      rank.ready = true;
      break;
    }
    case kResponse: {
      auto it = waiting_.find(get_at<std::uint64_t>(bytes, 0));
      if (it == waiting_.end()) break;  // its caller was cancelled as it came
      Waiting& waiting = *it->second;
      waiting_.erase(it);
      --rank.calls;
      waiting.failed = get_at<std::uint8_t>(bytes, 8) != 0;
      waiting.payload.assign(bytes.substr(9));
      waiting.answered.set();
      break;
    }
    case kShutdown:
      if (!rank.gone) {
        rank.gone = true;
        ++ranks_shut_;
        shut_.notify_all();
        if (!bytes.empty()) fail_calls_on(message.rank, std::string(bytes));
      }
      break;
    default: break;
  }
}

void RemoteRanks::fail_calls_on(int rank, const std::string& why) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    Waiting& waiting = *it->second;
    if (waiting.rank != rank) {
      ++it;
      continue;
    }
    it = waiting_.erase(it);
    if (!ranks_[static_cast<std::size_t>(rank)].ready) {
      waiting.resend = true;  // a rank that never started ran nothing
    } else {
      waiting.failed = true;
      waiting.payload = detail::encode_error(std::make_exception_ptr(
          WorkerCrashedError("MPI rank " + std::to_string(rank) + ", which was running this call, stopped: " + why)));
    }
    waiting.answered.set();
  }
  ranks_[static_cast<std::size_t>(rank)].calls = 0;
}

void RemoteRanks::shut_down() {
  for (int rank = 1; rank < link_.size(); ++rank) {
    std::lock_guard lock(mutex_);
    if (!ranks_[static_cast<std::size_t>(rank)].gone) link_.send({rank, kShutdown, {}});
  }
  std::unique_lock lock(mutex_);
  shut_.wait(lock, [this] { return ranks_shut_ == link_.size() - 1; });
}

}  // namespace taskrt::mpi
