// The seeds' example workflows with intelligence kinds run to `succeeded`, through `wfc run` and
// through `POST /runs` of a real `wfc serve`: "ingest → 720p video, speech, summary" (seeds/000's
// first example) and "summary for every file, subtitles and chapters for videos" (its conditional
// example), with the example.com URL pointed at a loopback server serving a clip with speech.
#include <catch2/catch.hpp>

#include "tests/unit/test_ai.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_http_server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::TempDir;

// seeds/000, "Creating a run", as written there but for the URL.
json seed_first(const std::string& url) {
  return {{"tasks",
           {{{"kind", "ingest"}, {"options", {{"url", url}}}},
            {{"kind", "video"}, {"options", {{"width", 1280}, {"height", 720}, {"format", "mp4"}}}},
            {{"kind", "speech"}},
            {{"kind", "summary"}}}}};
}

// seeds/000, "Conditional tasks".
json seed_conditional(const std::string& url) {
  return {{"tasks",
           {{{"kind", "ingest"},
             {"options", {{"url", url}}},
             {"next",
              {{{"kind", "summary"}},
               {{"kind", "conditions"},
                {"options", {{"kind", {{"eq", "video"}}}}},
                {"next", {{{"kind", "subtitles"}}, {{"kind", "chapters"}}}}}}}}}}};
}

/// The talk clip at 640×360: the seed's 1280×720 video is then 2× the input, within the
/// upscale limit (docs/security.md, "Bounded work"), as an upload for a 720p rendition would be.
fs::path talk_clip_360p() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  fs::path p = wfc::test::talk_clip().parent_path() / "talk-640x360.mp4";
  if (fs::exists(p)) return p;
  std::string cmd = "ffmpeg -nostdin -v error -y -i '" + wfc::test::talk_clip().string() +
                    "' -vf scale=640:360 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "
                    "-c:a copy '" +
                    p.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return p;
}

void serve_clip(wfc::test::HttpServer& http) {
  std::string bytes = wfc::test::slurp_file(talk_clip_360p());
  http.server().Get("/video.mp4", [bytes](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  http.start();
}

std::map<std::string, json> by_kind(const json& run) {
  std::map<std::string, json> out;
  for (const json& t : run["tasks"]) out[t["kind"].get<std::string>()] = t;
  return out;
}

}  // namespace

TEST_CASE("wfc run: the seeds' intelligence workflows succeed", "[ai][workflows]") {
  wfc::test::HttpServer http;
  serve_clip(http);
  for (const json& workflow :
       {seed_first(http.url("/video.mp4")), seed_conditional(http.url("/video.mp4"))}) {
    TempDir dir;
    dir.write("w.json", workflow.dump(2));
    auto r = wfc::test::run_wfc(dir, {"run", "w.json", "--input", http.url("/video.mp4"),
                                      "--allow-hosts", "127.0.0.1", "--out", "out"});
    INFO(workflow.dump() << "\n" << r.err);
    REQUIRE(r.status == 0);
    json run = json::parse(wfc::test::slurp(dir.path() / "out" / "run.json"));
    CHECK(run["status"] == "succeeded");
    for (const auto& [kind, task] : by_kind(run)) {
      INFO(task.dump(2));
      CHECK(task["status"] == "succeeded");
      if (kind == "conditions" || kind == "ingest") continue;
      REQUIRE(task["outputs"].size() >= 1);
      CHECK(fs::exists(dir.path() / "out" / task["outputs"][0]["filename"].get<std::string>()));
    }
  }
}

TEST_CASE("POST /runs: the seeds' intelligence workflows succeed", "[ai][workflows][api]") {
  wfc::test::HttpServer http;
  serve_clip(http);
  TempDir dir;
  wfc::test::ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  for (const json& body :
       {seed_first(http.url("/video.mp4")), seed_conditional(http.url("/video.mp4"))}) {
    auto made = api.post("/runs", body);
    REQUIRE(made.status == 201);
    json run = api.wait_run(made.body["id"]);
    INFO(run.dump(2) << api.log());
    CHECK(run["status"] == "succeeded");
    auto tasks = by_kind(run);
    for (const auto& [kind, task] : tasks) CHECK(task["status"] == "succeeded");
    for (const char* kind : {"speech", "summary", "subtitles", "chapters"}) {
      if (!tasks.count(kind)) continue;
      const json& out = tasks[kind]["outputs"];
      REQUIRE(out.size() == 1);
      CHECK(out[0]["url"].is_string());
    }
    if (tasks.count("subtitles")) CHECK(tasks["subtitles"]["outputs"][0]["type"] == "text/vtt");
    if (tasks.count("speech")) CHECK(tasks["speech"]["outputs"][0]["type"] == "application/json");
  }
}

TEST_CASE("wfc run with a provider that fails: the task fails with the provider's error",
          "[ai][workflows]") {
  // An OpenAI-compatible transcription endpoint that answers 503 with its own error body.
  wfc::test::HttpServer provider;
  provider.server().Post(
      "/v1/audio/transcriptions", [](const httplib::Request&, httplib::Response& res) {
        res.status = 503;
        res.set_content(R"({"error": {"message": "model is overloaded"}})", "application/json");
      });
  provider.start();
  TempDir dir;
  dir.write("w.json", R"({"name": "s", "workflow": [{"kind": "speech"},
      {"kind": "video", "options": {"width": 160}}]})");
  std::string env = "WFC_AI_TRANSCRIBE_PROVIDER=openai WFC_AI_TRANSCRIBE_URL=" + provider.url("") +
                    " WFC_AI_TRANSCRIBE_KEY=sk-secret-key";
  auto r = wfc::test::run_wfc(
      dir, {"run", "w.json", "--input", wfc::test::talk_clip().string(), "--out", "out"}, env);
  INFO(r.err);
  CHECK(r.status != 0);
  json run = json::parse(wfc::test::slurp(dir.path() / "out" / "run.json"));
  CHECK(run["status"] == "failed");
  auto tasks = by_kind(run);
  CHECK(tasks["speech"]["status"] == "failed");
  CHECK(tasks["speech"]["error"]["kind"] == "provider_failed");
  std::string message = tasks["speech"]["error"]["message"];
  CHECK(message.find("model is overloaded") != std::string::npos);
  CHECK(message.find("503") != std::string::npos);
  CHECK(message.find("sk-secret-key") == std::string::npos);
  CHECK(tasks["video"]["status"] == "succeeded");  // the rest of the pass is not lost

  // A configuration that is wrong stops the command before it runs anything, saying where.
  dir.write("ai.json", R"({"transcribe": {"provider": "whisper"}})");
  auto bad = wfc::test::run_wfc(dir, {"run", "w.json", "--input", wfc::test::talk_clip().string(),
                                      "--out", "out2", "--ai-config", "ai.json"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("ai.json") != std::string::npos);
  CHECK(bad.err.find("whisper.cpp") != std::string::npos);  // the valid providers are listed
  CHECK_FALSE(fs::exists(dir.path() / "out2" / "run.json"));
}
