#include <catch2/catch.hpp>

#include "compiler/check/doc_comments.hpp"
#include "tests/compiler/check/check_helpers.hpp"

using namespace taskc;
using taskc::testing::check_text;

TEST_CASE("items may be used before they are declared") {
  auto c = check_text(R"(
flow main() { print(double(LIMIT)) }
cpu task double(n: int) -> int { return n * FACTOR }
const LIMIT = 21
const FACTOR = 2
)");
  INFO(c->errors());
  REQUIRE(c->program);
  REQUIRE(c->program->main);
  CHECK(c->program->task(*c->program->main).name == "main");
}

TEST_CASE("int becomes float in arithmetic only, through an explicit IR node") {
  auto c = check_text("cpu task f(n: int) -> float { return n * 1.5 }\n");
  INFO(c->errors());
  REQUIRE(c->program);
  const ir::Stmt& ret = c->task("f").body.stmts.at(0);
  REQUIRE(ret.value->kind == ir::ExprKind::kBinary);
  CHECK(ret.value->type->is(ir::TypeKind::kFloat));
  CHECK(ret.value->operands[0]->kind == ir::ExprKind::kToFloat);
}

TEST_CASE("a value where an optional is expected is wrapped") {
  auto c = check_text("cpu task f(n: int) -> int? { if n > 0 { return n } \n return none }\n");
  INFO(c->errors());
  REQUIRE(c->program);
  const ir::Stmt& first = c->task("f").body.stmts.at(0);
  CHECK(first.body.stmts.at(0).value->kind == ir::ExprKind::kWrapOptional);
}

TEST_CASE("`if x != none` reads x as its inner type inside the branch only") {
  auto ok = check_text(R"(
io task f() -> int {
    let home = env("HOME")
    if home != none { return len(home) }
    return 0
})");
  INFO(ok->errors());
  CHECK(ok->program);
  auto bad = check_text(R"(
io task f() -> int {
    let home = env("HOME")
    if home != none { print(home) }
    return len(home)
})");
  CHECK(bad->errors().find("error[E0200]") != std::string::npos);
}

TEST_CASE("clauses are resolved into the task") {
  auto c = check_text(R"(
semaphore net = 8
io task fetch(url: str) -> str uses net 2 timeout 5s retry 3 backoff 200ms on Timeout, IoError { return url }
cpu task sum_in_worker(n: int) -> int in process { return n }
extern io task lookup(key: str) -> str blocking = "kv::get"
)");
  INFO(c->errors());
  REQUIRE(c->program);
  const ir::Task& fetch = c->task("fetch");
  CHECK(fetch.semaphore == ir::SemaphoreId{0});
  CHECK(fetch.permits == 2);
  CHECK(fetch.timeout_ns == 5'000'000'000);
  REQUIRE(fetch.retry);
  CHECK(fetch.retry->extra_attempts == 3);
  CHECK(fetch.retry->backoff_ns == 200'000'000);
  CHECK(fetch.retry->on == (ir::bit(ir::ErrorKind::kTimeout) | ir::bit(ir::ErrorKind::kIoError)));
  CHECK(c->task("sum_in_worker").in_process);
  CHECK(c->task("lookup").blocking);
  CHECK(c->task("lookup").extern_symbol == "kv::get");
}

TEST_CASE("every error in a file is reported in one run") {
  auto c = check_text(R"(
cpu task a() -> int { return "x" }
cpu task b() -> str { return 1 }
flow main() { print(nope) }
)");
  CHECK(c->sink.error_count() == 3);
  CHECK(c->program == nullptr);
}

TEST_CASE("gather forms have the types of their elements") {
  auto c = check_text(R"(
cpu task sq(n: int) -> int { return n * n }
io task nap() { sleep(1ms) }
flow main() {
    let (a, b) = gather(sq(1), sq(2))
    let all = gather sq(x) for x in 0..10 limit 4
    let settled = gather settle sq(x) for x in [1, 2]
    gather(nap(), nap())
    print(a + b, len(all), settled[0].ok)
})");
  INFO(c->errors());
  REQUIRE(c->program);
  const ir::Task& main = c->task("main");
  auto type_of = [&](std::string_view name) {
    for (const ir::Local& local : main.locals) {
      if (local.name == name) return ir::type_name(local.type);
    }
    return std::string("?");
  };
  CHECK(type_of("a") == "int");
  CHECK(type_of("all") == "list[int]");
  CHECK(type_of("settled") == "list[result[int]]");
}

TEST_CASE("doc comments: the lines above a flow, and a parameter's line's end") {
  using taskc::check::comment_above;
  using taskc::check::comment_after;
  std::string text =
      "const X = 1\n"
      "\n"
      "// Greets people.\n"
      "//   Twice.\n"
      "flow main(name: str,   // who\n"
      "          times: int = 1, // how often: \"//\" too\n"
      "          a: int = 2, b: int = 3) // not a's\n"
      "{ }\n";
  REQUIRE(comment_above(text, text.find("flow")) == "Greets people.\nTwice.");
  CHECK(comment_above(text, text.find("const")).empty());
  CHECK(comment_above(text, text.find("// Greets")).empty());  // a blank line above it
  CHECK(comment_after(text, text.find("str") + 3) == "who");
  CHECK(comment_after(text, text.find("int = 1") + 7) == "how often: \"//\" too");
  CHECK(comment_after(text, text.find("= 2") + 3).empty());
  CHECK(comment_after(text, text.find("= 3") + 3).empty());  // a `)` between
  CHECK(comment_after(text, text.size()).empty());
}
