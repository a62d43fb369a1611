#include "output_relay.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "rank_protocol.hpp"
#include "taskrt/error.hpp"
#include "taskrt/print.hpp"

namespace taskrt::mpi {

OutputRelay::OutputRelay() {
  for (int i = 0; i < 2; ++i) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      std::string why = std::strerror(errno);
      close_pipes();  // no destructor runs for a half-built relay
      throw IoError("cannot make a pipe for the workers' output: " + why);
    }
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    int capacity = ::fcntl(fds[0], F_GETPIPE_SZ);
    Stream& stream = streams_[i];
    stream.read_fd = fds[0];
    stream.write_fd = fds[1];
    stream.capacity = capacity > 0 ? static_cast<std::size_t>(capacity) : 1 << 20;
    stream.number = static_cast<std::uint8_t>(i + 1);  // as file descriptors number them
    stream.relay = this;
    stream.waiter.fd = fds[0];
    stream.waiter.events = EPOLLIN;
    stream.waiter.persistent = true;
    stream.waiter.ready = &OutputRelay::on_readable;
    stream.waiter.owner = &stream;
  }
}

OutputRelay::~OutputRelay() {
  close_pipes();
}

void OutputRelay::close_pipes() noexcept {
  for (Stream& stream : streams_) {
    if (stream.read_fd >= 0) ::close(stream.read_fd);
    if (stream.write_fd >= 0) ::close(stream.write_fd);
    stream.read_fd = stream.write_fd = -1;
  }
}

void OutputRelay::start(EventLoop& loop, RankLink& link) {
  loop_ = &loop;
  link_ = &link;
  pause(false);
}

void OutputRelay::pause(bool paused) {
  paused_ = paused;
  for (Stream& stream : streams_) {
    if (paused) {
      loop_->remove_fd_waiter(&stream.waiter);
    } else {
      loop_->add_fd_waiter(&stream.waiter);
      // No task waits on it: it must not keep the loop running, nor count
      // against the deadlock check, as a task's wait would.
      loop_->set_fd_waiter_parked(&stream.waiter, true);
    }
  }
}

void OutputRelay::written(std::uint64_t bytes) {
  unwritten_ -= std::min(bytes, unwritten_);
  if (paused_ && link_ != nullptr && unwritten_ <= kMostUnwritten / 2) pause(false);
}

void OutputRelay::flush() {
  for (Stream& stream : streams_) relay(stream, false);
}

void OutputRelay::stop() {
  if (loop_ != nullptr && !paused_) pause(true);
  for (Stream& stream : streams_) relay(stream, true);
  loop_ = nullptr;
  link_ = nullptr;
  paused_ = false;
}

void OutputRelay::on_readable(FdWaiter* waiter, std::uint32_t) {
  auto& stream = *static_cast<Stream*>(waiter->owner);
  stream.relay->relay(stream, false);
}

void OutputRelay::relay(Stream& stream, bool everything) {
  // What the pipe holds now, and no more: a pipe holds at most its capacity,
  // and a worker that never stops printing must not keep the loop here.
  char buffer[16 * 1024];
  for (std::size_t budget = stream.capacity; budget > 0;) {
    ssize_t n = ::read(stream.read_fd, buffer, std::min(sizeof buffer, budget));
    if (n > 0) {
      stream.unsent.append(buffer, static_cast<std::size_t>(n));
      budget -= static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // drained (EAGAIN); the workers' ends stay open, so never at its end
  }
  std::size_t whole = stream.unsent.size();
  if (!everything && whole <= kLongestLine) {
    std::size_t last = stream.unsent.rfind('\n');
    whole = last == std::string::npos ? 0 : last + 1;
  }
  if (link_ == nullptr) {
    // Not relaying (the runtime did not start, or has ended): this rank's own
    // stdout or stderr is better than losing it.
    try {
      write_output(stream.number, std::string_view(stream.unsent).substr(0, whole));
    } catch (const Error&) {
      // Nowhere to write it either (a closed pipe): as print would, it is lost.
    }
    stream.unsent.erase(0, whole);
    return;
  }
  // In parts no larger than a message can be (a worker can print gigabytes).
  for (std::size_t sent = 0; sent < whole;) {
    std::size_t part = std::min(whole - sent, RankLink::kMaxMessageBytes - 1);
    std::string bytes(1, static_cast<char>(stream.number));
    bytes.append(stream.unsent, sent, part);
    link_->send({0, kOutput, std::move(bytes)});
    sent += part;
  }
  stream.unsent.erase(0, whole);
  unwritten_ += whole;
  if (!paused_ && unwritten_ > kMostUnwritten) pause(true);
}

}  // namespace taskrt::mpi
