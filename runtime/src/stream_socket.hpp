// StreamSocket: one accepted connection of `serve`, on the event loop. It is
// registered with epoll once, edge-triggered, for as long as it is open, so a
// keep-alive connection costs no epoll_ctl per request: a read or write that
// would block suspends the task until the next edge, the socket's deadline,
// or its cancellation, whichever comes first. The deadline is one timer of a
// fixed delay per socket (the loop queues timers of one delay in O(1)), armed
// per request rather than per wait. Loop thread only.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>

#include "taskrt/detail/loop_operation.hpp"
#include "taskrt/event_loop.hpp"
#include "taskrt/time.hpp"

namespace taskrt::detail {

class StreamSocket {
 public:
  // Takes `fd` (non-blocking; connected, or `connecting` after a connect()
  // that said EINPROGRESS: writable() then waits for the connection) and
  // closes it when destroyed.
  StreamSocket(EventLoop& loop, int fd, bool connecting = false);
  ~StreamSocket();
  StreamSocket(const StreamSocket&) = delete;
  StreamSocket& operator=(const StreamSocket&) = delete;

  // What a read or a write did: bytes moved (> 0), or one of these.
  static constexpr ssize_t kWouldBlock = -1;
  static constexpr ssize_t kClosed = 0;  // the peer closed or reset the connection

  // A read that fills less than `size` takes everything there was: the
  // socket counts as drained, and the next read waits for an edge first
  // (as nginx does), which saves the read that would say EAGAIN — unless the
  // peer's close was seen, which no later edge would announce.
  ssize_t read_some(char* buffer, std::size_t size) noexcept;
  // Whether a read may find data without waiting for an edge first.
  bool may_read() const noexcept { return readable_; }
  ssize_t write_some(const iovec* parts, int count) noexcept;
  // No more answers: the peer reads the end of the stream after what was sent.
  void shut_down_writing() noexcept;
  // The error a connect() in progress ended with (0: connected).
  int connect_error() const noexcept;
  // An idle connection that nobody waits on counts as nothing the loop waits
  // for (EventLoop::set_fd_waiter_parked); an edge while parked means the peer
  // closed or spoke out of turn, and may_read() says so when it is taken back.
  void park() noexcept;
  void unpark() noexcept;

  // From now, waits end `after` from now (re-arming moves it); then
  // deadline_passed() is true until the next arm.
  void arm_deadline(Clock::duration after);
  void disarm_deadline() noexcept;
  bool deadline_passed() const noexcept { return deadline_passed_; }
  // The deadline passes now (the server is shutting down).
  void expire_deadline() noexcept;

  enum class Ready { kYes, kTimedOut };
  class ReadyAwaiter;
  // After read_some or write_some said kWouldBlock: waits for the socket to
  // become readable (writable), or for the deadline. CancelledError when
  // cancelled.
  ReadyAwaiter readable() noexcept;
  ReadyAwaiter writable() noexcept;

  class ReadyAwaiter final : public detail::LoopOperation {
   public:
    ReadyAwaiter(StreamSocket& socket, bool for_reading) noexcept
        : LoopOperation(for_reading ? "waiting to read from a client" : "waiting to write to a client"),
          socket_(socket),
          for_reading_(for_reading) {}
    Ready await_resume() {
      rethrow_failure("cancelled while waiting for the client");
      return result_;
    }

   private:
    friend class StreamSocket;
    void start() override;
    void stop() noexcept override;
    void end(Ready result) noexcept;

    StreamSocket& socket_;
    bool for_reading_;
    Ready result_ = Ready::kYes;
  };

 private:
  static void on_events(FdWaiter* waiter, std::uint32_t events);
  static void on_deadline(TimerNode* timer);

  EventLoop& loop_;
  FdWaiter watch_;
  // Edges seen since the last read (write) that would have blocked.
  bool readable_ = true;
  bool writable_ = true;
  // The peer closed its side (or the connection broke): the end of the
  // stream is pending, and no edge will come for it again.
  bool peer_closed_ = false;
  ReadyAwaiter* waiting_ = nullptr;
  OwnedNode<TimerNode, StreamSocket> deadline_;
  bool deadline_passed_ = false;
};

inline StreamSocket::ReadyAwaiter StreamSocket::readable() noexcept {
  return ReadyAwaiter(*this, true);
}
inline StreamSocket::ReadyAwaiter StreamSocket::writable() noexcept {
  return ReadyAwaiter(*this, false);
}

}  // namespace taskrt::detail
