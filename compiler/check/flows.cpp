// Flows: each top-level statement is a node of a graph. A node waits for the
// nodes that define or change the values it reads (data edges), for every
// effect written above it (effect edges: effects keep their source order, and
// a let never overtakes an effect above it), and for its `after` targets.
#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <set>

#include "compiler/check/checker.hpp"
#include "compiler/ir/uses.hpp"

namespace taskc::check {
namespace {

// The statement's source on one line, shortened for drawings.
std::string label_of(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  constexpr std::size_t kMax = 48;
  if (out.size() > kMax) out = out.substr(0, kMax - 3) + "...";
  return out;
}

// Who last defined or changed each local, and who read it since.
struct FlowState {
  std::map<ir::LocalId, std::uint32_t> last_writer;
  std::map<ir::LocalId, std::vector<std::uint32_t>> readers_since_write;
  std::optional<std::uint32_t> last_effect;
};

bool waits_for(const ir::FlowNode& node, std::uint32_t other) {
  return std::any_of(node.deps.begin(), node.deps.end(), [&](const ir::Edge& edge) { return edge.from == other; });
}

void add_edge(ir::FlowNode& node, std::uint32_t from, ir::EdgeKind kind, std::string via) {
  if (from == node.id) return;
  for (const ir::Edge& edge : node.deps) {
    if (edge.from == from && edge.kind == kind) return;
  }
  node.deps.push_back(ir::Edge{from, kind, std::move(via)});
}

}  // namespace

void Checker::check_flow_body(const ast::Item& item, ir::Task& task) {
  task_ = &task;
  scopes_.clear();
  push_scope();
  declare_params(task);

  // Every top-level let, so that a use before its definition is explained.
  for (const ast::Stmt& s : item.body.stmts) {
    if (s.kind != ast::StmtKind::kLet) continue;
    ast::for_each_name(s.pattern,
                       [&](const std::string& name, source::Span span) { later_flow_lets_.try_emplace(name, span); });
  }

  FlowState state;
  std::map<std::string, std::uint32_t> let_nodes;
  bool returned = false;
  // Links a node to what it waits for, and adds it to the graph.
  auto add_node = [&](ir::FlowNode node, const std::vector<std::string>& after,
                      const std::vector<source::Span>& after_spans) {
    ir::Uses uses;
    ir::collect_uses(node.stmt, uses);
    node.calls = uses.calls;
    // A nested pattern's place is a local named `_`: its edge shows the pattern.
    auto name_of = [&](ir::LocalId id) {
      const ir::Local& local = task.local(id);
      return local.name == kDiscard ? label_of(source_text(local.span)) : local.name;
    };
    for (ir::LocalId read : uses.reads) {
      if (uses.defines.count(read)) continue;
      auto writer = state.last_writer.find(read);
      if (writer != state.last_writer.end()) add_edge(node, writer->second, ir::EdgeKind::kData, name_of(read));
    }
    for (ir::LocalId written : uses.writes) {
      auto writer = state.last_writer.find(written);
      if (writer != state.last_writer.end()) add_edge(node, writer->second, ir::EdgeKind::kData, name_of(written));
      for (std::uint32_t reader : state.readers_since_write[written]) {
        add_edge(node, reader, ir::EdgeKind::kData, name_of(written));
      }
    }
    // Effects are ordered among themselves, so waiting for the last one above
    // waits for them all. Effects do not wait for lets they do not read.
    if (state.last_effect && !waits_for(node, *state.last_effect)) {
      add_edge(node, *state.last_effect, ir::EdgeKind::kEffect, "");
    }
    for (std::size_t i = 0; i < after.size(); ++i) {
      auto target = let_nodes.find(after[i]);
      if (target == let_nodes.end() || target->second == node.id) {
        error(diag::Code::kBadAfter, after_spans[i],
              fmt::format("`after {}` does not name an earlier `let` of this flow", after[i]))
            .with_label("not an earlier let")
            .note("`after` orders this let behind the lets that define the named values");
        continue;
      }
      add_edge(node, target->second, ir::EdgeKind::kAfter, after[i]);
    }

    for (ir::LocalId read : uses.reads) state.readers_since_write[read].push_back(node.id);
    for (ir::LocalId changed : uses.writes) {
      state.last_writer[changed] = node.id;
      state.readers_since_write[changed].clear();
    }
    for (ir::LocalId defined : uses.defines) {
      state.last_writer[defined] = node.id;
      state.readers_since_write[defined].clear();
    }
    if (node.is_effect) state.last_effect = node.id;
    std::sort(node.deps.begin(), node.deps.end(),
              [](const ir::Edge& a, const ir::Edge& b) { return std::tie(a.from, a.kind) < std::tie(b.from, b.kind); });
    task.graph.nodes.push_back(std::move(node));
  };
  for (const ast::Stmt& s : item.body.stmts) {
    if (returned) {
      error(diag::Code::kUnreachable, s.span, "this statement comes after the flow's `return`")
          .with_label("never runs")
          .note("a flow returns once its return value is ready; statements after `return` are not part of it");
      returned = false;
    }
    ir::FlowNode node;
    node.id = static_cast<std::uint32_t>(task.graph.nodes.size());
    node.stmt = stmt(s);
    // Every node below an `if` waits for it, so a guard narrows them all.
    if (s.kind == ast::StmtKind::kIf) narrow_after(s, node.stmt);
    node.label = label_of(source_text(s.span));
    node.is_effect = s.kind != ast::StmtKind::kLet && s.kind != ast::StmtKind::kReturn;
    if (s.kind == ast::StmtKind::kLet) {
      for (const std::string& name : s.pattern.names) {
        later_flow_lets_.erase(name);
        let_nodes[name] = node.id;
      }
    }
    if (s.kind == ast::StmtKind::kReturn) returned = true;

    add_node(std::move(node), s.after, s.after_spans);
    // `let (i, (word, n)) = …`: a node for each nested place taken apart.
    for (ir::Stmt& unpack : take_unpacks()) {
      ir::FlowNode part;
      part.id = static_cast<std::uint32_t>(task.graph.nodes.size());
      part.label = label_of(source_text(unpack.span));
      for (ir::LocalId bound : unpack.bindings) {
        later_flow_lets_.erase(task.local(bound).name);
        let_nodes[task.local(bound).name] = part.id;
      }
      part.stmt = std::move(unpack);
      add_node(std::move(part), {}, {});
    }
  }

  if (!task.result->is(ir::TypeKind::kVoid) && !task.result->is_error()) {
    ir::Block top;
    for (ir::FlowNode& node : task.graph.nodes) top.stmts.push_back(std::move(node.stmt));
    bool returns = always_returns(top);
    for (std::size_t i = 0; i < top.stmts.size(); ++i) task.graph.nodes[i].stmt = std::move(top.stmts[i]);
    if (!returns) {
      error(diag::Code::kMissingReturn, item.name_span,
            fmt::format("flow `{}` can finish without returning a value of type `{}`", item.name,
                        ir::type_name(task.result)))
          .with_label("declared with a result")
          .help("end the flow with `return …`");
    }
  }
  later_flow_lets_.clear();
  pop_scope();
  task_ = nullptr;
}

}  // namespace taskc::check
