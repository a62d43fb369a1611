#include "taskrt/http.hpp"

#include <fmt/format.h>

#include "http_client.hpp"
#include "http_redirect.hpp"
#include "plain_http_client.hpp"
#include "taskrt/detail/loop_operation.hpp"
#include "taskrt/print.hpp"

namespace taskrt {
namespace {

// The await of one transfer: started, finished and aborted on the loop.
class HttpAwaiter final : public detail::LoopOperation {
 public:
  HttpAwaiter(OutgoingRequest request, int redirects_left) : LoopOperation("waiting on an HTTP response") {
    transfer_.request = std::move(request);
    transfer_.redirects_left = redirects_left;
  }

  HttpResponse await_resume() {
    rethrow_failure("cancelled during an HTTP request");
    if (transfer_.error) std::rethrow_exception(transfer_.error);
    return std::move(transfer_.response);
  }

 private:
  void start() override {
    transfer_.done = &HttpAwaiter::on_done;
    transfer_.owner = this;
    runtime().http_client().start(&transfer_);
  }
  void stop() noexcept override { runtime().http_client().abort(&transfer_); }

  static void on_done(detail::HttpTransfer* transfer) { static_cast<HttpAwaiter*>(transfer->owner)->finish(); }

  detail::HttpTransfer transfer_;
};

}  // namespace

// Each hop goes by the plain-http path when it takes the request (on the
// loop thread: its sockets live there), by curl otherwise; curl follows the
// redirects of what it sends itself, within the hops left.
Task<HttpResponse> http(OutgoingRequest request) {
  detail::check_request(request);
  Context& context = co_await current_context();
  Runtime& runtime = *context.runtime;
  for (int redirects = 0;; ++redirects) {
    std::optional<detail::PlainTarget> target;
    if (runtime.loop().in_loop_thread() && !runtime.options().http_via_curl) {
      target = runtime.plain_http_client().target_of(request);
    }
    if (!target) co_return co_await HttpAwaiter(std::move(request), detail::kMostRedirects - redirects);
    HttpResponse response = co_await runtime.plain_http_client().fetch(request, *target);
    const std::string* location =
        detail::is_redirect_status(response.status) ? response.headers.find("location") : nullptr;
    if (location == nullptr) co_return response;
    if (redirects == detail::kMostRedirects) {
      throw HttpError(
          detail::request_error_text(request, fmt::format("Maximum ({}) redirects followed", detail::kMostRedirects)));
    }
    request = detail::redirected_request(std::move(request), response.status, *location);
  }
}

Task<HttpResponse> http_get(std::string url) {
  OutgoingRequest request;
  request.url = std::move(url);
  return http(std::move(request));
}

Task<HttpResponse> http(std::string method, std::string url, std::string body, Map<std::string, std::string> headers) {
  return http(OutgoingRequest{std::move(method), std::move(url), std::move(body), std::move(headers)});
}

std::string format_value(const HttpResponse& response) {
  return "HttpResponse { status: " + format_value(response.status) + ", body: " + format_value(response.body) +
         ", headers: " + format_value(response.headers) + " }";
}

void encode(Writer& out, const HttpResponse& response) {
  encode(out, response.status);
  encode(out, response.body);
  encode(out, response.headers);
}

void decode(Reader& in, HttpResponse& response) {
  decode(in, response.status);
  decode(in, response.body);
  decode(in, response.headers);
}

}  // namespace taskrt
