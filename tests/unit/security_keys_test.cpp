// Issue 19, point 3 (keys): configuration is the truth at every start of `wfc serve`. A key
// removed from --api-keys or --keys FILE stops working after a restart (its row is kept as
// "retired", so the runs it made still name it), the development key stops working once real keys
// are configured, and no development key is made or accepted on a non-loopback --listen address.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/unit/test_api.h"

namespace {

namespace fs = std::filesystem;
using wfc::test::ApiServer;
using wfc::test::kApiKey;
using wfc::test::kOtherKey;
using wfc::test::TempDir;

constexpr const char* kFileKey1 = "wfc_fromthefile0000000000000000000000000001";
constexpr const char* kFileKey2 = "wfc_fromthefile0000000000000000000000000002";

void check_retired(const wfc::test::Answer& a) {
  CHECK(a.status == 401);
  CHECK(a.body.value("kind", "") == "token_invalid");
}

}  // namespace

TEST_CASE("keys: a key removed from --api-keys stops working at the next start",
          "[security][keys]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});  // kApiKey and kOtherKey
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  auto run =
      api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {}, kOtherKey);
  REQUIRE(run.status == 201);
  std::string run_id = run.body["id"];
  std::string made_by = run.body["created_by"];
  REQUIRE(api.get("/runs", kOtherKey).status == 200);

  // kOtherKey is no longer configured.
  api.restart({"--workers", "0", "--api-keys", kApiKey}, false);
  check_retired(api.get("/runs", kOtherKey));
  CHECK(api.get("/runs", kOtherKey).body.value("message", "").find("retired") != std::string::npos);
  check_retired(api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {},
                         kOtherKey));
  // The kept key still works, and the run made by the retired key still names it.
  auto kept = api.get("/runs/" + run_id, kApiKey);
  CHECK(kept.status == 200);
  CHECK(kept.body["created_by"] == made_by);
  CHECK(api.log().find("no longer configured") != std::string::npos);

  // Configured again, it works again.
  api.restart({"--workers", "0"}, true);
  CHECK(api.get("/runs", kOtherKey).status == 200);
  CHECK(api.get("/runs", kApiKey).status == 200);
}

TEST_CASE("keys: a line removed from --keys FILE stops working at the next start",
          "[security][keys]") {
  TempDir dir;
  std::string file =
      dir.write("keys.txt", std::string(kFileKey1) + "\n# second\n" + kFileKey2 + "\n");
  ApiServer api(dir, {"--workers", "0", "--keys", file}, false);
  CHECK(api.get("/runs", kFileKey1).status == 200);
  CHECK(api.get("/runs", kFileKey2).status == 200);

  dir.write("keys.txt", std::string("# second only\n") + kFileKey2 + "\n");
  api.restart({"--workers", "0", "--keys", file}, false);
  check_retired(api.get("/runs", kFileKey1));
  CHECK(api.get("/runs", kFileKey2).status == 200);
}

TEST_CASE("keys: the development key stops working once real keys are configured",
          "[security][keys]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"}, false);  // no key: the development key
  std::string dev_key;
  std::ifstream(dir.path() / "data" / "dev-api-key") >> dev_key;
  REQUIRE(dev_key.rfind("wfc_", 0) == 0);
  CHECK(api.get("/runs", dev_key.c_str()).status == 200);

  api.restart({"--workers", "0"}, true);
  check_retired(api.get("/runs", dev_key.c_str()));
  CHECK(api.get("/runs", kApiKey).status == 200);

  // With the keys removed again, configuration is still the truth: the development key is the
  // only key, and the keys that were configured are not.
  api.restart({"--workers", "0"}, false);
  CHECK(api.get("/runs", dev_key.c_str()).status == 200);
  check_retired(api.get("/runs", kApiKey));
}

TEST_CASE("keys: with no key configured, a non-loopback --listen address refuses to start",
          "[security][keys]") {
  TempDir dir;
  fs::path data = dir.path() / "data";
  // The server must not start (nothing is bound: it stops before the socket is opened); the
  // timeout only keeps a regression from hanging the suite.
  auto serve = [&](const std::string& listen) {
    std::string cmd = "timeout 60 " + wfc::test::quote(WFC_BINARY) +
                      " serve --workers 0 --listen " + wfc::test::quote(listen) + " --data " +
                      wfc::test::quote(data.string()) + " >" +
                      wfc::test::quote((dir.path() / "out").string()) + " 2>" +
                      wfc::test::quote((dir.path() / "err").string());
    int raw = std::system(cmd.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  CHECK(serve("0.0.0.0:0") == 2);
  std::string err = wfc::test::slurp(dir.path() / "err");
  CHECK(err.find("no API key is configured") != std::string::npos);
  CHECK(err.find("--keys") != std::string::npos);
  CHECK(wfc::test::slurp(dir.path() / "out").find("listening") == std::string::npos);
  CHECK_FALSE(fs::exists(data / "dev-api-key"));

  // A development key made earlier on loopback is not accepted there either.
  {
    ApiServer api(dir, {"--workers", "0"}, false);
    REQUIRE(fs::exists(data / "dev-api-key"));
  }
  CHECK(serve("0.0.0.0:0") == 2);
  CHECK(serve(":0") == 2);
}
