#include "mpi_link.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <string_view>

#include "taskrt/error.hpp"

namespace taskrt::mpi {
namespace {

// The sleep between polls while nothing happens: short after activity, so a
// reply to what was just sent is seen within microseconds; longer when idle,
// so a rank waiting for work costs no core.
constexpr auto kShortestPause = std::chrono::microseconds(20);
constexpr auto kLongestPause = std::chrono::milliseconds(1);

// A send MPI has not completed: its bytes must stay where they are until it has.
struct InFlight {
  std::string bytes;
  MPI_Request request = MPI_REQUEST_NULL;
};

// Every MPI message is a bundle of one or more messages, each framed as
// u32 tag, u32 length, bytes; bundles grow to this size at most (unless one
// message alone is larger).
constexpr int kBundleTag = 0;
constexpr std::size_t kBundleBytes = std::size_t{16} << 20;

void append_framed(std::string& bundle, const Message& message) {
  auto tag = static_cast<std::uint32_t>(message.tag);
  auto length = static_cast<std::uint32_t>(message.bytes.size());
  bundle.append(reinterpret_cast<const char*>(&tag), 4);
  bundle.append(reinterpret_cast<const char*>(&length), 4);
  bundle += message.bytes;
}

template <typename Deliver>
void for_each_framed(int rank, std::string_view bundle, Deliver deliver) {
  while (bundle.size() >= 8) {
    std::uint32_t tag = 0;
    std::uint32_t length = 0;
    std::memcpy(&tag, bundle.data(), 4);
    std::memcpy(&length, bundle.data() + 4, 4);
    bundle.remove_prefix(8);
    if (length > bundle.size()) return;  // cannot happen between copies of one executable
    deliver(Message{rank, static_cast<int>(tag), std::string(bundle.substr(0, length))});
    bundle.remove_prefix(length);
  }
}

std::string mpi_error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<std::size_t>(length));
}

}  // namespace

bool MpiLink::launched() {
  // Open MPI's mpirun; PMIx (Open MPI 4+, Slurm's srun --mpi=pmix); PMI (MPICH, srun --mpi=pmi2).
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}

MpiLink::MpiLink() {
  thread_ = std::thread([this] { run(); });
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return started_; });
  if (!start_error_.empty()) {
    lock.unlock();
    thread_.join();
    throw FailedError("cannot start MPI: " + start_error_);
  }
}

MpiLink::~MpiLink() {
  finish();
}

void MpiLink::send(Message message) {
  {
    std::lock_guard lock(mutex_);
    outbox_.push_back(std::move(message));
  }
  wake_.notify_one();
}

void MpiLink::finish() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void MpiLink::run() {
  int provided = 0;
  int code = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  {
    std::lock_guard lock(mutex_);
    if (code != MPI_SUCCESS) {
      start_error_ = mpi_error_text(code);
    } else {
      MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
      MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    started_ = true;
  }
  wake_.notify_all();
  if (code != MPI_SUCCESS) return;

  std::list<InFlight> in_flight;  // a list: its elements never move
  std::vector<Message> sending;
  auto pause = kShortestPause;
  while (true) {
    bool busy = false;
    bool finishing = false;
    {
      std::lock_guard lock(mutex_);
      sending.swap(outbox_);
      finishing = finishing_;
    }
    // The messages queued for one rank go as one MPI message: a gather's
    // calls, or the answers a pool gave at once, cost one send, not one each.
    // Stable: a rank must get its messages in the order they were queued (a
    // call's request before its cancellation).
    std::stable_sort(sending.begin(), sending.end(),
                     [](const Message& a, const Message& b) { return a.rank < b.rank; });
    for (std::size_t first = 0; first < sending.size();) {
      InFlight& sent = in_flight.emplace_back();
      int rank = sending[first].rank;
      std::size_t next = first;
      while (next < sending.size() && sending[next].rank == rank &&
             (next == first || sent.bytes.size() + sending[next].bytes.size() + 8 <= kBundleBytes)) {
        append_framed(sent.bytes, sending[next]);
        ++next;
      }
      first = next;
      MPI_Isend(sent.bytes.data(), static_cast<int>(sent.bytes.size()), MPI_BYTE, rank, kBundleTag, MPI_COMM_WORLD,
                &sent.request);
      busy = true;
    }
    sending.clear();
    while (true) {
      int arrived = 0;
      MPI_Message handle;
      MPI_Status status;
      MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &handle, &status);
      if (!arrived) break;
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      std::string bundle(static_cast<std::size_t>(count), '\0');
      MPI_Mrecv(bundle.data(), count, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
      for_each_framed(status.MPI_SOURCE, bundle, [this](Message message) { deliver(std::move(message)); });
      busy = true;
    }
    for (auto it = in_flight.begin(); it != in_flight.end();) {
      int done = 0;
      MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
      it = done ? in_flight.erase(it) : std::next(it);
    }
    if (finishing && in_flight.empty()) {
      std::lock_guard lock(mutex_);
      if (outbox_.empty()) break;
      continue;
    }
    if (busy) {
      pause = kShortestPause;
      continue;
    }
    // A send still in flight may need this rank's progress to complete.
    if (!in_flight.empty()) pause = kShortestPause;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, pause, [this] { return !outbox_.empty() || finishing_; });
    pause = std::min<std::chrono::microseconds>(pause * 2, kLongestPause);
  }
  MPI_Finalize();
}

}  // namespace taskrt::mpi
