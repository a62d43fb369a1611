// HttpClient: one libcurl multi handle per runtime, driven by the event loop.
//
// libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
// to call it back (CURLMOPT_TIMERFUNCTION). The sockets go into an epoll
// instance of the client's own, which the event loop watches as one
// descriptor: when it is readable, the client collects the ready sockets and
// hands them to curl_multi_socket_action. Keeping curl's sockets out of the
// loop's epoll set means a socket curl closes in the middle of an event batch
// can never leave the loop holding a pointer to freed state.
//
// Loop thread only, including construction and destruction.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "http_client_rules.hpp"
#include "taskrt/event_loop.hpp"
#include "taskrt/http.hpp"

namespace taskrt::detail {

// One request in flight, owned by the awaiting task.
struct HttpTransfer {
  OutgoingRequest request;
  HttpResponse response;
  std::exception_ptr error;
  // Called on the loop thread when the transfer ends (not after abort()).
  void (*done)(HttpTransfer* self) = nullptr;
  void* owner = nullptr;
  // Redirects curl may still follow (some may have been followed before it).
  int redirects_left = kMostRedirects;
  // The client's state for the transfer while it runs.
  void* easy = nullptr;
};

class HttpClient {
 public:
  HttpClient(EventLoop& loop, HttpLimits limits);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts the transfer; throws IoError if the request cannot be sent (a
  // header with a line break, an empty method).
  void start(HttpTransfer* transfer);
  // Stops a running transfer without calling `done`; does nothing if it ended.
  void abort(HttpTransfer* transfer) noexcept;

 private:
  struct Easy;

  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* socket_state);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static void on_ready(FdWaiter* waiter, std::uint32_t events);
  static void on_timeout(TimerNode* timer);

  void act(curl_socket_t socket, int events);
  // Ends every transfer curl reports done.
  void collect_done();
  // The error a transfer that ended with `code` fails with.
  std::exception_ptr failure(const Easy& easy, CURLcode code) const;
  Easy* take_easy();
  void release(Easy* easy) noexcept;

  EventLoop& loop_;
  HttpLimits limits_;
  CURLM* multi_ = nullptr;
  int epoll_fd_ = -1;
  FdWaiter watch_;  // registered while in_flight_ > 0
  std::size_t in_flight_ = 0;
  OwnedNode<TimerNode, HttpClient> timer_;
  // The request headers of a request without headers of its own.
  curl_slist* no_expect_ = nullptr;
  // Easy handles kept for reuse: setting one up again is cheaper.
  std::vector<Easy*> idle_;
};

}  // namespace taskrt::detail
