#include <catch2/catch.hpp>

#include "tests/compiler/check/check_helpers.hpp"

using namespace taskc;
using taskc::testing::check_text;

namespace {

// "0->2 data a" for each edge of a flow, in order.
std::vector<std::string> edges(const ir::Task& flow) {
  std::vector<std::string> out;
  for (const ir::FlowNode& node : flow.graph.nodes) {
    for (const ir::Edge& edge : node.deps) {
      out.push_back(std::to_string(edge.from) + "->" + std::to_string(node.id) + " " +
                    std::string(ir::edge_kind_name(edge.kind)) + (edge.via.empty() ? "" : " " + edge.via));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("independent lets have no edges between them and a use waits for its definitions") {
  auto c = check_text(R"(
io task fetch(url: str) -> str { return url }
cpu task count(text: str) -> int { return len(text) }
flow report() {
    let a = fetch("a")
    let b = fetch("b")
    let n = count(a) + count(b)
    print("{n} words")
})");
  INFO(c->errors());
  REQUIRE(c->program);
  const ir::Task& flow = c->task("report");
  REQUIRE(flow.graph.nodes.size() == 4);
  CHECK(edges(flow) == std::vector<std::string>{"0->2 data a", "1->2 data b", "2->3 data n"});
  CHECK(flow.graph.nodes[3].is_effect);
  CHECK_FALSE(flow.graph.nodes[0].is_effect);
  CHECK(flow.graph.nodes[2].label == "let n = count(a) + count(b)");
}

TEST_CASE("effects keep their source order, a let waits for the effects above it, `after` adds an edge") {
  auto c = check_text(R"(
io task work(n: int) -> int { return n }
flow main() {
    print("one")
    let a = work(1)
    print("two")
    let b = work(2) after a
    print(b)
})");
  INFO(c->errors());
  REQUIRE(c->program);
  CHECK(edges(c->task("main")) == std::vector<std::string>{"0->1 effect", "0->2 effect", "1->3 after a", "2->3 effect",
                                                           "2->4 effect", "3->4 data b"});
}

TEST_CASE("a node that changes a value orders the nodes that read it") {
  auto c = check_text(R"(
flow main() {
    let xs = [1, 2, 3]
    let total = 0
    print(total)
    for x in xs { total += x }
    print(total)
})");
  INFO(c->errors());
  REQUIRE(c->program);
  // The loop reads xs, and writes total after node 2 read it; the last print
  // reads the loop's total. An effect edge is not drawn beside a data edge.
  CHECK(edges(c->task("main")) == std::vector<std::string>{"1->2 data total", "0->3 data xs", "1->3 data total",
                                                           "2->3 data total", "3->4 data total"});
}

TEST_CASE("a let never overtakes an effect above it, and effects do not wait for lets below") {
  auto c = check_text(R"(
io task fetch(n: int) -> int { return n }
flow main() {
    write_file("out.txt", "hello")
    let s = read_file("out.txt")
    let a = fetch(1)
    let b = fetch(2)
    print(a)
    let t0 = now()
    sleep(1s)
    let e = now() - t0
    return
})");
  INFO(c->errors());
  REQUIRE(c->program);
  // 1, 2 and 3 wait for the write; 2 and 3 still run together; the print (4)
  // waits for a and the write, not for b; 5 waits for the print, 7 for the sleep; the
  // return waits for the last effect.
  CHECK(edges(c->task("main")) == std::vector<std::string>{"0->1 effect", "0->2 effect", "0->3 effect", "0->4 effect",
                                                           "2->4 data a", "4->5 effect", "4->6 effect", "5->7 data t0",
                                                           "6->7 effect", "6->8 effect"});
}
