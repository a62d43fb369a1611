#include "http_client.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "http_syntax.hpp"
#include "taskrt/error.hpp"
#include "taskrt/print.hpp"
#include "taskrt/version.hpp"

namespace taskrt::detail {
namespace {

static_assert(kMaxResponseHeaderLineBytes == CURL_MAX_HTTP_HEADER, "both client paths refuse the same header lines");

// Easy handles kept for reuse at most; more are cleaned up when released.
constexpr std::size_t kIdleLimit = 64;

void init_curl_once() {
  // A static's initialiser, not std::call_once around a throw: see Runtime::processes.
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw IoError("libcurl could not be initialised");
}

[[noreturn]] void throw_errno(const char* what) {
  throw IoError(fmt::format("{}: {}", what, std::strerror(errno)));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// Failures after which some response had arrived: the server answered, badly.
bool is_broken_response(CURLcode code) {
  switch (code) {
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_FILESIZE_EXCEEDED: return true;
    default: return false;
  }
}

}  // namespace

struct HttpClient::Easy {
  CURL* handle = nullptr;
  curl_slist* headers = nullptr;
  HttpTransfer* transfer = nullptr;
  std::uint64_t max_body = 0;  // 0: no limit
  // Whether a status line arrived: a failure after it is a broken response.
  bool got_status = false;
  // Why this side stopped the transfer, if it did.
  bool body_too_large = false;
  bool headers_too_large = false;
  std::size_t header_bytes = 0;
  char error[CURL_ERROR_SIZE] = {};
  // Added to the multi handle, and counted in in_flight_.
  bool in_flight = false;

  // Bodies arrive decoded (gzip): the limit counts what the caller would get.
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto* easy = static_cast<Easy*>(self);
    std::string& body = easy->transfer->response.body;
    if (easy->max_body != 0 && body.size() + size * count > easy->max_body) {
      easy->body_too_large = true;
      return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
    }
    try {
      body.append(data, size * count);
    } catch (const std::bad_alloc&) {
      return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
    }
    return size * count;
  }

  // One header line at a time, the status line included. Each response of a
  // redirect chain starts again, so the headers are those of the last one.
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* easy = static_cast<Easy*>(self);
    std::string_view line(data, size * count);
    Map<std::string, std::string>& headers = easy->transfer->response.headers;
    try {
      if (line.starts_with("HTTP/")) {
        easy->got_status = true;
        easy->header_bytes = 0;
        headers = {};
      } else if ((easy->header_bytes += line.size()) > kMaxResponseHeaderBytes) {
        easy->headers_too_large = true;
        return 0;
      } else if (std::size_t colon = line.find(':'); colon != std::string_view::npos) {
        std::string name = http1::lower(trim(line.substr(0, colon)));
        std::string_view value = trim(line.substr(colon + 1));
        std::string& slot = headers[name];
        if (!slot.empty()) slot += ", ";
        slot += value;
      }
    } catch (const std::bad_alloc&) {
      return 0;
    }
    return size * count;
  }
};

HttpClient::HttpClient(EventLoop& loop, HttpLimits limits) : loop_(loop), limits_(limits) {
  init_curl_once();
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("epoll_create1 for the HTTP client");
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    ::close(epoll_fd_);
    throw IoError("libcurl could not create a multi handle");
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Idle connections kept for reuse; curl's default (4 per running
  // transfer) drops connections that a moment later would be reused.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 256L);
  no_expect_ = curl_slist_append(nullptr, "Expect:");
  timer_.fire = &HttpClient::on_timeout;
  timer_.owner = this;
  watch_.fd = epoll_fd_;
  watch_.events = EPOLLIN;
  watch_.persistent = true;
  watch_.ready = &HttpClient::on_ready;
  watch_.owner = this;
}

HttpClient::~HttpClient() {
  // By structured concurrency no transfer outlives its task, and no task
  // outlives the runtime; idle handles are all that is left.
  for (Easy* easy : idle_) {
    curl_easy_cleanup(easy->handle);
    delete easy;
  }
  curl_multi_cleanup(multi_);
  curl_slist_free_all(no_expect_);
  loop_.remove_timer(&timer_);
  loop_.remove_fd_waiter(&watch_);
  ::close(epoll_fd_);
}

HttpClient::Easy* HttpClient::take_easy() {
  if (!idle_.empty()) {
    Easy* easy = idle_.back();
    idle_.pop_back();
    return easy;
  }
  auto* easy = new Easy;
  easy->handle = curl_easy_init();
  if (easy->handle == nullptr) {
    delete easy;
    throw IoError("libcurl could not create a transfer");
  }
  // What every transfer shares. A handle is reused as it is, not reset: a
  // reset frees curl's buffers, which the next transfer would allocate again.
  CURL* h = easy->handle;
  static const std::string user_agent = std::string("taskrt/") + kVersionString;
  curl_easy_setopt(h, CURLOPT_PRIVATE, easy);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, easy->error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Easy::on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, easy);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Easy::on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, easy);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.timeout.count()));
  return easy;
}

void HttpClient::release(Easy* easy) noexcept {
  curl_multi_remove_handle(multi_, easy->handle);
  if (std::exchange(easy->in_flight, false) && --in_flight_ == 0) loop_.remove_fd_waiter(&watch_);
  curl_slist_free_all(easy->headers);
  easy->headers = nullptr;
  easy->transfer->easy = nullptr;
  easy->transfer = nullptr;
  easy->got_status = false;
  easy->body_too_large = false;
  easy->headers_too_large = false;
  easy->header_bytes = 0;
  easy->error[0] = '\0';
  if (idle_.size() < kIdleLimit) {
    idle_.push_back(easy);
  } else {
    curl_easy_cleanup(easy->handle);
    delete easy;
  }
}

