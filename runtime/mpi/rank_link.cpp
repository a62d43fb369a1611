#include "rank_link.hpp"

#include <utility>

namespace taskrt::mpi {

void RankLink::set_receiver(std::function<void(Message)> receiver) {
  std::lock_guard lock(receiver_mutex_);
  receiver_ = std::move(receiver);
  if (!receiver_) return;
  for (Message& message : unclaimed_) receiver_(std::move(message));
  unclaimed_.clear();
}

void RankLink::deliver(Message message) {
  std::lock_guard lock(receiver_mutex_);
  if (receiver_) {
    receiver_(std::move(message));
  } else {
    unclaimed_.push_back(std::move(message));
  }
}

}  // namespace taskrt::mpi
