// The C++ backend's lowering of each expression kind and of the statements
// whose shape matters (name hygiene, scopes, loops), checked on the text it
// emits. Whole programs are built and run by the golden tests; these pin down
// the lowering rule by rule, and say which rule broke.
#include <catch2/catch.hpp>

#include "compiler/codegen/cpp/emit_cpp.hpp"
#include "taskrt/version.hpp"
#include "tests/compiler/check/check_helpers.hpp"

using namespace taskc;

namespace {

// The generated source file for `program`, without #line directives.
std::string lower(const std::string& program) {
  auto checked = testing::check_text(program);
  INFO(checked->errors());
  REQUIRE(checked->program);
  codegen::CppOptions options;
  options.name = "t";
  options.executable = false;
  options.line_directives = false;
  codegen::CppCode code = codegen::emit_cpp(*checked->program, checked->sources, options);
  return code.header + code.source;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("literals: typed ints, exact floats, escaped strings, chrono durations") {
  std::string cpp = lower(R"(
cpu task f() -> str {
    let i = 9223372036854775807
    let x = 0.1
    let d = 90s
    let e = 1500ms
    let s = "a\"b\n"
    return s
})");
  CHECK(has(cpp, "std::int64_t i = std::int64_t{9223372036854775807};"));
  CHECK(has(cpp, "double x = 0.1;"));
  CHECK(has(cpp, "taskrt::Duration d = 90s;"));
  CHECK(has(cpp, "taskrt::Duration e = 1500ms;"));
  CHECK(has(cpp, R"(std::string s = std::string("a\"b\n");)"));
}

TEST_CASE("arithmetic on ints and durations is checked, floats and strings are plain") {
  std::string cpp = lower(R"(
cpu task f(a: int, b: int, x: float, d: duration, s: str) -> str {
    let i = a + b * a - b / a % b
    let y = x * 2.0 + x
    let e = d + d - d * 2
    let n = -a
    let m = -d
    return s + "!"
})");
  CHECK(has(cpp, "taskrt::checked_add(a, taskrt::checked_mul(b, a))"));
  CHECK(has(cpp, "taskrt::checked_mod(taskrt::checked_div(b, a), b)"));
  CHECK(has(cpp, "((x * 2.0) + x)"));
  CHECK(has(cpp, "taskrt::checked_sub(taskrt::checked_add(d, d), taskrt::scale(d, std::int64_t{2}))"));
  CHECK(has(cpp, "taskrt::checked_neg(a)"));
  CHECK(has(cpp, "taskrt::checked_neg(d)"));
  CHECK(has(cpp, R"((s + std::string("!")))"));
}

TEST_CASE("fields, tuple elements, result parts, indexing and optionals") {
  std::string cpp = lower(R"(
type Point { x: int, Point: int }
cpu task one(n: int) -> int { return n }
io task f(p: Point, xs: list[int], m: map[str, int], o: int?) -> int {
    let t = (1, "a")
    let rs = gather settle one(n) for n in xs
    let ok = rs[0].ok
    let why = rs[0].error
    if o != none { return o + t.0 + p.x + p.Point + xs[0] + m["k"] }
    return 0
})");
  CHECK(has(cpp, "std::get<0>(t)"));
  CHECK(has(cpp, "taskrt::at(rs, std::int64_t{0}).ok()"));
  CHECK(has(cpp, "taskrt::at(rs, std::int64_t{0}).error_message()"));
  CHECK(has(cpp, "taskrt::unwrap(o)"));
  CHECK(has(cpp, "p.x"));
  // A member cannot be named like its class.
  CHECK(has(cpp, "p.Point_u"));
  CHECK(has(cpp, "std::int64_t Point_u{};"));
  CHECK(has(cpp, R"(taskrt::at(m, std::string("k")))"));
}

TEST_CASE("only `m[k] = v` inserts, a compound assignment reads the entry") {
  std::string cpp = lower(R"(
cpu task f(m: map[str, int]) -> int {
    m["a"] = 1
    m["a"] += 2
    return m["a"]
})");
  CHECK(has(cpp, R"(taskrt::slot(m, std::string("a")) = std::int64_t{1};)"));
  CHECK(has(cpp, R"(auto& place_1_ = taskrt::at(m, std::string("a"));)"));
}

TEST_CASE("calls: tasks and suspending builtins are awaited, pure builtins are not") {
  std::string cpp = lower(R"(
cpu task one(n: int) -> int { return n }
io task f(ch: channel[int]) -> int {
    sleep(1ms)
    send(ch, 1)
    let v = recv(ch)
    close(ch)
    let s = str(len("abc"))
    return one(2)
})");
  CHECK(has(cpp, "(co_await taskrt::sleep(1ms));"));
  // Each wait names itself for a deadlock report: task, wait, line.
  CHECK(has(cpp, R"x((co_await ch.send(std::int64_t{1}, "task f: send on channel `ch` (t.task:5)"));)x"));
  CHECK(has(cpp, R"x((co_await ch.recv("task f: receive on channel `ch` (t.task:6)")))x"));
  CHECK(has(cpp, "ch.close();"));
  CHECK(has(cpp, R"(taskrt::to_str(taskrt::len(std::string("abc"))))"));
  CHECK(has(cpp, "co_return (co_await one(std::int64_t{2}));"));
}

TEST_CASE("concurrent forms: gather, gather-for with a tuple pattern, race, timeout else, try else") {
  std::string cpp = lower(R"(
io task show(s: str, n: int) -> int { return n }
io task f(pairs: list[(str, int)]) -> int {
    let (a, b) = gather(show("x", 1), show("y", 2))
    let xs = gather show(s, n) for (s, n) in pairs limit 2
    let w = race(show("a", 1), show("b", 2))
    let t = show("c", 3) timeout 1s else 0
    let u = try show("d", 4) else -1
    return a + b + w + t + u + len(xs)
})");
  CHECK(
      has(cpp, "taskrt::gather(show(std::string(\"x\"), std::int64_t{1}), show(std::string(\"y\"), std::int64_t{2}))"));
  CHECK(has(cpp,
            "= [&](std::tuple<std::string, std::int64_t> entry_) {\n"
            "      auto s = std::get<0>(entry_);\n"
            "      auto n = std::get<1>(entry_);\n"
            "      return show(s, n);\n"
            "    };"));
  CHECK(has(cpp, "taskrt::gather_each(pairs, each_"));
  CHECK(has(cpp, "taskrt::race("));
  CHECK(has(cpp, "taskrt::timeout_else(1s, "));
  CHECK(has(cpp, "taskrt::try_else("));
}

TEST_CASE("the right side of and/or never runs early") {
  std::string cpp = lower(R"(
io task check(n: int) -> bool { return n > 0 }
io task f(n: int) -> bool {
    return n > 0 and check(n)
})");
  CHECK(has(cpp, "co_return ((n > std::int64_t{0}) && (co_await check(n)));"));
}

TEST_CASE("generated names end in `_`, user names that C++ would misread get `_u`, shadowing gets `_s<N>_`") {
  std::string cpp = lower(R"(
const NAN = 1
cpu task f(errno: int, n: int) -> int {
    let end_2 = 5
    let class = 0
    let s = 0
    for i in 0..n {
        let i = i * 2
        s += i + end_2 + class + NAN + errno
    }
    return s
})");
  CHECK(has(cpp, "inline constexpr std::int64_t NAN_u = std::int64_t{1};"));
  CHECK(has(cpp, "f(std::int64_t errno_u, std::int64_t n)"));
  CHECK(has(cpp, "std::int64_t end_2 = std::int64_t{5};"));
  CHECK(has(cpp, "std::int64_t class_u = std::int64_t{0};"));
  CHECK(has(cpp, "for (std::int64_t i : taskrt::IntRange(std::int64_t{0}, n)) {"));
  CHECK(has(cpp, "std::int64_t i_s1_ = taskrt::checked_mul(i, std::int64_t{2});"));
  CHECK(has(cpp, "const taskrt::StopToken& stop_1_ = "));
}

TEST_CASE("a catch without kinds catches every kind but Cancelled, kinds are named, not numbered") {
  std::string cpp = lower(R"(
io task f() -> int {
    try { fail "x" } catch Timeout, IoError { return 1 } catch e { return 2 }
    return 0
})");
  CHECK(has(cpp, "taskrt::kind_bit(taskrt::ErrorKind::kTimeout) | taskrt::kind_bit(taskrt::ErrorKind::kIoError)"));
  CHECK(has(cpp, "taskrt::error_matches(error_1_, taskrt::kAnyButCancelled)"));
}

TEST_CASE("the header checks the ABI of the runtime taskc was built with, and declares only the records used") {
  std::string cpp = lower(R"(
io task f() -> int { return 1 })");
  CHECK(has(cpp, "static_assert(TASKRT_ABI_VERSION == " + std::to_string(TASKRT_ABI_VERSION) + ","));
  CHECK_FALSE(has(cpp, "struct Error"));
  CHECK_FALSE(has(cpp, "HttpResponse"));
  std::string with_error = lower(R"(
io task g() -> int {
    try { fail "x" } catch e { return len(e.message) }
    return 0
})");
  CHECK(has(with_error, "struct Error {"));
  CHECK_FALSE(has(with_error, "ExecResult"));
}

TEST_CASE("the remaining kinds: bool, none, interpolation, shared, channels, ranges, collections, conversions") {
  std::string cpp = lower(R"(
shared total: int = 0
type Pair { a: int, b: str }
io task f(n: int) -> float {
    let yes = true
    let o: int? = none
    let w: int? = n
    let s = "n={n}"
    let t = total
    let ch = channel[int](4)
    let r = 1..=3
    let xs = [1, 2]
    let m = {"k": 1}
    let p = Pair { a: 1, b: "x" }
    let tup = (1, "y")
    return n + 0.5
})");
  CHECK(has(cpp, "bool yes = true;"));
  CHECK(has(cpp, "std::optional<std::int64_t> o = std::optional<std::int64_t>{};"));
  CHECK(has(cpp, "std::optional<std::int64_t> w = std::optional<std::int64_t>(n);"));
  CHECK(has(cpp, R"(taskrt::interpolate(std::string("n="), n))"));
  CHECK(has(cpp, "std::int64_t t = total.load();"));
  CHECK(has(cpp, "taskrt::Channel<std::int64_t>(taskrt::channel_capacity(std::int64_t{4}))"));
  CHECK(has(cpp, "taskrt::range_inclusive(std::int64_t{1}, std::int64_t{3})"));
  CHECK(has(cpp, "taskrt::make_list<std::int64_t>(std::int64_t{1}, std::int64_t{2})"));
  CHECK(has(cpp, R"(taskrt::make_map<std::string, std::int64_t>(std::string("k"), std::int64_t{1}))"));
  CHECK(has(cpp, R"(Pair{std::int64_t{1}, std::string("x")})"));
  CHECK(has(cpp, R"(std::tuple<std::int64_t, std::string>{std::int64_t{1}, std::string("y")})"));
  CHECK(has(cpp, "(static_cast<double>(n) + 0.5)"));
}
