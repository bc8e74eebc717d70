// The API's endpoints over HTTP against the real `wfc serve` (no workers, so runs stay queued):
// automations, runs, tasks, events, health, metrics, and an OpenAPI document that lists exactly
// the routes served.
#include <catch2/catch.hpp>
#include <cstring>
#include <set>

#include "runtime/model/ids.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_store.h"

namespace {

using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

}  // namespace

TEST_CASE("automations: create, list, get, update, run, delete", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto made = api.post("/automations", wfc::test::small_automation());
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  CHECK(wfc::model::is_id(id, "auto"));
  CHECK(made.body["object"] == "automation");
  CHECK(made.body["status"] == "active");
  CHECK(made.body["workflow"][0]["kind"] == "video");
  CHECK(made.body["created_at"].is_number_integer());

  auto list = api.get("/automations");
  REQUIRE(list.status == 200);
  CHECK(list.body["object"] == "list");
  CHECK(list.body["has_more"] == false);
  REQUIRE(list.body["data"].size() == 1);
  CHECK(list.body["data"][0]["id"] == id);
  CHECK(api.get("/automations/" + id).body["name"] == "renditions");

  auto patched = api.request("PATCH", "/automations/" + id, R"({"description": "changed"})");
  REQUIRE(patched.status == 200);
  CHECK(patched.body["description"] == "changed");
  CHECK(patched.body["name"] == "renditions");

  auto run = api.post("/automations/" + id + "/run",
                      {{"url", "https://example.com/in.mp4"}, {"metadata", {{"user", "u1"}}}});
  REQUIRE(run.status == 201);
  CHECK(run.body["object"] == "run");
  CHECK(run.body["status"] == "queued");
  CHECK(run.body["automation_id"] == id);
  CHECK(run.body["metadata"]["user"] == "u1");
  REQUIRE(run.body["tasks"].size() == 1);
  CHECK(run.body["tasks"][0]["kind"] == "video");

  // Paused: 409, and the filter finds it.
  REQUIRE(api.request("PATCH", "/automations/" + id, R"({"status": "paused"})").status == 200);
  auto refused = api.post("/automations/" + id + "/run", {{"url", "https://example.com/in.mp4"}});
  CHECK(refused.status == 409);
  CHECK(refused.body["kind"] == "automation_paused");
  CHECK(api.get("/automations?status=paused").body["data"].size() == 1);
  CHECK(api.get("/automations?status=active").body["data"].empty());

  auto gone = api.request("DELETE", "/automations/" + id);
  CHECK(gone.status == 200);
  CHECK(gone.body["deleted"] == true);
  CHECK(api.get("/automations/" + id).status == 404);
}

TEST_CASE("runs: create with an explicit ingest, get with tasks, list, cancel", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  json body = json::parse(R"({
    "tasks": [{"kind": "ingest", "options": {"url": "https://example.com/v.mp4"},
               "next": [{"kind": "video", "options": {"width": 320, "format": "mp4"}},
                        {"kind": "conditions", "options": {"kind": {"eq": "video"}},
                         "next": [{"kind": "image", "options": {"format": "png"}}]}]}],
    "metadata": {"batch": 7}})");
  auto made = api.post("/runs", body);
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  CHECK(wfc::model::is_id(id, "run"));
  CHECK(made.body["input"] == "https://example.com/v.mp4");
  CHECK(wfc::model::is_id(made.body["created_by"].get<std::string>(), "key"));
  std::set<std::string> kinds;
  for (const json& t : made.body["tasks"]) kinds.insert(t["kind"]);
  CHECK(kinds == std::set<std::string>{"ingest", "video", "conditions", "image"});

  auto got = api.get("/runs/" + id);
  REQUIRE(got.status == 200);
  CHECK(got.body["tasks"].size() == 4);
  CHECK(got.body["metadata"]["batch"] == 7);

  auto list = api.get("/runs?status=queued");
  REQUIRE(list.status == 200);
  REQUIRE(list.body["data"].size() == 1);
  CHECK(list.body["data"][0]["id"] == id);

  auto cancelled = api.post("/runs/" + id + "/cancel", json::object());
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.body["status"] == "cancelled");
  CHECK(api.get("/runs?status=queued").body["data"].empty());
  CHECK(api.get("/runs/" + id).body["status"] == "cancelled");
}

