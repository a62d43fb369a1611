// Progress bars for large gathers (`--progress`): one line on stderr, redrawn
// at most ten times a second, only when stderr is a terminal.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "taskrt/executor.hpp"

namespace taskrt {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total);
  // Draws the final state and ends the line.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // One more element finished (or failed); callable from any thread.
  void advance() noexcept;

  // A bar for a gather of `count` elements, when the runtime was asked for
  // progress, the gather is large, and stderr is a terminal; else null.
  static std::unique_ptr<ProgressBar> for_gather(const Context& context, std::size_t count, const char* label);

  static constexpr std::size_t kMinimumCount = 100;

 private:
  void draw(std::size_t done);

  std::string label_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::atomic<std::int64_t> next_draw_ns_{0};
  std::mutex draw_mutex_;  // one drawer at a time; others skip
};

}  // namespace taskrt
