// Signed output URLs in a real browser (issue 20, point 3): a run of the real `wfc serve` makes an
// MP4 and an HLS ladder from media made at test time; tools/browser/check.mjs serves a page from
// another loopback origin and has Debian's chromium (headless, through puppeteer-core) play the
// signed MP4 in a <video> and the signed master playlist through hls.js, and fail to load a
// tampered signed URL. The screenshot is kept in the build tree (test-artifacts/signed-urls.png).
// Needs what tools/install-deps installs: chromium, node and tools/browser/node_modules.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// The signed url of the one output of the task of `kind`.
std::string url_of(const json& run, const std::string& kind) {
  for (const json& t : run["tasks"]) {
    if (t["kind"] == kind) {
      REQUIRE(t["outputs"].size() == 1);
      return t["outputs"][0]["url"];
    }
  }
  FAIL("no " << kind << " task in " << run.dump(2));
  return {};
}

}  // namespace

TEST_CASE("signed URLs play in a browser: a <video>, hls.js, and a tampered one fails",
          "[api][browser]") {
  fs::path tools = fs::path(WFC_SOURCE_DIR) / "tools" / "browser";
  INFO("run tools/install-deps: it installs chromium and npm ci's tools/browser");
  REQUIRE(fs::exists("/usr/bin/chromium"));
  REQUIRE(fs::exists(tools / "node_modules" / "puppeteer-core"));
  REQUIRE(fs::exists(tools / "node_modules" / "hls.js" / "dist" / "hls.min.js"));

  wfc::test::HttpServer in;
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  in.server().Get("/in.mp4", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  in.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  json workflow = json::parse(R"({"name": "browser", "workflow": [
      {"kind": "video", "options": {"width": 320, "format": "mp4"}},
      {"kind": "adaptive_video", "options": {"renditions": [{"height": 180}]}}]})");
  std::string auto_id = api.post("/automations", workflow).body["id"];
  auto made = api.post("/automations/" + auto_id + "/run", json{{"url", in.url("/in.mp4")}});
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  std::string mp4 = url_of(run, "video"), hls = url_of(run, "adaptive_video");
  REQUIRE(mp4.find("/files/signed/") != std::string::npos);
  REQUIRE(hls.find("/files/signed/") != std::string::npos);
  // The MP4's signature with one character changed: 403 signature_invalid.
  std::string tampered = mp4;
  size_t sig = tampered.find('.', tampered.find("/files/signed/")) + 1;
  tampered[sig] = tampered[sig] == 'A' ? 'B' : 'A';

  fs::path artifacts = fs::path(WFC_BUILD_DIR) / "test-artifacts";
  fs::create_directories(artifacts);
  fs::path shot = artifacts / "signed-urls.png";
  fs::remove(shot);
  std::string cmd = "node " + wfc::test::quote((tools / "check.mjs").string()) + " --mp4 " +
                    wfc::test::quote(mp4) + " --hls " + wfc::test::quote(hls) + " --tampered " +
                    wfc::test::quote(tampered) + " --screenshot " +
                    wfc::test::quote(shot.string()) + " >" +
                    wfc::test::quote((dir.path() / "check.out").string()) + " 2>" +
                    wfc::test::quote((dir.path() / "check.err").string());
  int raw = std::system(cmd.c_str());
  std::string out = wfc::test::slurp(dir.path() / "check.out");
  INFO("check.mjs said: " << out << wfc::test::slurp(dir.path() / "check.err"));
  REQUIRE(WIFEXITED(raw));
  REQUIRE(WEXITSTATUS(raw) != 2);  // 2: bad arguments or no browser (the message says)
  json r = json::parse(out, nullptr, false);
  REQUIRE(r.is_object());
  // The <video> with the signed MP4 (crossorigin, so CORS counts) plays past 0.5 s.
  CHECK(r["mp4"]["error"].is_null());
  CHECK(r["mp4"]["time"].get<double>() > 0.5);
  // hls.js plays the signed ladder: playlists and segments resolve under the folder signature.
  CHECK(r["hls"]["fatal"].is_null());
  CHECK(r["hls"]["time"].get<double>() > 0.5);
  // The tampered URL fails to load: the browser got the 403 and the <video> an error event.
  CHECK(r["tampered"]["status"] == 403);
  CHECK(r["tampered"]["error"].is_string());
  CHECK(WEXITSTATUS(raw) == 0);
  CHECK(fs::exists(shot));
}
