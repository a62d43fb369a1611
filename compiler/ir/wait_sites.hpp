// How a deadlock report names a wait the program wrote: the text each
// backend hands the runtime with the wait (taskrt::ParkedWait::site), so
// that both backends report a deadlock in the same words:
//   task producer: send on channel `ch` (pipeline.task:12)
//   flow main: `producer(ch, n)` (pipeline.task:20) waits for `let got = consumer(ch)`
#pragma once

#include <string>
#include <string_view>

#include "compiler/ir/ir.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::ir {

class WaitSites {
 public:
  WaitSites(const Program& program, const source::SourceMap& sources) : program_(program), sources_(sources) {}

  // `send(ch, v)`, `recv(ch)` and `for v in ch`, in `task` at `span`.
  std::string send(const Task& task, const Expr& channel, source::Span span) const;
  std::string receive(const Task& task, const Expr& channel, source::Span span) const;
  // `with NAME { … }` on a semaphore or a shared value.
  std::string with_semaphore(const Task& task, SemaphoreId semaphore, source::Span span) const;
  std::string with_shared(const Task& task, SharedId shared, source::Span span) const;
  // A task's `uses NAME`, which every call of it waits for.
  std::string uses(const Task& task) const;
  // A flow's step waiting for the step it depends on.
  std::string flow_step(const Task& flow, const FlowNode& step, const FlowNode& waited_for) const;

 private:
  // "task NAME: WHAT (FILE:LINE)THEN"
  std::string site(const Task& task, std::string_view what, source::Span span, std::string_view then = {}) const;
  static std::string channel_name(const Expr& channel, const Task& task);

  const Program& program_;
  const source::SourceMap& sources_;
};

}  // namespace taskc::ir
