#include "compiler/codegen/graph/graph.hpp"
#include "compiler/support/utf8.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace taskc::codegen {
namespace {

std::string signature(const ir::Task& flow) {
  std::string params;
  for (const ir::Param& p : flow.params) params += (params.empty() ? "" : ", ") + p.name + ": " + ir::type_name(p.type);
  std::string result = flow.result->is(ir::TypeKind::kVoid) ? "" : " -> " + ir::type_name(flow.result);
  return fmt::format("flow {}({}){}", flow.name, params, result);
}

// "fetch: io, count_words: cpu" for the tasks a node calls.
std::string calls_line(const ir::Program& program, const ir::FlowNode& node) {
  std::string out;
  std::vector<ir::TaskId> seen;
  for (ir::TaskId call : node.calls) {
    if (std::find(seen.begin(), seen.end(), call) != seen.end()) continue;
    seen.push_back(call);
    const ir::Task& task = program.task(call);
    std::string kind(ir::task_kind_name(task.kind));
    if (task.in_process) kind += " in process";
    if (task.blocking) kind += " blocking";
    out += (out.empty() ? "" : ", ") + task.name + ": " + kind;
  }
  return out;
}

std::string dot_escape(std::string_view raw) {
  std::string text = support::printable(raw);  // never a NUL or a stray byte in the output
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string mermaid_escape(std::string_view raw) {
  std::string text = support::printable(raw);
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '|': out += "#124;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

void draw_dot(const ir::Program& program, const ir::Task& flow, std::string& out) {
  out += fmt::format("  subgraph \"cluster_{}\" {{\n    label=\"{}\";\n", flow.name, dot_escape(signature(flow)));
  for (const ir::FlowNode& node : flow.graph.nodes) {
    std::string label = dot_escape(node.label);
    std::string calls = calls_line(program, node);
    if (!calls.empty()) label += "\\n" + dot_escape(calls);
    out += fmt::format("    \"{}_{}\" [label=\"{}\"{}];\n", flow.name, node.id, label,
                       node.is_effect ? ", style=rounded" : "");
  }
  for (const ir::FlowNode& node : flow.graph.nodes) {
    for (const ir::Edge& edge : node.deps) {
      std::string attributes;
      switch (edge.kind) {
        case ir::EdgeKind::kData: attributes = fmt::format("label=\"{}\"", dot_escape(edge.via)); break;
        case ir::EdgeKind::kEffect: attributes = "style=dashed, label=\"order\""; break;
        case ir::EdgeKind::kAfter:
          attributes = fmt::format("style=dotted, label=\"after {}\"", dot_escape(edge.via));
          break;
      }
      out += fmt::format("    \"{}_{}\" -> \"{}_{}\" [{}];\n", flow.name, edge.from, flow.name, node.id, attributes);
    }
  }
  out += "  }\n";
}

void draw_mermaid(const ir::Program& program, const ir::Task& flow, std::string& out) {
  out += fmt::format("  subgraph {}[\"{}\"]\n", flow.name, mermaid_escape(signature(flow)));
  for (const ir::FlowNode& node : flow.graph.nodes) {
    std::string label = mermaid_escape(node.label);
    std::string calls = calls_line(program, node);
    if (!calls.empty()) label += "<br/>" + mermaid_escape(calls);
    // Effects are drawn rounded, lets square.
    if (node.is_effect) {
      out += fmt::format("    {}_{}(\"{}\")\n", flow.name, node.id, label);
    } else {
      out += fmt::format("    {}_{}[\"{}\"]\n", flow.name, node.id, label);
    }
  }
  for (const ir::FlowNode& node : flow.graph.nodes) {
    for (const ir::Edge& edge : node.deps) {
      std::string arrow;
      switch (edge.kind) {
        case ir::EdgeKind::kData: arrow = fmt::format("-->|{}|", mermaid_escape(edge.via)); break;
        case ir::EdgeKind::kEffect: arrow = "-.->|order|"; break;
        case ir::EdgeKind::kAfter: arrow = fmt::format("-.->|after {}|", mermaid_escape(edge.via)); break;
      }
      out += fmt::format("    {}_{} {} {}_{}\n", flow.name, edge.from, arrow, flow.name, node.id);
    }
  }
  out += "  end\n";
}

}  // namespace

std::string draw_flows(const ir::Program& program, GraphFormat format, const std::string& only_flow) {
  std::string out =
      format == GraphFormat::kDot ? "digraph flows {\n  node [shape=box, fontname=\"Helvetica\"];\n" : "flowchart TD\n";
  for (const ir::Task& task : program.tasks) {
    if (task.kind != ir::TaskKind::kFlow) continue;
    if (!only_flow.empty() && task.name != only_flow) continue;
    if (format == GraphFormat::kDot) {
      draw_dot(program, task, out);
    } else {
      draw_mermaid(program, task, out);
    }
  }
  if (format == GraphFormat::kDot) out += "}\n";
  return out;
}

}  // namespace taskc::codegen