TEST_CASE("tasks: one task on a URL makes a run; lists filter by status, kind and run_id",
          "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto made = api.post(
      "/tasks",
      {{"url", "https://example.com/v.mp4"}, {"kind", "image"}, {"options", {{"format", "png"}}}});
  REQUIRE(made.status == 201);
  CHECK(made.body["object"] == "task");
  CHECK(made.body["kind"] == "image");
  std::string task = made.body["id"], run = made.body["run_id"];
  CHECK(wfc::model::is_id(task, "task"));
  CHECK(api.get("/runs/" + run).body["input"] == "https://example.com/v.mp4");
  CHECK(api.get("/tasks/" + task).body["options"]["format"] == "png");
  REQUIRE(api.post("/tasks", {{"url", "https://example.com/a.mp4"}, {"kind", "audio"}}).status ==
          201);

  CHECK(api.get("/tasks").body["data"].size() == 2);
  auto images = api.get("/tasks?kind=image");
  REQUIRE(images.body["data"].size() == 1);
  CHECK(images.body["data"][0]["id"] == task);
  CHECK(api.get("/tasks?run_id=" + run).body["data"].size() == 1);
  CHECK(api.get("/tasks?status=queued").body["data"].size() == 2);
  CHECK(api.get("/tasks?status=succeeded").body["data"].empty());
}

TEST_CASE("events list run.created; Idempotency-Key returns the first run with 200", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  httplib::Headers key = {{"Idempotency-Key", "order-1"}};
  auto first = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, key);
  auto again = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, key);
  REQUIRE(first.status == 201);
  CHECK(again.status == 200);
  CHECK(again.body["id"] == first.body["id"]);
  CHECK(api.get("/runs").body["data"].size() == 1);

  auto events = api.get("/events");
  REQUIRE(events.status == 200);
  REQUIRE(events.body["data"].size() == 1);
  CHECK(events.body["data"][0]["kind"] == "run.created");
  CHECK(events.body["data"][0]["object"] == "event");
  CHECK(events.body["data"][0]["data"]["id"] == first.body["id"]);
  CHECK(api.get("/events?kind=run.created").body["data"].size() == 1);
  CHECK(api.get("/events?kind=run.failed").body["data"].empty());
}

TEST_CASE("healthz, metrics and openapi.json need no key", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  REQUIRE(api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}).status ==
          201);

  auto health = api.get("/healthz", nullptr);
  CHECK(health.status == 200);
  CHECK(health.body["status"] == "ok");

  auto metrics = api.get("/metrics", nullptr);
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("Content-Type").rfind("text/plain", 0) == 0);
  CHECK_THAT(metrics.text, Catch::Contains("wfc_runs{status=\"queued\"} 1"));
  CHECK_THAT(metrics.text, Catch::Contains("wfc_tasks{status=\"queued\"} 1"));
  CHECK_THAT(metrics.text, Catch::Contains("wfc_queue_depth 1"));
  CHECK_THAT(metrics.text, Catch::Contains("# TYPE wfc_task_duration_seconds histogram"));
}

