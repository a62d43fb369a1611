#include <catch2/catch.hpp>

#include "compiler/ast/dump.hpp"
#include "compiler/diag/render.hpp"
#include "compiler/parse/parse.hpp"

using namespace taskc;

namespace {

struct Parsed {
  source::SourceMap sources;
  diag::DiagnosticSink sink;
  ast::Module module;
  std::string errors() const { return diag::render(sink, sources, {diag::Format::kGnu, false}); }
};

std::unique_ptr<Parsed> parse_text(std::string text) {
  auto parsed = std::make_unique<Parsed>();
  const source::SourceFile& file = parsed->sources.add("t.task", std::move(text));
  parsed->module = parse::parse(file, parsed->sink);
  return parsed;
}

// The whole-program example of the language brief, §1.
constexpr const char* kCrawl = R"(// crawl.task
import "wordstats.hpp"
semaphore net = 8
type Page { url: str, status: int, body: str }
io task fetch(url: str) -> Page
    uses net
    timeout 5s
    retry 3 backoff 200ms on Timeout, IoError
{
    let r = http_get(url)
    return Page { url: url, status: r.status, body: r.body }
}
cpu task count_words(text: str) -> int {
    let n = 0
    let inside = false
    for c in bytes(text) {
        let space = c == 32 or c == 10 or c == 9
        if not space and not inside { n += 1 }
        inside = not space
    }
    return n
}
extern cpu task stem(word: str) -> str = "wordstats::stem"
extern io task lookup(key: str) -> str blocking = "kv::get"
cpu task checksum(data: str) -> int in process timeout 2s {
    let h = 7
    for c in bytes(data) { h = (h * 31 + c) % 1000000007 }
    return h
}
flow main(list_file: str) -> int {
    let urls   = read_lines(list_file)
    let pages  = gather fetch(u) for u in urls
    let counts = gather count_words(p.body) for p in pages
    print("{len(pages)} pages, {sum(counts)} words")
    return 0
}
)";

}  // namespace

TEST_CASE("the brief's whole program parses without errors") {
  auto parsed = parse_text(kCrawl);
  INFO(parsed->errors());
  CHECK_FALSE(parsed->sink.has_errors());
  std::vector<std::string> names;
  for (const ast::Item& item : parsed->module.items) names.push_back(item.name);
  CHECK(names == std::vector<std::string>{"wordstats.hpp", "net", "Page", "fetch", "count_words", "stem", "lookup",
                                          "checksum", "main"});
}

TEST_CASE("literals, interpolation with nested strings, and every statement form parse") {
  auto parsed = parse_text(R"(
const LIMIT = 1_000_000
const MASK = 0xff
shared hits: map[str, int] = {}
flow main() {
    let d = 1.5s + 100ns + 5m + 1h + 10ms + 3us
    let f = 2e9 + 1.25
    let (a, b) = gather(one(), two())
    let xs: list[(int, str)?] = []
    let s = "a {join(xs, ",")} b \{ not interpolated }"
    let r = fetch(1) timeout 2s else none
    let t = try fetch(2) else 0
    let w = race(fetch(3), fetch(4))
    let g = gather settle fetch(u) for u in 0..=3 limit 2
    let ch = channel[int](10)
    with hits { hits["x"] += 1 }
    try { fail "boom {a}" } catch Timeout { } catch e { print(e.kind) }
    while a < 3 and not (b in xs) { a += 1; continue }
    for (k, v) in hits { if k == "x" { break } else if v > 2 { } else { } }
    let later = 1 after a, b
    return
}
)");
  INFO(parsed->errors());
  CHECK_FALSE(parsed->sink.has_errors());
  CHECK(parsed->module.items.size() == 4);
}

TEST_CASE("a syntax error is reported in our words, at the token, with recovery") {
  auto parsed = parse_text("io task fetch(url: str) -> {\n}\ntype T { a: int b: int }\nflow main() {}\n");
  CHECK(parsed->sink.error_count() == 2);
  CHECK(parsed->errors() ==
        "t.task:1:28: error[E0001]: expected a type after `->`\n"
        "t.task:3:17: error[E0001]: expected `}` or `,` after `int`\n");
  // Recovery keeps the items after the errors.
  REQUIRE_FALSE(parsed->module.items.empty());
  CHECK(parsed->module.items.back().name == "main");
}

TEST_CASE("unterminated strings and unknown characters have their own codes") {
  auto parsed = parse_text("flow main() {\n  print(\"oops)\n  let x = $5\n}\n");
  std::string errors = parsed->errors();
  CHECK(errors.find("t.task:2:9: error[E0002]: unterminated string") != std::string::npos);
  CHECK(errors.find("t.task:3:11: error[E0003]: unknown character `$`") != std::string::npos);
}

TEST_CASE("arbitrary bytes never crash the parser") {
  std::string noise;
  for (int i = 0; i < 256; ++i) noise.push_back(static_cast<char>(i));
  auto parsed = parse_text(noise + "\xff\xfe flow \x80 main(");
  CHECK(parsed->sink.has_errors());
  auto empty = parse_text("");
  CHECK_FALSE(empty->sink.has_errors());
  CHECK(empty->module.items.empty());
}