void HttpClient::start(HttpTransfer* transfer) {
  const OutgoingRequest& request = transfer->request;
  check_request(request);

  Easy* easy = take_easy();
  easy->transfer = transfer;
  easy->max_body = limits_.max_body;
  transfer->easy = easy;
  CURL* h = easy->handle;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(transfer->redirects_left));
  // Compressed bodies only when the caller asks for them with an
  // Accept-Encoding header; curl then decodes them. Not by default: setting
  // up decoding halves the requests per second to a local server.
  const std::string* accept_encoding = nullptr;
  if (request.headers.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, no_expect_);
  } else {
    // curl waits up to a second for "100 Continue" before sending a large
    // body; servers rarely send it, so never ask.
    easy->headers = curl_slist_append(easy->headers, "Expect:");
    for (const auto& [name, value] : request.headers) {
      if (http1::equals_ignoring_case(name, "accept-encoding")) {
        accept_encoding = &value;
        continue;
      }
      // "Name;" is curl's way to send a header with an empty value.
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      easy->headers = curl_slist_append(easy->headers, line.c_str());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, easy->headers);
  }
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, accept_encoding ? accept_encoding->c_str() : nullptr);
  // Every option a previous transfer on this handle may have set.
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);
  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  if (CURLMcode code = curl_multi_add_handle(multi_, h); code != CURLM_OK) {
    release(easy);
    throw IoError(request_error_text(request, curl_multi_strerror(code)));
  }
  // The sockets are watched only while a transfer is in flight: an idle
  // client's watch would keep the loop from ever finding a deadlock.
  easy->in_flight = true;
  if (in_flight_++ == 0) {
    try {
      loop_.add_fd_waiter(&watch_);
    } catch (...) {
      release(easy);
      throw;
    }
  }
}

void HttpClient::abort(HttpTransfer* transfer) noexcept {
  // Removing an unfinished transfer makes curl close its connection.
  if (transfer->easy != nullptr) release(static_cast<Easy*>(transfer->easy));
}

int HttpClient::on_socket(CURL*, curl_socket_t socket, int what, void* self, void*) {
  int epoll_fd = static_cast<HttpClient*>(self)->epoll_fd_;
  if (what == CURL_POLL_REMOVE) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, socket, nullptr);
    return 0;
  }
  epoll_event event{};
  event.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  event.data.fd = socket;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, socket, &event);
  }
  return 0;
}

int HttpClient::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* client = static_cast<HttpClient*>(self);
  client->loop_.remove_timer(&client->timer_);
  if (timeout_ms >= 0) client->loop_.add_timer(&client->timer_, std::chrono::milliseconds(timeout_ms));
  return 0;
}

void HttpClient::on_timeout(TimerNode* timer) {
  decltype(timer_)::owner_of(timer)->act(CURL_SOCKET_TIMEOUT, 0);
}

void HttpClient::on_ready(FdWaiter* waiter, std::uint32_t) {
  auto* client = static_cast<HttpClient*>(waiter->owner);
  epoll_event events[64];
  int count = ::epoll_wait(client->epoll_fd_, events, 64, 0);
  int running = 0;
  for (int i = 0; i < count; ++i) {
    int flags = 0;
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) flags |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
    if (events[i].events & EPOLLERR) flags |= CURL_CSELECT_ERR;
    // A socket curl closed while handling an earlier one is unknown to it now,
    // and ignored.
    curl_multi_socket_action(client->multi_, events[i].data.fd, flags, &running);
  }
  client->collect_done();
}

void HttpClient::act(curl_socket_t socket, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, socket, events, &running);
  collect_done();
}

void HttpClient::collect_done() {
  std::vector<HttpTransfer*> done;
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    Easy* easy = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &easy);
    CURLcode code = message->data.result;
    HttpTransfer* transfer = easy->transfer;
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(easy->handle, CURLINFO_RESPONSE_CODE, &status);
      transfer->response.status = status;
    } else {
      transfer->error = failure(*easy, code);
    }
    release(easy);
    done.push_back(transfer);
  }
  for (HttpTransfer* transfer : done) transfer->done(transfer);
}

std::exception_ptr HttpClient::failure(const Easy& easy, CURLcode code) const {
  const OutgoingRequest& request = easy.transfer->request;
  auto message = [&](const std::string& cause) { return request_error_text(request, cause); };
  // Limits of ours first: curl reports them as a write error or out of memory.
  if (easy.body_too_large) return std::make_exception_ptr(body_too_large(request, limits_));
  if (easy.headers_too_large || (code == CURLE_OUT_OF_MEMORY && easy.got_status)) {
    return std::make_exception_ptr(headers_too_large(request));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) return std::make_exception_ptr(no_response_in_time(request, limits_));
  std::string cause = easy.error[0] != '\0' ? easy.error : curl_easy_strerror(code);
  // A request that went out and came back as something unsupported
  // (HTTP/0.9, another protocol) was answered, badly.
  long sent = 0;
  curl_easy_getinfo(easy.handle, CURLINFO_REQUEST_SIZE, &sent);
  bool answered_badly = code == CURLE_UNSUPPORTED_PROTOCOL && sent > 0;
  if (easy.got_status || answered_badly || is_broken_response(code)) {
    return std::make_exception_ptr(HttpError(message(cause)));
  }
  return std::make_exception_ptr(IoError(message(cause)));
}

}  // namespace taskrt::detail