TEST_CASE("openapi.json lists exactly the routes served", "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto doc = api.get("/openapi.json", nullptr);
  REQUIRE(doc.status == 200);
  CHECK(doc.body["openapi"] == "3.1.0");
  std::set<std::string> listed;
  for (const auto& [path, ops] : doc.body["paths"].items()) {
    for (const auto& [method, op] : ops.items()) listed.insert(method + " " + path);
  }
  const std::set<std::string> served = {"post /automations",
                                        "get /automations",
                                        "get /automations/{id}",
                                        "patch /automations/{id}",
                                        "delete /automations/{id}",
                                        "post /automations/{id}/run",
                                        "post /runs",
                                        "get /runs",
                                        "get /runs/{id}",
                                        "post /runs/{id}/cancel",
                                        "post /tasks",
                                        "get /tasks",
                                        "get /tasks/{id}",
                                        "get /events",
                                        "get /files",
                                        "get /files/{id}",
                                        "delete /files/{id}",
                                        "post /files/{id}/url",
                                        "get /files/signed/{token}/{run_id}/{path}",
                                        "get /files/{run_id}/{path}",
                                        "post /keys",
                                        "get /keys",
                                        "get /keys/{id}",
                                        "delete /keys/{id}",
                                        "post /connections",
                                        "get /connections",
                                        "get /connections/{id}",
                                        "patch /connections/{id}",
                                        "delete /connections/{id}",
                                        "get /healthz",
                                        "get /metrics",
                                        "get /openapi.json",
                                        "get /events/stream",
                                        "get /ui/",
                                        "get /ui/sign-in",
                                        "post /ui/sign-in",
                                        "post /ui/sign-out",
                                        "get /ui/assets/app.css",
                                        "get /ui/assets/{name}",
                                        "get /ui/automations",
                                        "get /ui/automations/{id}",
                                        "post /ui/automations/{id}/run",
                                        "get /ui/runs",
                                        "get /ui/runs/{id}",
                                        "post /ui/runs/{id}/cancel",
                                        "post /ui/runs/{id}/rerun"};
  CHECK(listed == served);
  // Each listed route is routed (never 404 not_found for its path), and another method on it
  // is a 405 naming the listed one in Allow.
  for (const std::string& route : listed) {
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    for (auto [from, to] :
         {std::pair("{id}", "x"), std::pair("{run_id}", "x"), std::pair("{path}", "y"),
          std::pair("{token}", "t"), std::pair("{name}", "app.js")}) {
      if (auto at = path.find(from); at != std::string::npos) path.replace(at, strlen(from), to);
    }
    std::string upper = method;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    wfc::test::Answer hit;
    if (path == "/events/stream") {
      // A stream never ends: its first record says it is served.
      httplib::Client c = api.client();
      c.Get(path.c_str(), {{"Authorization", std::string("Bearer ") + wfc::test::kApiKey}},
            [&](const char* d, size_t n) {
              hit.text.append(d, n);
              return hit.text.find("\n\n") == std::string::npos;
            });
      hit.status = 200;
      CHECK_THAT(hit.text, Catch::Contains("event: ready"));
    } else {
      hit = api.request(upper, path, upper == "GET" || upper == "DELETE" ? "" : "{}");
    }
    INFO(route << " → " << hit.status << " " << hit.text);
    CHECK((hit.body.is_object() ? hit.body.value("kind", "") : "") != "not_found");
    CHECK(hit.status != 405);
    auto wrong = api.request("PUT", path, "{}");
    CHECK(wrong.status == 405);
    CHECK_THAT(wrong.header("Allow"), Catch::Contains(upper));
  }
}

TEST_CASE(
    "an automation whose stored plan an older wfc made still runs: its workflow is compiled "
    "again",
    "[api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto made = api.post("/automations", wfc::test::small_automation());
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  // The plan as a wfc of plan_version 1 stored it: this wfc refuses to read it.
  std::string db = (dir.path() / "data" / "wfc.db").string();
  wfc::test::sqlite_scalar(
      db,
      ("UPDATE automations SET plan = json_set(plan, '$.plan_version', 1) WHERE id = '" + id + "'")
          .c_str());
  const char* version = "SELECT json_extract(plan, '$.plan_version') FROM automations";
  REQUIRE(wfc::test::sqlite_scalar(db, version) == "1");
  auto run = api.post("/automations/" + id + "/run", {{"url", "https://example.com/in.mp4"}});
  REQUIRE(run.status == 201);
  REQUIRE(run.body["tasks"].size() == 1);
  CHECK(run.body["tasks"][0]["kind"] == "video");
  CHECK(wfc::test::sqlite_scalar(db, version) == "2");  // kept for the next runs
}

TEST_CASE(
    "a trigger runs the automation's current plan: a changed workflow is compiled into the next "
    "run, and GET /runs/{id} shows the run as its creation did",
    "[api][trigger_cache]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto made = api.post("/automations", wfc::test::small_automation());
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  auto first = api.post("/automations/" + id + "/run", {{"url", "https://example.com/in.mp4"}});
  REQUIRE(first.status == 201);
  REQUIRE(first.body["tasks"].size() == 1);
  CHECK(first.body["tasks"][0]["options"]["width"] == 160);

  // The creation answer and the read agree (the read is rendered from the stored text).
  auto read = api.get("/runs/" + first.body["id"].get<std::string>());
  REQUIRE(read.status == 200);
  CHECK(read.body == first.body);

  auto patched =
      api.request("PATCH", "/automations/" + id,
                  R"({"workflow": [{"kind": "video", "options": {"width": 320, "format": "mp4"}},
                       {"kind": "image", "options": {"width": 100, "format": "jpeg"}}]})");
  REQUIRE(patched.status == 200);
  auto second = api.post("/automations/" + id + "/run", {{"url", "https://example.com/in.mp4"}});
  REQUIRE(second.status == 201);
  REQUIRE(second.body["tasks"].size() == 2);
  CHECK(second.body["tasks"][0]["options"]["width"] == 320);
  CHECK(second.body["tasks"][1]["kind"] == "image");
  CHECK(api.get("/runs/" + second.body["id"].get<std::string>()).body == second.body);
}
