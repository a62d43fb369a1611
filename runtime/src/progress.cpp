#include "taskrt/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "taskrt/runtime.hpp"

namespace taskrt {
namespace {

constexpr std::int64_t kRedrawInterval = 100'000'000;  // ns
constexpr std::size_t kBarWidth = 30;
// Each draw starts with "\r\x1b[K": back to the start of the line, and clear
// what a longer earlier line left there.

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && !(term && std::strcmp(term, "dumb") == 0);
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::size_t total) : label_(std::move(label)), total_(total) {
  draw(0);
}

ProgressBar::~ProgressBar() {
  std::lock_guard lock(draw_mutex_);
  std::size_t done = done_.load(std::memory_order_acquire);
  std::string line = fmt::format("\r\x1b[K{} [{}] {}/{}\n", label_, std::string(kBarWidth, '#'), done, total_);
  if (done < total_) line = fmt::format("\r\x1b[K{} stopped at {}/{}\n", label_, done, total_);
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

void ProgressBar::advance() noexcept {
  std::size_t done = done_.fetch_add(1, std::memory_order_acq_rel) + 1;
  std::int64_t now = now_ns();
  std::int64_t due = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < due || done == total_) return;  // the destructor draws the end
  if (!next_draw_ns_.compare_exchange_strong(due, now + kRedrawInterval, std::memory_order_relaxed)) return;
  std::unique_lock lock(draw_mutex_, std::try_to_lock);
  if (lock.owns_lock()) draw(done);
}

void ProgressBar::draw(std::size_t done) {
  std::size_t filled = total_ == 0 ? kBarWidth : done * kBarWidth / total_;
  std::string line =
      fmt::format("\r\x1b[K{} [{}{}] {}/{} {:3}%", label_, std::string(filled, '#'),
                  std::string(kBarWidth - filled, '-'), done, total_, total_ ? done * 100 / total_ : 100);
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

std::unique_ptr<ProgressBar> ProgressBar::for_gather(const Context& context, std::size_t count, const char* label) {
  if (count < kMinimumCount || context.runtime == nullptr || !context.runtime->options().progress) return nullptr;
  if (!stderr_is_terminal()) return nullptr;
  return std::make_unique<ProgressBar>(label, count);
}

}  // namespace taskrt
