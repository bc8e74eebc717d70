// Issue 19, point 3 (keys): configuration is the truth at every start of `wfc serve`. A key
// removed from --api-keys or --keys FILE stops working after a restart (its row is kept as
// "retired", so the runs it made still name it), the development key stops working once real keys
// are configured, and no development key is made or accepted on a non-loopback --listen address.
// Keys managed through the API (POST/GET/DELETE /keys): the secret is shown once and stored
// hashed, a revoked key answers 401 at its next request on every server sharing the database, and
// configuration never retires them.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "runtime/store/migrations.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_store.h"

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

void check_revoked(const wfc::test::Answer& a) {
  CHECK(a.status == 401);
  CHECK(a.body.value("kind", "") == "token_invalid");
  CHECK(a.body.value("message", "") == "the API key was revoked");
}

// POST /keys with `key` as the caller; the answer's body (201 required).
nlohmann::json make_key(const ApiServer& api, const std::string& name, const char* key = kApiKey) {
  auto a = api.post("/keys", {{"name", name}}, {}, key);
  INFO(a.text);
  REQUIRE(a.status == 201);
  return a.body;
}

wfc::test::Answer revoke(const ApiServer& api, const std::string& id, const char* key = kApiKey) {
  return api.request("DELETE", "/keys/" + id, "", {}, key);
}

// The id of the key `secret` as the API shows it: the `created_by` of a run it creates.
std::string key_id_of(const ApiServer& api, const std::string& auto_id, const char* secret) {
  auto run =
      api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {}, secret);
  REQUIRE(run.status == 201);
  return run.body["created_by"];
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

TEST_CASE("keys: POST /keys shows the secret once and stores only its hash", "[security][keys]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  std::string caller = key_id_of(api, auto_id, kApiKey);

  nlohmann::json made = make_key(api, "ci deploys");
  std::string secret = made["key"];
  std::string id = made["id"];
  CHECK(secret.rfind("wfc_", 0) == 0);
  CHECK(secret.size() == 44);
  CHECK(made["object"] == "key");
  CHECK(made["name"] == "ci deploys");
  CHECK(made["status"] == "active");
  CHECK(made["source"] == "api");
  CHECK(made["created_by"] == caller);
  CHECK(made["hint"] == "wfc_…" + secret.substr(40));
  CHECK(made["created_at"].is_number());

  // The new key works at once, and its runs name it.
  CHECK(key_id_of(api, auto_id, secret.c_str()) == id);
  // A key it makes names it as its maker.
  CHECK(make_key(api, "made by ci", secret.c_str())["created_by"] == id);

  // Never shown again: not by GET /keys/{id}, not in any page of GET /keys.
  auto one = api.get("/keys/" + id);
  REQUIRE(one.status == 200);
  CHECK_FALSE(one.body.contains("key"));
  CHECK_FALSE(one.body.contains("hash"));
  CHECK(one.body["name"] == "ci deploys");
  auto all = api.get("/keys?limit=100");
  REQUIRE(all.status == 200);
  CHECK(all.body["data"].size() == 4);  // the two configured keys and the two made here
  CHECK(all.text.find(secret) == std::string::npos);
  CHECK(all.text.find(wfc::store::hash_secret(secret)) == std::string::npos);

  // Stored hashed: the database (and its WAL) hold the hash and not the secret.
  std::string db = wfc::test::slurp(dir.path() / "data" / "wfc.db");
  if (fs::exists(dir.path() / "data" / "wfc.db-wal"))
    db += wfc::test::slurp(dir.path() / "data" / "wfc.db-wal");
  CHECK(db.find(wfc::store::hash_secret(secret)) != std::string::npos);
  CHECK(db.find(secret) == std::string::npos);
  CHECK(db.find(secret.substr(4, 36)) == std::string::npos);

  // Bad requests say what is wrong, and need a key like every route.
  auto no_name = api.post("/keys", nlohmann::json::object());
  CHECK(no_name.status == 400);
  CHECK(no_name.body.value("message", "").find("name") != std::string::npos);
  auto empty = api.post("/keys", {{"name", ""}});
  CHECK(empty.status == 400);
  CHECK(empty.body.value("field", "") == "name");
  CHECK(api.post("/keys", {{"name", "x"}, {"scopes", "all"}}).status == 400);
  CHECK(api.post("/keys", {{"name", "x"}}, {}, nullptr).status == 401);
  CHECK(api.get("/keys", nullptr).status == 401);
  auto missing = api.get("/keys/key_nosuchkey0000000");
  CHECK(missing.status == 404);
  CHECK(missing.body.value("kind", "") == "key_not_found");
}

