// Automations from git, through the real `wfc serve`: the files of --workflows become automations
// with stable ids (invalid ones reported and skipped, the server up all the same) and SIGHUP
// reloads them; `wfc deploy` syncs a directory to a running server through the API and prints
// the diff; and a run's events reach its automation's webhook, signed.
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "runtime/webhooks/delivery.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

constexpr const char* kFlowA = R"({"name": "Alpha", "workflow": [
  {"kind": "video", "options": {"width": 160}}]})";
constexpr const char* kFlowB = R"(automation beta "Beta" {
  image(width: 80, format: "png")
}
)";
constexpr const char* kFlowC = R"(name: Gamma
workflow:
  - kind: audio
    options: {format: mp3}
)";

// Name → automation, as GET /automations lists them.
std::map<std::string, json> by_name(const ApiServer& api) {
  auto a = api.get("/automations?limit=100");
  REQUIRE(a.status == 200);
  std::map<std::string, json> out;
  for (const json& x : a.body["data"]) out[x["name"]] = x;
  return out;
}

// Polls until the server lists `n` automations (a reload is asynchronous to the caller).
std::map<std::string, json> wait_for(const ApiServer& api, size_t n) {
  std::map<std::string, json> got;
  for (int i = 0; i < 200; ++i) {
    got = by_name(api);
    if (got.size() == n) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the server lists " << got.size() << " automations, not " << n << "\n" << api.log());
  return got;
}

}  // namespace

TEST_CASE("wfc serve --workflows: files are automations with stable ids; SIGHUP reloads",
          "[api][git]") {
  TempDir dir;
  dir.write("flows/a.json", kFlowA);
  dir.write("flows/nested/b.wf", kFlowB);
  dir.write("flows/broken.json", R"({"name": "Broken", "workflow": [{"kind": "vidoe"}]})");
  std::string flows = (dir.path() / "flows").string();
  std::map<std::string, json> first;
  {
    ApiServer api(dir, {"--workflows", flows, "--workers", "0"});
    first = wait_for(api, 2);
    REQUIRE(first.count("Alpha"));
    REQUIRE(first.count("Beta"));
    CHECK(first["Alpha"]["source"] == "a.json");
    CHECK(first["Beta"]["source"] == "nested/b.wf");
    // The broken file is reported with its diagnostic, and skipped.
    CHECK_THAT(api.log(),
               Catch::Contains("broken.json") && Catch::Contains("unknown kind 'vidoe'"));
    // An automation from a file runs like any other.
    std::string id = first["Alpha"]["id"];
    CHECK(api.post("/automations/" + id + "/run", {{"url", "https://example.com/in.mp4"}}).status ==
          201);

    // A new file and a removed one, then SIGHUP.
    dir.write("flows/c.yaml", kFlowC);
    fs::remove(dir.path() / "flows" / "a.json");
    api.hup();
    std::map<std::string, json> now;
    for (int i = 0; i < 200; ++i) {
      now = by_name(api);
      if (now.count("Gamma") && !now.count("Alpha")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(now.count("Gamma"));
    CHECK_FALSE(now.count("Alpha"));
    CHECK(now["Beta"]["id"] == first["Beta"]["id"]);
  }
  // The same files on another server (a new database): the same ids.
  TempDir other;
  ApiServer again(other, {"--workflows", flows, "--workers", "0"});
  auto second = wait_for(again, 2);
  CHECK(second["Beta"]["id"] == first["Beta"]["id"]);
  CHECK(second.count("Gamma"));
}

TEST_CASE("wfc deploy syncs a directory to a running server and prints the diff", "[api][git]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  dir.write("flows/a.json", kFlowA);
  dir.write("flows/b.wf", kFlowB);
  // An automation made over the API is never deleted by a deploy.
  REQUIRE(api.post("/automations", wfc::test::small_automation("by hand")).status == 201);
  std::vector<std::string> deploy = {"deploy",      "flows", "--server",
                                     api.address(), "--key", wfc::test::kApiKey};
  auto dry = deploy;
  dry.push_back("--dry-run");

  auto plan = wfc::test::run_wfc(dir, dry);
  INFO(plan.out << plan.err);
  CHECK(plan.status == 0);
  CHECK_THAT(plan.out, Catch::Contains("+ ") && Catch::Contains("a.json"));
  CHECK(by_name(api).size() == 1);  // a dry run changes nothing

  auto applied = wfc::test::run_wfc(dir, deploy);
  INFO(applied.out << applied.err);
  CHECK(applied.status == 0);
  auto after = by_name(api);
  REQUIRE(after.size() == 3);
  CHECK(after["Alpha"]["source"] == "a.json");

  auto again = wfc::test::run_wfc(dir, deploy);
  CHECK(again.status == 0);
  CHECK_THAT(again.out, Catch::Contains("= ") && !Catch::Contains("+ "));
  CHECK(by_name(api)["Alpha"]["updated_at"] == after["Alpha"]["updated_at"]);

  dir.write("flows/a.json", R"({"name": "Alpha", "workflow": [
    {"kind": "video", "options": {"width": 320}}]})");
  fs::remove(dir.path() / "flows" / "b.wf");
  auto changed = wfc::test::run_wfc(dir, deploy);
  INFO(changed.out << changed.err);
  CHECK(changed.status == 0);
  CHECK_THAT(changed.out, Catch::Contains("~ ") && Catch::Contains("- "));
  auto last = by_name(api);
  CHECK(last.size() == 2);
  CHECK(last.count("by hand"));
  CHECK(last["Alpha"]["workflow"][0]["options"]["width"] == 320);
  CHECK(last["Alpha"]["id"] == after["Alpha"]["id"]);
}

