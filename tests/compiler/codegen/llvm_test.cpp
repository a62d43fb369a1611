// The LLVM backend: which programs it lowers (a regression would otherwise
// only turn golden runs from passed into skipped), what it says about the
// ones it does not, and that its module is valid and names what it calls.
// Whole programs are built and run by the golden tests under both backends.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "compiler/codegen/llvm/emit_llvm.hpp"
#include "tests/compiler/check/check_helpers.hpp"

using namespace taskc;

namespace {

std::string file_text(const std::string& path) {
  const char* root = std::getenv("TASKC_SOURCE_DIR");
  std::ifstream in(std::string(root != nullptr ? root : ".") + "/" + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

codegen::LlvmLowering lower(const std::string& program) {
  auto checked = testing::check_text(program);
  INFO(checked->errors());
  REQUIRE(checked->program);
  codegen::LlvmOptions options;
  options.name = "t";
  return codegen::lower_to_llvm(*checked->program, checked->sources, options);
}

}  // namespace

TEST_CASE("the benchmark and example programs of the time-to-first-output targets lower") {
  for (const char* path : {"bench/hello.task", "examples/report.task", "examples/pipeline.task", "bench/skynet.task",
                           "bench/sleep_million.task", "bench/tiny_tasks.task", "examples/squares.task"}) {
    INFO(path);
    codegen::LlvmLowering lowered = lower(file_text(path));
    CHECK(lowered.unsupported.empty());
    REQUIRE(lowered.module);
    std::string ir = lowered.module->text();
    // Every body is a coroutine LLVM 14's CoroSplit will lower.
    CHECK(ir.find("\"coroutine.presplit\"=\"0\"") != std::string::npos);
    CHECK(ir.find("define i32 @main(") != std::string::npos);
  }
}

TEST_CASE("what the backend does not lower yet is named with its place, and nothing is built") {
  codegen::LlvmLowering lowered = lower(R"(
shared seen: list[int] = []
io task one(i: int) -> int {
    return i
}
io task first() {
    with seen {
        seen = gather one(one(i)) for i in 0..3
    }
}
flow main() {
    first()
}
)");
  CHECK_FALSE(lowered.module);
  CHECK(lowered.unsupported.find("a gather inside a `with` block") != std::string::npos);
  CHECK(lowered.unsupported.find(":8") != std::string::npos);
}

TEST_CASE("runtime functions come from lowered_abi.def with their types") {
  codegen::LlvmLowering lowered = lower(R"(
flow main() {
    let xs = [1, 2, 3]
    print("{len(xs)} {xs}")
}
)");
  REQUIRE(lowered.module);
  std::string ir = lowered.module->text();
  CHECK(ir.find("declare i8* @trt_list_new(i8*, i64)") != std::string::npos);
  CHECK(ir.find("declare void @trt_text_value(i8*, i8*, i64)") != std::string::npos);
  // A bool crosses the C ABI as a byte of 0 or 1 (the fuzzer's first find).
  CHECK(ir.find("declare zeroext i1 @trt_builtin_sorted(i8*, i8*, i8*, i8*, i8*)") != std::string::npos);
  CHECK(ir.find("declare void @trt_text_bool(i8*, i1 zeroext)") != std::string::npos);
}