TEST_CASE("keys: GET /keys pages through every key once", "[security][keys]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  for (int i = 0; i < 5; ++i) make_key(api, "k" + std::to_string(i));
  std::vector<std::string> seen;
  std::string path = "/keys?limit=2&order=asc";
  for (int pages = 0; pages < 10; ++pages) {
    auto a = api.get(path);
    REQUIRE(a.status == 200);
    for (const auto& k : a.body["data"]) seen.push_back(k["name"]);
    if (!a.body["has_more"].get<bool>()) break;
    path = "/keys?limit=2&order=asc&after=" + a.body["data"].back()["id"].get<std::string>();
  }
  REQUIRE(seen.size() == 7);
  CHECK(seen[0] == "WFC_API_KEYS:1");
  CHECK(seen[2] == "k0");
  CHECK(seen[6] == "k4");
  CHECK(api.get("/keys?after=key_nosuchkey0000000").status == 400);
  CHECK(api.get("/keys?status=active").status == 400);  // no such filter: said, not ignored
}

TEST_CASE("keys: a revoked key answers 401 at its next request, and its runs still name it",
          "[security][keys]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  nlohmann::json made = make_key(api, "leaked");
  std::string secret = made["key"], id = made["id"];
  auto run = api.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {},
                      secret.c_str());
  REQUIRE(run.status == 201);
  std::string run_id = run.body["id"];
  REQUIRE(api.get("/runs", secret.c_str()).status == 200);

  auto revoked = revoke(api, id);
  REQUIRE(revoked.status == 200);
  CHECK(revoked.body["status"] == "revoked");
  CHECK(revoked.body["id"] == id);
  check_revoked(api.get("/runs", secret.c_str()));
  check_revoked(api.get("/runs/" + run_id, secret.c_str()));
  check_revoked(api.post("/keys", {{"name", "escape"}}, {}, secret.c_str()));
  // The row is kept: the key is listed as revoked, and its run still names it.
  CHECK(api.get("/keys/" + id).body["status"] == "revoked");
  CHECK(api.get("/runs/" + run_id).body["created_by"] == id);
  // Revoking again is the same answer; an unknown id is a 404.
  CHECK(revoke(api, id).body["status"] == "revoked");
  auto missing = revoke(api, "key_nosuchkey0000000");
  CHECK(missing.status == 404);
  CHECK(missing.body.value("kind", "") == "key_not_found");

  // A key may revoke itself: that answer is its last.
  nlohmann::json self = make_key(api, "self");
  std::string self_secret = self["key"];
  auto own = revoke(api, self["id"], self_secret.c_str());
  CHECK(own.status == 200);
  CHECK(own.body["status"] == "revoked");
  check_revoked(api.get("/keys", self_secret.c_str()));
  // The configured keys are unaffected.
  CHECK(api.get("/keys", kOtherKey).status == 200);
}

TEST_CASE("keys: API keys survive restarts; configuration retires only its own keys",
          "[security][keys]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});  // kApiKey and kOtherKey
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  std::string made = make_key(api, "ci")["key"];
  nlohmann::json gone_key = make_key(api, "gone");
  std::string gone = gone_key["key"];
  REQUIRE(revoke(api, gone_key["id"]).status == 200);

  // The same configuration: the API key still works, the revoked one stays revoked.
  api.restart({"--workers", "0"}, true);
  CHECK(api.get("/runs", made.c_str()).status == 200);
  check_revoked(api.get("/runs", gone.c_str()));

  // kOtherKey removed from configuration: retired as before; the API key is not configuration's.
  api.restart({"--workers", "0", "--api-keys", kApiKey}, false);
  check_retired(api.get("/runs", kOtherKey));
  CHECK(api.get("/runs", made.c_str()).status == 200);
  CHECK(api.log().find("no longer configured") != std::string::npos);

  // A configured key revoked through the API stays revoked when configured again, and the
  // server says so at its start.
  std::string configured_id = key_id_of(api, auto_id, kApiKey);
  REQUIRE(revoke(api, configured_id).status == 200);
  check_revoked(api.get("/runs", kApiKey));
  api.restart({"--workers", "0"}, true);
  check_revoked(api.get("/runs", kApiKey));
  CHECK(api.get("/runs", kOtherKey).status == 200);  // configured again: active again
  CHECK(api.log().find("is configured but was revoked") != std::string::npos);
}

