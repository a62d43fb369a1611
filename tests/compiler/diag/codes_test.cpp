#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "compiler/diag/codes.hpp"

using namespace taskc::diag;

TEST_CASE("every code has a unique id, a title and an explanation") {
  std::set<std::string_view> ids;
  for (const CodeInfo& entry : all_codes()) {
    INFO(entry.id);
    CHECK(ids.insert(entry.id).second);
    CHECK(entry.id == "E" + std::string(4 - std::to_string(static_cast<int>(entry.code)).size(), '0') +
                          std::to_string(static_cast<int>(entry.code)));
    CHECK(!entry.title.empty());
    CHECK(entry.explanation.size() > 40);
    CHECK(&info(entry.code) == &entry);
  }
}

TEST_CASE("find_code accepts several spellings and rejects unknown codes") {
  REQUIRE(find_code("E0001") != nullptr);
  CHECK(find_code("E0001")->code == Code::kSyntaxError);
  CHECK(find_code("e0002")->code == Code::kUnterminatedString);
  CHECK(find_code("3")->code == Code::kUnknownCharacter);
  CHECK(find_code("E9999") == nullptr);
  CHECK(find_code("Ex") == nullptr);
  CHECK(find_code("") == nullptr);
  CHECK(find_code("E123456789") == nullptr);
}
