#include <catch2/catch.hpp>

#include "compiler/ir/ir.hpp"

using namespace taskc::ir;

TEST_CASE("types are interned: equal types are the same object") {
  TypeTable types;
  CHECK(types.list(types.int_type()) == types.list(types.int_type()));
  CHECK(types.map(types.str_type(), types.int_type()) != types.map(types.int_type(), types.int_type()));
  CHECK(types.tuple({types.int_type(), types.str_type()}) == types.tuple({types.int_type(), types.str_type()}));
  // A composite of an error is an error, so one mistake is reported once.
  CHECK(types.list(types.error_type())->is_error());
}

TEST_CASE("types print as they are written") {
  TypeTable types;
  RecordDef page{"Page", {}, {}, RecordOrigin::kProgram};
  CHECK(type_name(types.optional(types.list(types.str_type()))) == "list[str]?");
  CHECK(type_name(types.tuple({types.int_type(), types.record(&page)})) == "(int, Page)");
  CHECK(type_name(types.result(types.channel(types.float_type()))) == "result[channel[float]]");
  CHECK(type_name(types.map(types.str_type(), types.duration_type())) == "map[str, duration]");
}

TEST_CASE("error kinds and builtins are found by name") {
  CHECK(find_error_kind("WorkerCrashed") == ErrorKind::kWorkerCrashed);
  CHECK_FALSE(find_error_kind("Oops").has_value());
  REQUIRE(find_builtin("http_get"));
  CHECK(find_builtin("http_get")->place == BuiltinPlace::kIo);
  CHECK(find_builtin("len")->place == BuiltinPlace::kPure);
  CHECK(find_builtin("print")->place == BuiltinPlace::kEverywhere);
  CHECK(builtin_info(Builtin::kPop).name == "pop");
}
