// Real runs through the API: an input generated with lavfi, served from a loopback HTTP server
// (allowed with --allow-hosts 127.0.0.1), executed by the server's worker to `succeeded`, its
// outputs downloaded at their File objects' `url` (whole and by Range); and a server killed
// with SIGKILL while a run is processing, restarted on the same database and data directory,
// that completes the run with nothing lost.
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

json renditions() {
  return json::parse(R"({"name": "renditions", "workflow": [
      {"kind": "video", "options": {"width": 160, "format": "mp4"}},
      {"kind": "image", "options": {"width": 80, "format": "png"}}]})");
}

// Serves `path`'s bytes at /in.mp4; with `slow_first`, the first request trickles them out so
// that the run is still processing when the test acts.
void serve_input(wfc::test::HttpServer& http, const std::string& bytes,
                 std::shared_ptr<std::atomic<int>> requests, bool slow_first) {
  http.server().Get("/in.mp4", [bytes, requests, slow_first](const httplib::Request&,
                                                             httplib::Response& res) {
    bool slow = slow_first && (*requests)++ == 0;
    res.set_content_provider(bytes.size(), "video/mp4",
                             [bytes, slow](size_t offset, size_t length, httplib::DataSink& sink) {
                               size_t n = std::min<size_t>(length, slow ? 4096 : 1 << 20);
                               if (slow)
                                 std::this_thread::sleep_for(std::chrono::milliseconds(100));
                               return sink.write(bytes.data() + offset, n);
                             });
  });
}

json task_of_kind(const json& run, const std::string& kind) {
  for (const json& t : run["tasks"]) {
    if (t["kind"] == kind) return t;
  }
  FAIL("no " << kind << " task in " << run.dump(2));
  return {};
}

// GET of an output's url (on this server), with an optional Range.
httplib::Result download(const ApiServer& api, const std::string& url, const std::string& range) {
  REQUIRE(url.rfind(api.address(), 0) == 0);
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + wfc::test::kApiKey}};
  if (!range.empty()) h.emplace("Range", range);
  httplib::Client c = api.client();
  return c.Get(url.substr(api.address().size()).c_str(), h);
}

}  // namespace

TEST_CASE("a run from a loopback URL succeeds and its outputs download, by Range too",
          "[api][media]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  wfc::test::HttpServer http;
  serve_input(http, bytes, std::make_shared<std::atomic<int>>(0), false);
  http.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  std::string auto_id = api.post("/automations", renditions()).body["id"];
  auto made = api.post("/automations/" + auto_id + "/run", {{"url", http.url("/in.mp4")}});
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  CHECK(run["progress"] == 100);

  json video = task_of_kind(run, "video");
  CHECK(video["status"] == "succeeded");
  REQUIRE(video["outputs"].size() == 1);
  json file = video["outputs"][0];
  CHECK(file["width"] == 160);
  CHECK(file["id"].get<std::string>().rfind("file_", 0) == 0);
  auto whole = download(api, file["url"], "");
  REQUIRE(whole);
  CHECK(whole->status == 200);
  CHECK(whole->get_header_value("Content-Type") == "video/mp4");
  CHECK(static_cast<int64_t>(whole->body.size()) == file["filesize"].get<int64_t>());
  // What was downloaded is the rendition: probe it.
  fs::path copy = dir.path() / "copy.mp4";
  std::ofstream(copy, std::ios::binary) << whole->body;
  json probed = wfc::test::probe_ok(copy);
  CHECK(probed["width"] == 160);
  CHECK(probed["codecs"]["video"] == "h264");

  auto part = download(api, file["url"], "bytes=100-199");
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK(part->body == whole->body.substr(100, 100));
  CHECK(part->get_header_value("Content-Range") ==
        "bytes 100-199/" + std::to_string(whole->body.size()));

  json image = task_of_kind(run, "image");
  REQUIRE(image["outputs"].size() == 1);
  // The still is the video's representative frame: the plan's predicate, and how it ran.
  REQUIRE(image.contains("predicate"));
  CHECK(image["predicate"]["engine"] == "vm");
  CHECK(image["predicate"]["planned"] == "vm");
  CHECK(image["predicate"]["evaluations"].get<int>() >= 1);
  CHECK(image["predicate"].contains("time_ns"));
  CHECK_FALSE(video.contains("predicate"));
  CHECK(api.get("/tasks/" + image["id"].get<std::string>()).body["predicate"] ==
        image["predicate"]);
  auto png = download(api, image["outputs"][0]["url"], "");
  REQUIRE(png);
  CHECK(png->status == 200);
  CHECK(png->body.substr(1, 3) == "PNG");

  // The task is also readable alone, and the events tell the story.
  CHECK(api.get("/tasks/" + video["id"].get<std::string>()).body["status"] == "succeeded");
  std::set<std::string> kinds;
  auto events = api.get("/events?limit=100");
  for (const json& e : events.body["data"]) kinds.insert(e["kind"]);
  CHECK(kinds.count("run.created"));
  CHECK(kinds.count("task.succeeded"));
  CHECK(kinds.count("run.succeeded"));
  CHECK_THAT(
      api.get("/metrics", nullptr).text,
      Catch::Contains("wfc_task_duration_seconds_count{kind=\"video\",status=\"succeeded\"} 1"));
}

