// Bad requests get the seeds' error shape {kind, message} and the right status, and the server
// lives on: malformed JSON (400 with the position), unknown and ill-typed fields (400 naming the
// field), invalid workflows (422 with the compiler's codes at JSON pointers), limits out of
// range, unknown ids (404), oversized bodies (413), wrong methods (405 with Allow), unknown
// paths (404); and auth (401 token_missing / token_invalid, created_by per key).
#include <catch2/catch.hpp>
#include <map>

#include "tests/unit/test_api.h"

namespace {

using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

void check_error(const wfc::test::Answer& a, int status, const std::string& kind) {
  INFO(a.status << " " << a.text);
  CHECK(a.status == status);
  CHECK(a.body.value("kind", "") == kind);
  CHECK(a.body.value("message", "") != "");
}

}  // namespace

TEST_CASE("auth: missing and wrong keys are 401; runs record the key that made them", "[api]") {
  TempDir dir;
  std::string keys =
      dir.write("keys.txt", "# one key per line\n\nwfc_fromthefile0000000000000000000000000000\n");
  ApiServer api(dir, {"--workers", "0", "--keys", keys});
  CHECK(api.get("/runs", "wfc_fromthefile0000000000000000000000000000").status == 200);
  CHECK(api.get("/runs").status == 200);
  check_error(api.get("/runs", nullptr), 401, "token_missing");
  check_error(api.request("GET", "/runs", "", {{"Authorization", "Basic abc"}}, nullptr), 401,
              "token_missing");
  check_error(api.get("/runs", "wfc_not_a_key"), 401, "token_invalid");
  check_error(api.get("/files/run_0000000000000000/a.mp4", nullptr), 401, "token_missing");

  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  auto one = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}});
  auto two = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}});
  auto other = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {},
                        wfc::test::kOtherKey);
  REQUIRE(one.status == 201);
  REQUIRE(other.status == 201);
  std::string by = one.body["created_by"];
  CHECK(by.rfind("key_", 0) == 0);
  CHECK(two.body["created_by"] == by);
  CHECK(other.body["created_by"] != by);
  CHECK(api.get("/runs/" + other.body["id"].get<std::string>()).body["created_by"] ==
        other.body["created_by"]);
}

TEST_CASE("malformed JSON is a 400 that says where", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto a = api.request("POST", "/automations", "{\"name\": \"x\",\n  \"workflow\": [}");
  check_error(a, 400, "request_invalid");
  CHECK_THAT(a.body["message"].get<std::string>(), Catch::Contains("line 2, column 16"));
  CHECK(a.body["line"] == 2);
  CHECK(a.body["column"] == 16);
  check_error(api.request("POST", "/runs", "[1, 2]"), 400, "request_invalid");
  // Nesting that would exhaust a stack is refused, not followed.
  std::string deep =
      R"({"name": "x", "workflow": )" + std::string(200000, '[') + std::string(200000, ']') + "}";
  check_error(api.request("POST", "/automations", deep), 400, "request_invalid");
  CHECK(api.get("/healthz", nullptr).status == 200);
  check_error(api.request("POST", "/tasks", ""), 400, "request_invalid");
}

TEST_CASE("unknown and ill-typed fields are 400s naming the field", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  json bad = wfc::test::small_automation();
  bad["colour"] = "red";
  auto a = api.post("/automations", bad);
  check_error(a, 400, "request_invalid");
  CHECK(a.body["field"] == "colour");
  CHECK_THAT(a.body["message"].get<std::string>(), Catch::Contains("'colour'"));

  auto typed = api.post("/automations", {{"name", 5}, {"workflow", json::array()}});
  check_error(typed, 400, "request_invalid");
  CHECK(typed.body["field"] == "name");

  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  auto typo = api.post("/automations/" + auto_id + "/run", {{"urll", "https://e.com/a.mp4"}});
  check_error(typo, 400, "request_invalid");
  CHECK_THAT(typo.body["message"].get<std::string>(), Catch::Contains("did you mean 'url'"));
  check_error(api.post("/automations/" + auto_id + "/run", json::object()), 400, "url_required");
  check_error(
      api.post("/automations/" + auto_id + "/run", {{"metadata", 3}, {"url", "https://e.com/a"}}),
      400, "request_invalid");
  check_error(api.post("/tasks", {{"kind", "video"}}), 400, "url_required");
  check_error(api.request("PATCH", "/automations/" + auto_id, R"({"status": "asleep"})"), 400,
              "request_invalid");
  check_error(api.get("/runs?colour=red"), 400, "request_invalid");
  check_error(api.get("/runs?status=sleeping"), 400, "request_invalid");
  check_error(api.get("/runs?order=sideways"), 400, "request_invalid");
  check_error(api.get("/runs?after=run_0000000000000000"), 400, "request_invalid");
}

