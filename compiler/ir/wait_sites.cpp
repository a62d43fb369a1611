#include "compiler/ir/wait_sites.hpp"

#include <fmt/format.h>

namespace taskc::ir {

std::string WaitSites::site(const Task& task, std::string_view what, source::Span span, std::string_view then) const {
  const source::SourceFile& file = sources_.get(span.file);
  return fmt::format("{} {}: {} ({}:{}){}", task.kind == TaskKind::kFlow ? "flow" : "task", task.name, what,
                     file.path(), file.line_column(span.begin).line, then);
}

std::string WaitSites::channel_name(const Expr& channel, const Task& task) {
  if (channel.kind == ExprKind::kLocal) return fmt::format("channel `{}`", task.local(channel.as<LocalId>()).name);
  return "a channel";
}

std::string WaitSites::send(const Task& task, const Expr& channel, source::Span span) const {
  return site(task, "send on " + channel_name(channel, task), span);
}

std::string WaitSites::receive(const Task& task, const Expr& channel, source::Span span) const {
  return site(task, "receive on " + channel_name(channel, task), span);
}

std::string WaitSites::with_semaphore(const Task& task, SemaphoreId semaphore, source::Span span) const {
  return site(task, fmt::format("`with {}`", program_.semaphore(semaphore).name), span);
}

std::string WaitSites::with_shared(const Task& task, SharedId shared, source::Span span) const {
  return site(task, fmt::format("`with {}`", program_.shared_value(shared).name), span);
}

std::string WaitSites::uses(const Task& task) const {
  return site(task, fmt::format("`uses {}`", program_.semaphore(*task.semaphore).name), task.span);
}

std::string WaitSites::flow_step(const Task& flow, const FlowNode& step, const FlowNode& waited_for) const {
  return site(flow, fmt::format("`{}`", step.label), step.stmt.span, fmt::format(" waits for `{}`", waited_for.label));
}

}  // namespace taskc::ir
