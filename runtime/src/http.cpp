#include "taskrt/http.hpp"

#include "http_client.hpp"
#include "taskrt/detail/loop_operation.hpp"
#include "taskrt/print.hpp"

namespace taskrt {
namespace {

// The await of one transfer: started, finished and aborted on the loop.
class HttpAwaiter final : public detail::LoopOperation {
 public:
  explicit HttpAwaiter(OutgoingRequest request) : LoopOperation("waiting on an HTTP response") {
    transfer_.request = std::move(request);
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

Task<HttpResponse> http(OutgoingRequest request) {
  co_return co_await HttpAwaiter(std::move(request));
}

Task<HttpResponse> http_get(std::string url) {
  OutgoingRequest request;
  request.url = std::move(url);
  co_return co_await HttpAwaiter(std::move(request));
}

Task<HttpResponse> http(std::string method, std::string url, std::string body, Map<std::string, std::string> headers) {
  OutgoingRequest request{std::move(method), std::move(url), std::move(body), std::move(headers)};
  co_return co_await HttpAwaiter(std::move(request));
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
