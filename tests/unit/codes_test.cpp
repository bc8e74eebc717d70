#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "compiler/diag/diagnostic.h"

using namespace wfc::diag;

TEST_CASE("every code is registered in enum order with a unique id and name", "[codes]") {
  std::set<std::string_view> ids, names;
  size_t index = 0;
  for (const auto& c : all_codes()) {
    CHECK(static_cast<size_t>(c.code) == index++);
    CHECK(ids.insert(c.id).second);
    CHECK(names.insert(c.name).second);
    CHECK(c.id.size() == 5);
    CHECK(c.id.substr(0, 2) == "WF");
    CHECK_FALSE(c.summary.empty());
    CHECK_FALSE(c.explain.empty());
    CHECK(parse_code(c.id) == c.code);
    CHECK(parse_code(c.name) == c.code);
  }
  CHECK_FALSE(parse_code("WF999").has_value());
}
