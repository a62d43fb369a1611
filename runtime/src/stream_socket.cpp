// A TCP connection on the event loop (stream_socket.hpp).
#include "stream_socket.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace taskrt::detail {

StreamSocket::StreamSocket(EventLoop& loop, int fd, bool connecting) : loop_(loop), writable_(!connecting) {
  watch_.fd = fd;
  watch_.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  watch_.persistent = true;
  watch_.ready = &StreamSocket::on_events;
  watch_.owner = this;
  deadline_.fire = &StreamSocket::on_deadline;
  deadline_.owner = this;
  try {
    loop_.add_fd_waiter(&watch_);
  } catch (...) {
    ::close(fd);
    throw;
  }
}

StreamSocket::~StreamSocket() {
  loop_.remove_timer(&deadline_);
  loop_.remove_fd_waiter(&watch_);
  ::close(watch_.fd);
}

ssize_t StreamSocket::read_some(char* buffer, std::size_t size) noexcept {
  while (true) {
    ssize_t got = ::recv(watch_.fd, buffer, size, 0);
    if (got > 0) {
      if (static_cast<std::size_t>(got) < size && !peer_closed_) readable_ = false;
      return got;
    }
    if (got == 0) return kClosed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      readable_ = false;
      return kWouldBlock;
    }
    return kClosed;  // ECONNRESET and the like: nobody is left to answer
  }
}

ssize_t StreamSocket::write_some(const iovec* parts, int count) noexcept {
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(parts);
  message.msg_iovlen = static_cast<std::size_t>(count);
  while (true) {
    // MSG_NOSIGNAL: a client that went away is EPIPE here, not SIGPIPE.
    ssize_t sent = ::sendmsg(watch_.fd, &message, MSG_NOSIGNAL);
    if (sent >= 0) return sent > 0 ? sent : kWouldBlock;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      writable_ = false;
      return kWouldBlock;
    }
    return kClosed;
  }
}

void StreamSocket::shut_down_writing() noexcept {
  ::shutdown(watch_.fd, SHUT_WR);
}

int StreamSocket::connect_error() const noexcept {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(watch_.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

void StreamSocket::park() noexcept {
  loop_.set_fd_waiter_parked(&watch_, true);
}

void StreamSocket::unpark() noexcept {
  loop_.set_fd_waiter_parked(&watch_, false);
}

void StreamSocket::arm_deadline(Clock::duration after) {
  loop_.remove_timer(&deadline_);
  deadline_passed_ = false;
  loop_.add_timer(&deadline_, after);
}

void StreamSocket::disarm_deadline() noexcept {
  loop_.remove_timer(&deadline_);
  deadline_passed_ = false;
}

void StreamSocket::expire_deadline() noexcept {
  loop_.remove_timer(&deadline_);
  on_deadline(&deadline_);
}

void StreamSocket::on_events(FdWaiter* waiter, std::uint32_t events) {
  auto* self = static_cast<StreamSocket*>(waiter->owner);
  // A hang-up or an error wakes both directions: the next read or write says so.
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) self->readable_ = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) self->peer_closed_ = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) self->writable_ = true;
  ReadyAwaiter* waiting = self->waiting_;
  if (waiting != nullptr && (waiting->for_reading_ ? self->readable_ : self->writable_)) waiting->end(Ready::kYes);
}

void StreamSocket::on_deadline(TimerNode* timer) {
  StreamSocket* self = decltype(deadline_)::owner_of(timer);
  self->deadline_passed_ = true;
  if (self->waiting_ != nullptr) self->waiting_->end(Ready::kTimedOut);
}

void StreamSocket::ReadyAwaiter::start() {
  if (socket_.deadline_passed_) return end(Ready::kTimedOut);
  if (for_reading_ ? socket_.readable_ : socket_.writable_) return end(Ready::kYes);
  socket_.waiting_ = this;
}

void StreamSocket::ReadyAwaiter::stop() noexcept {
  socket_.waiting_ = nullptr;
}

void StreamSocket::ReadyAwaiter::end(Ready result) noexcept {
  socket_.waiting_ = nullptr;
  result_ = result;
  // Through the ready queue, never inline: this runs inside an epoll batch,
  // and the task may close its socket, which a later event of the batch names.
  finish();
}

}  // namespace taskrt::detail