TEST_CASE("an invalid workflow is a 422 with the compiler's codes at JSON pointers", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  json body = wfc::test::small_automation();
  body["workflow"] = json::parse(R"([{"kind": "video", "options": {"width": "big"}},
                                     {"kind": "vidoe"}])");
  auto a = api.post("/automations", body);
  check_error(a, 422, "request_invalid");
  REQUIRE(a.body["diagnostics"].is_array());
  std::map<std::string, std::string> at;  // code → pointer
  for (const json& d : a.body["diagnostics"]) at[d["code"]] = d["pointer"];
  INFO(a.text);
  CHECK(at["WF203"] == "/workflow/0/options/width");
  CHECK(at["WF201"] == "/workflow/1/kind");
  for (const json& d : a.body["diagnostics"]) CHECK(d["message"].get<std::string>() != "");

  auto run = api.post("/runs", json::parse(R"({"tasks": [{"kind": "ingest",
      "options": {"url": "https://e.com/a.mp4"}, "next": [{"kind": "summary",
      "next": [{"kind": "video"}]}]}]})"));
  check_error(run, 422, "request_invalid");
  REQUIRE(!run.body["diagnostics"].empty());
  CHECK(run.body["diagnostics"][0]["pointer"].get<std::string>().rfind("/tasks/0/next/0", 0) == 0);

  auto task = api.post("/tasks", {{"url", "https://e.com/a.mp4"}, {"kind", "vidoe"}});
  check_error(task, 422, "request_invalid");
  CHECK(task.body["diagnostics"][0]["pointer"] == "/kind");
  CHECK(api.get("/automations").body["data"].empty());
}

TEST_CASE("limit out of range, unknown ids, big bodies, wrong methods, unknown paths", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  for (const char* limit : {"0", "101", "-1", "ten", "5x", ""}) {
    auto a = api.get(std::string("/runs?limit=") + limit);
    check_error(a, 400, "request_invalid");
    CHECK(a.body["field"] == "limit");
  }
  CHECK(api.get("/runs?limit=1").status == 200);
  CHECK(api.get("/runs?limit=100").status == 200);

  check_error(api.get("/runs/run_0000000000000000"), 404, "run_not_found");
  check_error(api.post("/runs/run_0000000000000000/cancel", json::object()), 404, "run_not_found");
  check_error(api.get("/tasks/task_0000000000000000"), 404, "task_not_found");
  check_error(api.get("/automations/auto_0000000000000000"), 404, "automation_not_found");
  check_error(api.request("PATCH", "/automations/auto_0000000000000000", "{}"), 404,
              "automation_not_found");
  check_error(api.request("DELETE", "/automations/auto_0000000000000000"), 404,
              "automation_not_found");
  check_error(api.post("/automations/auto_0000000000000000/run", {{"url", "https://e.com/a"}}), 404,
              "automation_not_found");
  check_error(api.get("/files/run_0000000000000000/out.mp4"), 404, "file_not_found");
  check_error(api.get("/files/run_0000000000000000/../../wfc.db"), 404, "file_not_found");

  json big = wfc::test::small_automation();
  big["description"] = std::string(2 << 20, 'x');
  check_error(api.post("/automations", big), 413, "request_too_large");

  auto wrong = api.request("DELETE", "/runs");
  check_error(wrong, 405, "method_not_allowed");
  CHECK_THAT(wrong.header("Allow"), Catch::Contains("GET") && Catch::Contains("POST"));
  check_error(api.request("PUT", "/automations/auto_0000000000000000", "{}"), 405,
              "method_not_allowed");
  check_error(api.get("/nothing/here"), 404, "not_found");
  check_error(api.get("/runs/run_x/extra"), 404, "not_found");
  // Still serving.
  CHECK(api.get("/healthz", nullptr).status == 200);
}
