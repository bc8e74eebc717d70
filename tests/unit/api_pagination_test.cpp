// Cursor pagination over HTTP: 250 runs walked forwards (`after`) and backwards (`before`) in
// both orders, by the body's has_more and by the Link header, with no gaps and no repeats.
#include <catch2/catch.hpp>
#include <set>

#include "tests/unit/test_api.h"

namespace {

using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

std::vector<std::string> ids_of(const json& page) {
  std::vector<std::string> out;
  for (const json& r : page["data"]) out.push_back(r["id"]);
  return out;
}

}  // namespace

TEST_CASE("pagination walks 250 runs in both orders with no gaps or repeats", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  std::vector<std::string> created;  // oldest first
  for (int i = 0; i < 250; ++i) {
    auto a = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}});
    REQUIRE(a.status == 201);
    created.push_back(a.body["id"]);
  }
  std::vector<std::string> newest_first(created.rbegin(), created.rend());

  for (std::string order : {"asc", "desc"}) {
    const auto& expected = order == "asc" ? created : newest_first;
    // Forwards with `after`, 7 at a time.
    std::vector<std::string> seen;
    std::string after;
    for (int guard = 0; guard < 100; ++guard) {
      auto page =
          api.get("/runs?limit=7&order=" + order + (after.empty() ? "" : "&after=" + after));
      REQUIRE(page.status == 200);
      auto ids = ids_of(page.body);
      seen.insert(seen.end(), ids.begin(), ids.end());
      CHECK(page.header("Has-More") == (page.body["has_more"] == true ? "true" : "false"));
      if (page.body["has_more"] == false) break;
      CHECK_THAT(page.header("Link"), Catch::Contains("rel=\"next\""));
      after = ids.back();
    }
    CHECK(seen == expected);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 250);

    // Backwards with `before` from the end: pages stay in `order`, prepended.
    std::vector<std::string> back;
    std::string before = expected.back();
    back.push_back(before);
    for (int guard = 0; guard < 100; ++guard) {
      auto page = api.get("/runs?limit=30&order=" + order + "&before=" + before);
      REQUIRE(page.status == 200);
      auto ids = ids_of(page.body);
      back.insert(back.begin(), ids.begin(), ids.end());
      if (page.body["has_more"] == false) break;
      before = ids.front();
    }
    CHECK(back == expected);
  }

  // The default page: 20, newest first.
  auto first = api.get("/runs");
  CHECK(first.body["data"].size() == 20);
  CHECK(first.body["data"][0]["id"] == created.back());
  CHECK(first.body["has_more"] == true);
}
