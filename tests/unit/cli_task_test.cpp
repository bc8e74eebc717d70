// `wfc task`, the CLI twin of POST /tasks (seeds/004's composition from a shell): the command the
// issue names, `wfc task video -i "$(wfc task probe -i '{"url": …}' | jq .output)" --width 720`,
// run by a shell exactly so, here (in-process, with the loopback source allowed through
// WFC_ALLOW_HOSTS) and against a running `wfc serve` (--server, key from WFC_API_KEY), on media
// made at test time and served from a loopback HTTP server; and options typed from the catalog,
// whose errors are located at the words that gave them.
#include <catch2/catch.hpp>
#include <fstream>

#include "runtime/model/ids.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::quote;
using wfc::test::TempDir;

// Runs `script` with sh in `dir`: standard output and the exit status.
wfc::test::Run shell(const TempDir& dir, const std::string& script) {
  std::string cmd = "cd " + quote(dir.path().string()) + " && " + script + " >.out 2>.err";
  int raw = std::system(cmd.c_str());
  wfc::test::Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = wfc::test::slurp(dir.path() / ".out");
  r.err = wfc::test::slurp(dir.path() / ".err");
  return r;
}

// The composition of the issue, word for word, with `more` after each task's own words.
std::string composition(const std::string& url, const std::string& more) {
  std::string wfc = quote(WFC_BINARY);
  return wfc + " task video -i \"$(" + wfc + " task probe -i '{\"url\": \"" + url + "\"}'" + more +
         " | jq .output)\" --width 720" + more;
}

void serve_hd(wfc::test::HttpServer& http) {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("hd.mp4"));
  http.server().Get("/video.mp4", [bytes](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  http.start();
}

}  // namespace

TEST_CASE("wfc task: probe | jq .output | video --width 720, here", "[cli][task][media]") {
  wfc::test::HttpServer http;
  serve_hd(http);
  TempDir dir;
  // Exported, so that both commands of the pipeline have it.
  auto r =
      shell(dir, "export WFC_ALLOW_HOSTS=127.0.0.1; " + composition(http.url("/video.mp4"), ""));
  INFO(r.err);
  REQUIRE(r.status == 0);
  json task = json::parse(r.out);
  CHECK(task["object"] == "task");
  CHECK(task["kind"] == "video");
  CHECK(task["status"] == "succeeded");
  // Its input is the probe's output: the source, at its url.
  CHECK(task["input"]["url"] == http.url("/video.mp4"));
  CHECK(task["input"]["width"] == 1280);
  json out = task["output"];
  CHECK(out["width"] == 720);
  std::string url = out["url"];
  REQUIRE(url.rfind("file://", 0) == 0);
  CHECK(fs::path(url.substr(7)).parent_path().parent_path() == dir.path() / "wfc-tasks");
  CHECK(wfc::test::probe_ok(url.substr(7))["width"] == 720);
}

TEST_CASE("wfc task --server: the same composition on a running server", "[cli][task][media]") {
  wfc::test::HttpServer http;
  serve_hd(http);
  TempDir dir;
  wfc::test::ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  auto r = shell(dir, std::string("export WFC_API_KEY=") + wfc::test::kApiKey + "; " +
                          composition(http.url("/video.mp4"), " --server " + api.address()));
  INFO(r.err << api.log());
  REQUIRE(r.status == 0);
  json task = json::parse(r.out);
  CHECK(task["status"] == "succeeded");
  CHECK(wfc::model::is_id(task["run_id"].get<std::string>(), "run"));
  CHECK(task["input"]["url"] == http.url("/video.mp4"));
  json out = task["output"];
  CHECK(out["width"] == 720);
  // The server made it: its url is the server's, and it downloads as a 720-wide video.
  std::string url = out["url"];
  REQUIRE(url.rfind(api.address() + "/files/", 0) == 0);
  CHECK(api.get("/tasks/" + task["id"].get<std::string>()).body["output"]["id"] == out["id"]);
  httplib::Client c = api.client();
  auto got = c.Get(url.substr(api.address().size()).c_str(),
                   {{"Authorization", std::string("Bearer ") + wfc::test::kApiKey}});
  REQUIRE(got);
  REQUIRE(got->status == 200);
  std::ofstream(dir.path() / "got.mp4", std::ios::binary) << got->body;
  CHECK(wfc::test::probe_ok(dir.path() / "got.mp4")["width"] == 720);

  // A refusal of the server is the command's, with where it is.
  auto refused =
      shell(dir, std::string("WFC_API_KEY=") + wfc::test::kApiKey + " " + quote(WFC_BINARY) +
                     " task video -i '{\"object\": \"file\", \"url\": \"http://10.0.0.5/a.mp4\"}'"
                     " --server " +
                     api.address());
  CHECK(refused.status == 1);
  CHECK_THAT(refused.err, Catch::Contains("at /input/url") && Catch::Contains("input_refused"));
}

TEST_CASE("wfc task: options are typed from the catalog; errors name the option and the type",
          "[cli][task]") {
  TempDir dir;
  std::string file = R"({"object": "file", "url": "https://example.com/video.mp4"})";
  auto r = wfc::test::run_wfc(dir, {"task", "video", "-i", file, "--width", "abc"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("at --width abc") &&
                        Catch::Contains("option 'width' of 'video' must be pixels"));
  CHECK(r.out.empty());
  r = wfc::test::run_wfc(dir, {"task", "video", "-i", file, "--qualty", "high"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err,
             Catch::Contains("at --qualty high") && Catch::Contains("did you mean 'quality'"));
  r = wfc::test::run_wfc(dir, {"task", "audio", "-i", file, "--bitrate=abc"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("at --bitrate=abc") && Catch::Contains("integer"));
  r = wfc::test::run_wfc(dir, {"task", "vidoe", "-i", file});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown kind 'vidoe'") && Catch::Contains("'video'"));
  // -i: JSON, and the shape the kind takes.
  r = wfc::test::run_wfc(dir, {"task", "video", "-i", "{\"url\": \"https://example.com/v.mp4\"}"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("File object"));
  r = wfc::test::run_wfc(dir, {"task", "probe", "-i", "https://example.com/v.mp4"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("-i must be JSON"));
  // Nothing was run or written.
  CHECK_FALSE(fs::exists(dir.path() / "wfc-tasks"));
}
