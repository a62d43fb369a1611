#include "rank_server.hpp"

#include <unistd.h>

#include <coroutine>
#include <exception>
#include <utility>

#include "process_protocol.hpp"
#include "rank_protocol.hpp"
#include "taskrt/error.hpp"
#include "taskrt/foreign_wait.hpp"
#include "taskrt/process_pool.hpp"

namespace taskrt::mpi {

// A call's task: started by the server, it owns its frame, which goes at its end.
struct RankServer::Detached {
  struct promise_type : detail::PromiseBase {
    Detached get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
  };
  std::coroutine_handle<promise_type> handle;
};

Task<int> RankServer::serve() {
  context_ = co_await current_context();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  where_ = "(on MPI rank " + std::to_string(link_.rank()) + ", host " + host + ")";
  runtime_ = context_.runtime;
  // Work comes from another machine: waiting for it is not a deadlock.
  ForeignWait foreign(runtime_);
  EventLoop& loop = runtime_->loop();
  std::exception_ptr failure;
  try {
    // Starts this rank's workers now, so a failure to start ends the job at
    // once. A program without `in process` tasks has nothing to serve, and no pool.
    std::string ready;
    put_u32(ready,
            runtime_->options().process_tasks.empty() ? 0 : static_cast<std::uint32_t>(runtime_->processes().size()));
    if (relay_ != nullptr) relay_->start(loop, link_);
    link_.set_receiver([this, &loop](Message message) {
      loop.post([this, message = std::move(message)]() mutable { receive(std::move(message)); });
    });
    link_.send({0, kReady, std::move(ready)});
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) {
    try {
      co_await shutdown_.wait("waiting for calls from rank 0");
    } catch (...) {
      failure = std::current_exception();  // cancelled: SIGINT or SIGTERM
    }
  }
  stopping_ = true;
  for (auto& [id, running] : running_) running->stop.request_stop();
  co_await IdleAwaiter{*this};
  link_.set_receiver(nullptr);
  if (relay_ != nullptr) relay_->stop();
  leave(failure ? why_stopped(failure) : std::string());
  if (failure) std::rethrow_exception(failure);
  co_return 0;
}

void RankServer::leave(const std::string& why) {
  if (left_) return;
  left_ = true;
  // Always the last word to rank 0: after a shutdown it asked for, the
  // answer it waits for (no reason); otherwise why this rank stopped, so that
  // rank 0 fails the calls it sent here instead of waiting for them.
  link_.send({0, kShutdown, why});
}

std::string RankServer::why_stopped(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const CancelledError&) {
    return "it was interrupted";
  } catch (const Error& error) {
    return error.describe();
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
  }
  return "it failed";
}

void RankServer::receive(Message message) {
  std::string_view bytes = message.bytes;
  switch (message.tag) {
    case kRequest:
      if (!stopping_) {
        start_call(get_at<std::uint64_t>(bytes, 0), get_at<std::uint32_t>(bytes, 8),
                   std::string(bytes.substr(std::min<std::size_t>(12, bytes.size()))));
      }
      break;
    case kCancel:
      if (auto it = running_.find(get_at<std::uint64_t>(bytes, 0)); it != running_.end()) {
        it->second->stop.request_stop();
      }
      break;
    case kShutdown: shutdown_.set(); break;
    case kWritten:
      if (relay_ != nullptr) relay_->written(get_at<std::uint64_t>(bytes, 0));
      break;
    default: break;
  }
}

void RankServer::start_call(std::uint64_t id, std::uint32_t index, std::string arguments) {
  auto [it, added] = running_.emplace(id, std::make_unique<Running>());
  if (!added) return;  // ids are never reused: a duplicate would be a bug of rank 0's
  Detached call = run_call(*this, id, index, std::move(arguments));
  Context context = context_;
  context.stop = &it->second->token;
  call.handle.promise().set_context(context);
  runtime_->loop().schedule(call.handle);
}

RankServer::Detached RankServer::run_call(RankServer& server, std::uint64_t id, std::uint32_t index,
                                          std::string arguments) {
  std::string response;
  put_u64(response, id);
  try {
    std::string result = co_await server.runtime_->processes().call(index, std::move(arguments));
    response += '\0';
    response += result;
  } catch (const CancelledError&) {
    // Rank 0 cancelled it, or this rank is stopping: nobody waits for an answer.
    response.clear();
  } catch (const WorkerCrashedError& crashed) {
    // Which machine, for whoever looks into the crash.
    response += '\1';
    response += detail::encode_error(
        std::make_exception_ptr(WorkerCrashedError(std::string(crashed.what()) + " " + server.where_)));
  } catch (...) {
    response += '\1';
    response += detail::encode_error(std::current_exception());
  }
  if (response.size() > RankLink::kMaxMessageBytes) {
    std::string size = std::to_string(response.size() - 9);
    response.resize(8);
    response += '\1';
    response += detail::encode_error(std::make_exception_ptr(
        FailedError("the result is " + size + " bytes; a call on another MPI rank can return at most 2 GiB")));
  }
  if (!response.empty()) {
    // What the call printed goes first: rank 0 writes it before the caller
    // goes on, as when the worker shares its stdout.
    if (server.relay_ != nullptr) server.relay_->flush();
    server.link_.send({0, kResponse, std::move(response)});
  }
  server.call_ended(id);
}

void RankServer::call_ended(std::uint64_t id) {
  running_.erase(id);
  if (running_.empty() && idle_waiter_) runtime_->loop().schedule(std::exchange(idle_waiter_, {}));
}

}  // namespace taskrt::mpi