TEST_CASE("a run's events reach its automation's webhook, signed", "[api][git][media]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  wfc::test::HttpServer input;
  input.server().Get("/in.mp4", [bytes](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  input.start();
  struct Received {
    std::string body, signature, event_id;
  };
  std::mutex mu;
  std::vector<Received> received;
  wfc::test::HttpServer receiver;
  receiver.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    received.push_back({req.body,
                        req.get_header_value(std::string(wfc::webhooks::kSignatureHeader)),
                        req.get_header_value(std::string(wfc::webhooks::kEventIdHeader))});
    res.status = 200;
  });
  receiver.start();

  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1", "--webhook-secret", "s3cret"});
  json automation = wfc::test::small_automation();
  automation["webhook_url"] = receiver.url("/hook");
  auto made = api.post("/automations", automation);
  REQUIRE(made.status == 201);
  auto run = api.post("/automations/" + made.body["id"].get<std::string>() + "/run",
                      {{"url", input.url("/in.mp4")}});
  REQUIRE(run.status == 201);
  std::string run_id = run.body["id"];
  REQUIRE(api.wait_run(run_id)["status"] == "succeeded");

  // run.succeeded arrives (the deliverer polls the store's outbox every second).
  std::optional<Received> done;
  for (int i = 0; i < 300 && !done; ++i) {
    {
      std::lock_guard lock(mu);
      for (const auto& r : received) {
        json e = json::parse(r.body, nullptr, false);
        if (e.is_object() && e["kind"] == "run.succeeded") done = r;
      }
    }
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(api.log());
  REQUIRE(done);
  json event = json::parse(done->body);
  CHECK(event["object"] == "event");
  CHECK(event["data"]["id"] == run_id);
  CHECK(event["data"]["status"] == "succeeded");
  CHECK(done->event_id == event["id"]);
  CHECK(wfc::webhooks::verify_webhook("s3cret", done->signature, done->body));
  CHECK_FALSE(wfc::webhooks::verify_webhook("another secret", done->signature, done->body));
  // The same event is listed at GET /events.
  auto events = api.get("/events?kind=run.succeeded&run_id=" + run_id);
  REQUIRE(events.status == 200);
  bool listed = false;
  for (const json& e : events.body["data"]) listed |= e["id"] == event["id"];
  CHECK(listed);
}
