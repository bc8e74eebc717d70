// The dashboard in a real browser (issue 22, point 2): the real `wfc serve` with a --workflows
// directory holding a valid automation and an invalid file, and tools/browser/dashboard.mjs
// driving Debian's chromium (headless, through puppeteer-core) through it: a signed-out visit is
// refused, sign-in with the key, the invalid file's diagnostic, trigger a run of a clip with
// speech, watch it reach `succeeded` without reloading, play the output video and show a
// subtitle cue, sign out. Screenshots are kept in the build tree (test-artifacts/dashboard/).
// Needs what tools/install-deps installs: chromium, node and tools/browser/node_modules.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/unit/test_ai.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

}  // namespace

TEST_CASE("the dashboard in a browser: sign in, run, watch it live, play, subtitles, sign out",
          "[ui][ui-browser][browser]") {
  fs::path tools = fs::path(WFC_SOURCE_DIR) / "tools" / "browser";
  INFO("run tools/install-deps: it installs chromium and npm ci's tools/browser");
  REQUIRE(fs::exists("/usr/bin/chromium"));
  REQUIRE(fs::exists(tools / "node_modules" / "puppeteer-core"));

  wfc::test::HttpServer in;
  std::string bytes = wfc::test::slurp_file(wfc::test::talk_clip());
  in.server().Get("/talk.mp4", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  in.start();
  TempDir dir;
  fs::path workflows = dir.path() / "workflows";
  fs::create_directories(workflows);
  std::ofstream(workflows / "captioned.json") << R"({"id": "captioned", "name": "Captioned",
    "workflow": [
      {"kind": "video", "ref": "small", "options": {"width": 320, "format": "mp4"}},
      {"kind": "subtitles", "ref": "captions"},
      {"kind": "thumbnails", "ref": "sprites"},
      {"kind": "speech", "ref": "transcript"}]})";
  std::ofstream(workflows / "broken.json") << R"({"name": "broken",
    "workflow": [{"kind": "vidoe"}]})";
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1", "--workflows", workflows.string()});
  json list = api.get("/automations").body;
  REQUIRE(list["data"].size() == 1);
  std::string automation = list["data"][0]["id"];

  fs::path shots = fs::path(WFC_BUILD_DIR) / "test-artifacts" / "dashboard";
  fs::remove_all(shots);
  std::string cmd =
      "node " + wfc::test::quote((tools / "dashboard.mjs").string()) + " --base " +
      wfc::test::quote(api.address()) + " --key " + wfc::test::quote(wfc::test::kApiKey) +
      " --automation " + wfc::test::quote(automation) + " --input " +
      wfc::test::quote(in.url("/talk.mp4")) + " --invalid broken.json --shots " +
      wfc::test::quote(shots.string()) + " >" + wfc::test::quote((dir.path() / "ui.out").string()) +
      " 2>" + wfc::test::quote((dir.path() / "ui.err").string());
  int raw = std::system(cmd.c_str());
  std::string out = wfc::test::slurp(dir.path() / "ui.out");
  INFO("dashboard.mjs said: " << out << wfc::test::slurp(dir.path() / "ui.err") << api.log());
  REQUIRE(WIFEXITED(raw));
  REQUIRE(WEXITSTATUS(raw) != 2);  // 2: bad arguments or no browser (the message says)
  json r = json::parse(out, nullptr, false);
  REQUIRE(r.is_object());
  // Signed out: sent to the sign-in page, whose key field is a password field; no script.
  CHECK(r["signedOut"]["url"] == "/ui/sign-in");
  CHECK(r["signedOut"]["password"] == "password");
  CHECK(r["signedOut"]["script"] == 401);
  // Signed in; the session cookie is HttpOnly, so the page's script cannot read it.
  CHECK(r["signedIn"]["url"] == "/ui/runs");
  CHECK(r["signedIn"]["cookieVisible"] == false);
  // The invalid file's diagnostic, as the compiler words it.
  REQUIRE(r["invalid"].is_object());
  std::string diagnostic = r["invalid"]["diagnostic"];
  CHECK(diagnostic.find("WF201") != std::string::npos);
  CHECK(diagnostic.find("vidoe") != std::string::npos);
  // The plan drawn: four tasks, the input and its probe; one fused pass serves them.
  CHECK(r["plan"]["nodes"].get<int>() >= 5);
  CHECK(r["plan"]["groups"].get<int>() >= 1);
  // The run page loaded before the run ended and saw it succeed in the same document.
  CHECK(r["run"]["statusAtLoad"] != "succeeded");
  CHECK(r["run"]["status"] == "succeeded");
  CHECK(r["run"]["sameDocument"] == true);
  // The output video plays, with the subtitles as a track, and a cue shows.
  CHECK(r["video"]["time"].get<double>() > 0.5);
  CHECK(r["video"]["tracks"].get<int>() >= 1);
  CHECK(!r["cue"]["text"].get<std::string>().empty());
  CHECK(r["runs"]["listed"] == true);
  // Signed out: the pages are refused again.
  CHECK(r["signOut"]["url"] == "/ui/sign-in");
  CHECK(r["signOut"]["after"] == "/ui/sign-in");
  CHECK(WEXITSTATUS(raw) == 0);
  for (const char* name : {"sign-in.png", "automations.png", "automation.png", "run.png"})
    CHECK(fs::exists(shots / name));
}
