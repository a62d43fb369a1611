#include <catch2/catch.hpp>

#include "compiler/codegen/graph/graph.hpp"
#include "tests/compiler/check/check_helpers.hpp"

using namespace taskc;

namespace {

constexpr const char* kProgram = R"(
io task fetch(url: str) -> str { return url }
cpu task count(text: str) -> int { return len(text) }
flow report() {
    let a = fetch("a")
    let n = count(a)
    print(n)
}
flow other() { print(1) }
)";

}  // namespace

TEST_CASE("dot output has a cluster per flow, labels with task kinds, styled edges") {
  auto c = testing::check_text(kProgram);
  INFO(c->errors());
  REQUIRE(c->program);
  std::string dot = codegen::draw_flows(*c->program, codegen::GraphFormat::kDot);
  CHECK(dot.rfind("digraph flows {", 0) == 0);
  CHECK(dot.find("subgraph \"cluster_report\"") != std::string::npos);
  CHECK(dot.find("\"report_0\" [label=\"let a = fetch(\\\"a\\\")\\nfetch: io\"];") != std::string::npos);
  CHECK(dot.find("\"report_1\" [label=\"let n = count(a)\\ncount: cpu\"];") != std::string::npos);
  CHECK(dot.find("\"report_0\" -> \"report_1\" [label=\"a\"];") != std::string::npos);
  CHECK(dot.find("cluster_other") != std::string::npos);
}

TEST_CASE("mermaid output, and drawing one flow only") {
  auto c = testing::check_text(kProgram);
  REQUIRE(c->program);
  std::string mermaid = codegen::draw_flows(*c->program, codegen::GraphFormat::kMermaid, "report");
  CHECK(mermaid.rfind("flowchart TD\n", 0) == 0);
  CHECK(mermaid.find("report_0 -->|a| report_1") != std::string::npos);
  CHECK(mermaid.find("report_2(\"print(n)\")") != std::string::npos);
  CHECK(mermaid.find("other") == std::string::npos);
}