TEST_CASE("a refused input fails the run with input_refused, and the server lives on",
          "[api][media]") {
  TempDir dir;
  ApiServer api(dir);  // loopback not allowed
  std::string auto_id = api.post("/automations", renditions()).body["id"];
  // A host name passes the creation check (DNS is asked at fetch time) and is refused then.
  auto made = api.post("/automations/" + auto_id + "/run", {{"url", "http://localhost:9/in.mp4"}});
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  CHECK(run["status"] == "failed");
  CHECK(run["error"]["kind"] == "input_refused");
  CHECK(api.get("/healthz", nullptr).status == 200);
}

TEST_CASE("kill -9 while a run is processing: after a restart the run completes", "[api][media]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  auto requests = std::make_shared<std::atomic<int>>(0);
  wfc::test::HttpServer http;
  serve_input(http, bytes, requests, true);
  http.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  std::string auto_id = api.post("/automations", renditions()).body["id"];
  auto made = api.post("/automations/" + auto_id + "/run", {{"url", http.url("/in.mp4")}});
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  api.wait_run(id, [&](const json& r) { return r["status"] == "processing" && *requests > 0; });

  api.kill9();
  api.start();
  json run = api.wait_run(id);
  INFO(run.dump(2) << api.log());
  CHECK(run["status"] == "succeeded");
  CHECK(*requests >= 2);  // fetched again by the new process
  auto runs = api.get("/runs");
  REQUIRE(runs.body["data"].size() == 1);
  CHECK(runs.body["data"][0]["id"] == id);
  for (const json& t : run["tasks"]) CHECK(t["status"] == "succeeded");
  auto out = download(api, task_of_kind(run, "video")["outputs"][0]["url"], "");
  REQUIRE(out);
  CHECK(out->status == 200);
  CHECK(api.stop() == 0);  // and SIGTERM stops it cleanly
}

TEST_CASE("POST /runs with an explicit ingest and POST /tasks run to succeeded", "[api][media]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  wfc::test::HttpServer http;
  serve_input(http, bytes, std::make_shared<std::atomic<int>>(0), false);
  http.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  json body = {{"tasks",
                {{{"kind", "ingest"},
                  {"options", {{"url", http.url("/in.mp4")}}},
                  {"next",
                   {{{"kind", "video"}, {"options", {{"width", 160}}}},
                    {{"kind", "conditions"},
                     {"options", {{"width", {{"gte", 1920}}}}},
                     {"next", {{{"kind", "image"}}}}}}}}}}};
  auto made = api.post("/runs", body);
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  CHECK(run["status"] == "succeeded");
  CHECK(task_of_kind(run, "ingest")["status"] == "succeeded");
  CHECK(task_of_kind(run, "video")["status"] == "succeeded");
  json image = task_of_kind(run, "image");
  CHECK(image["status"] == "cancelled");
  CHECK(image["skipped"] == true);

  auto task =
      api.post("/tasks",
               {{"url", http.url("/in.mp4")}, {"kind", "audio"}, {"options", {{"format", "mp3"}}}});
  REQUIRE(task.status == 201);
  json done = api.wait_run(task.body["run_id"]);
  CHECK(done["status"] == "succeeded");
  json audio = api.get("/tasks/" + task.body["id"].get<std::string>()).body;
  CHECK(audio["status"] == "succeeded");
  REQUIRE(audio["outputs"].size() == 1);
  CHECK(audio["outputs"][0]["type"] == "audio/mpeg");
}

TEST_CASE("cancelling a processing run ends it cancelled", "[api][media]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  auto requests = std::make_shared<std::atomic<int>>(0);
  wfc::test::HttpServer http;
  serve_input(http, bytes, requests, true);
  http.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  std::string auto_id = api.post("/automations", renditions()).body["id"];
  auto made = api.post("/automations/" + auto_id + "/run", {{"url", http.url("/in.mp4")}});
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  api.wait_run(id, [&](const json& r) { return r["status"] == "processing" && *requests > 0; });
  auto asked = api.post("/runs/" + id + "/cancel", json::object());
  REQUIRE(asked.status == 200);
  json run = api.wait_run(id);
  INFO(run.dump(2) << api.log());
  CHECK(run["status"] == "cancelled");
  for (const json& t : run["tasks"]) CHECK(t["status"] == "cancelled");
  CHECK(api.get("/healthz", nullptr).status == 200);
}
