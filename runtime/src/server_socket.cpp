// A connection of `serve` on the event loop (server_socket.hpp).
#include "server_socket.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace taskrt::detail {

ServerSocket::ServerSocket(EventLoop& loop, int fd) : loop_(loop) {
  watch_.fd = fd;
  watch_.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  watch_.persistent = true;
  watch_.ready = &ServerSocket::on_events;
  watch_.owner = this;
  deadline_.fire = &ServerSocket::on_deadline;
  deadline_.owner = this;
  try {
    loop_.add_fd_waiter(&watch_);
  } catch (...) {
    ::close(fd);
    throw;
  }
}

ServerSocket::~ServerSocket() {
  loop_.remove_timer(&deadline_);
  loop_.remove_fd_waiter(&watch_);
  ::close(watch_.fd);
}

ssize_t ServerSocket::read_some(char* buffer, std::size_t size) noexcept {
  while (true) {
    ssize_t got = ::recv(watch_.fd, buffer, size, 0);
    if (got > 0) {
      if (static_cast<std::size_t>(got) < size) readable_ = false;
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

ssize_t ServerSocket::write_some(const iovec* parts, int count) noexcept {
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

void ServerSocket::shut_down_writing() noexcept {
  ::shutdown(watch_.fd, SHUT_WR);
}

void ServerSocket::arm_deadline(Clock::duration after) {
  loop_.remove_timer(&deadline_);
  deadline_passed_ = false;
  loop_.add_timer(&deadline_, after);
}

void ServerSocket::disarm_deadline() noexcept {
  loop_.remove_timer(&deadline_);
  deadline_passed_ = false;
}

void ServerSocket::expire_deadline() noexcept {
  loop_.remove_timer(&deadline_);
  on_deadline(&deadline_);
}

void ServerSocket::on_events(FdWaiter* waiter, std::uint32_t events) {
  auto* self = static_cast<ServerSocket*>(waiter->owner);
  // A hang-up or an error wakes both directions: the next read or write says so.
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) self->readable_ = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) self->writable_ = true;
  ReadyAwaiter* waiting = self->waiting_;
  if (waiting != nullptr && (waiting->for_reading_ ? self->readable_ : self->writable_)) waiting->end(Ready::kYes);
}

void ServerSocket::on_deadline(TimerNode* timer) {
  auto* self = static_cast<ServerSocket*>(timer->owner);
  self->deadline_passed_ = true;
  if (self->waiting_ != nullptr) self->waiting_->end(Ready::kTimedOut);
}

void ServerSocket::ReadyAwaiter::start() {
  if (socket_.deadline_passed_) return end(Ready::kTimedOut);
  if (for_reading_ ? socket_.readable_ : socket_.writable_) return end(Ready::kYes);
  socket_.waiting_ = this;
}

void ServerSocket::ReadyAwaiter::stop() noexcept {
  socket_.waiting_ = nullptr;
}

void ServerSocket::ReadyAwaiter::end(Ready result) noexcept {
  socket_.waiting_ = nullptr;
  result_ = result;
  // Through the ready queue, never inline: this runs inside an epoll batch,
  // and the task may close its socket, which a later event of the batch names.
  finish();
}

}  // namespace taskrt::detail