TEST_CASE("keys: a revocation on one server is seen on another once the key cache's 500 ms pass",
          "[security][keys]") {
  // Two `wfc serve` processes on one database file, each with its own data directory.
  TempDir dir_a, dir_b, shared;
  std::string db = (shared.path() / "wfc.db").string();
  ApiServer a(dir_a, {"--workers", "0", "--db", db});
  ApiServer b(dir_b, {"--workers", "0", "--db", db});
  std::string auto_id = a.post("/automations", wfc::test::small_automation()).body["id"];

  // Made on A, it works on B at once (unknown secrets are never cached). Revoked on A, B may
  // answer from its key cache for at most 500 ms (SqliteStore::Options::key_cache_ms; the issue
  // allows one second): past that, B refuses it. A wait longer than the cache's lifetime, so the
  // outcome does not depend on timing.
  auto past_key_cache = [] { std::this_thread::sleep_for(std::chrono::milliseconds(600)); };
  nlohmann::json made = make_key(a, "shared");
  std::string secret = made["key"];
  REQUIRE(b.get("/runs", secret.c_str()).status == 200);
  REQUIRE(b.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {},
                 secret.c_str())
              .status == 201);
  REQUIRE(revoke(a, made["id"]).status == 200);
  past_key_cache();
  check_revoked(b.get("/runs", secret.c_str()));
  check_revoked(b.post("/automations/" + auto_id + "/run", {{"url", "https://e.com/a.mp4"}}, {},
                       secret.c_str()));
  // And the other way round, a key revoking itself on B.
  nlohmann::json other = make_key(b, "other");
  std::string other_secret = other["key"];
  REQUIRE(a.get("/runs", other_secret.c_str()).status == 200);
  REQUIRE(revoke(b, other["id"], other_secret.c_str()).status == 200);
  check_revoked(b.get("/runs", other_secret.c_str()));  // on the revoking server: at once
  past_key_cache();
  check_revoked(a.get("/runs", other_secret.c_str()));
  // B's start with the same configuration retired nothing: both servers' keys work.
  CHECK(a.get("/runs", kOtherKey).status == 200);
  CHECK(b.get("/runs", kApiKey).status == 200);
}

TEST_CASE("keys: a store from before key sources knows its keys came from configuration",
          "[security][keys][store]") {
  wfc::test::StoreFixture f;
  {
    auto s = f.open_sqlite();
    REQUIRE(s->schema_version() >= 3);
  }
  // Take the file back to schema 2, with a configured key and the development key in it.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(f.path.c_str(), &db) == SQLITE_OK);
  const char* down =
      "DELETE FROM schema_version WHERE version >= 3;"
      "DROP TABLE IF EXISTS files;"  // version 4's
      "DROP INDEX api_keys_order;"
      "ALTER TABLE api_keys DROP COLUMN source;"
      "ALTER TABLE api_keys DROP COLUMN created_by;"
      "ALTER TABLE api_keys DROP COLUMN hint;"
      "INSERT INTO api_keys (id, name, hash, status, created_at, updated_at) VALUES "
      "('key_configured00000001', 'WFC_API_KEYS:1', 'h1', 'active', 1, 1),"
      "('key_development000001', 'development', 'h2', 'active', 2, 2);";
  char* err = nullptr;
  int rc = sqlite3_exec(db, down, nullptr, nullptr, &err);
  INFO((err ? err : ""));
  REQUIRE(rc == SQLITE_OK);
  sqlite3_close(db);

  auto s = f.open_sqlite();
  CHECK(s->schema_version() == wfc::store::sqlite::latest_schema_version());
  auto keys = s->list_api_keys();
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].source == "config");
  CHECK(keys[1].source == "dev");
  CHECK(keys[0].created_by.empty());
  // An API key made now is not retired by a start that configures nothing else; both old keys
  // are configuration's, and are.
  std::string secret = wfc::store::new_secret();
  auto made = s->add_api_key("api", secret, "api", keys[0].id);
  auto retired = s->retire_unconfigured_keys({});
  CHECK(retired.size() == 2);
  CHECK(s->find_api_key(secret)->status == "active");
  CHECK(s->get_api_key(made.id)->created_by == keys[0].id);
  CHECK_THROWS_AS(s->add_api_key("x", wfc::store::new_secret(), "elsewhere", ""),
                  std::invalid_argument);
}
