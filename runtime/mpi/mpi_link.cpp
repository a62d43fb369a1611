#include "mpi_link.hpp"

#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <list>

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

void MpiLink::set_receiver(std::function<void(Message)> receiver) {
  std::lock_guard lock(receiver_mutex_);
  receiver_ = std::move(receiver);
  if (!receiver_) return;
  for (Message& message : unclaimed_) receiver_(std::move(message));
  unclaimed_.clear();
}

void MpiLink::deliver(Message message) {
  std::lock_guard lock(receiver_mutex_);
  if (receiver_) {
    receiver_(std::move(message));
  } else {
    unclaimed_.push_back(std::move(message));
  }
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
    for (Message& message : sending) {
      InFlight& sent = in_flight.emplace_back();
      sent.bytes = std::move(message.bytes);
      // Messages are one call's arguments or result; past 2 GiB MPI needs
      // derived datatypes, which the process pool's pipe never did either.
      if (sent.bytes.size() > static_cast<std::size_t>(INT_MAX)) std::abort();
      MPI_Isend(sent.bytes.data(), static_cast<int>(sent.bytes.size()), MPI_BYTE, message.rank, message.tag,
                MPI_COMM_WORLD, &sent.request);
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
      Message message{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(count), '\0')};
      MPI_Mrecv(message.bytes.data(), count, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
      deliver(std::move(message));
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
