// Connections (issue 21, point 5): sealing secrets (runtime/connections/secrets_key.h), the store's
// connections table, /connections over HTTP with every validation error, `export` to and `ingest`
// from a real s3rver on loopback through a connection (an MP4, an HLS ladder's whole folder), the
// access policy as the gate of a connection's endpoint, located 422s for connections a run names
// and the store lacks, `wfc run --connections FILE`, a secret that never appears in an answer,
// an event, a webhook body, the server's log or the database file, and `wfc serve` on PostgreSQL
// refusing to start without the secrets key every node shares.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/connections/connection.h"
#include "runtime/connections/secrets_key.h"
#include "runtime/storage/s3_storage.h"
#include "runtime/store/sqlite_store.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"
#include "tests/unit/test_postgres.h"
#include "tests/unit/test_storage.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::Answer;
using wfc::test::ApiServer;
using wfc::test::S3rver;
using wfc::test::TempDir;
namespace conn = wfc::connections;

// s3rver checks the access key id, not signatures, so any secret works with S3RVER; this one is
// distinctive enough to search for everywhere it must not be.
constexpr const char* kSecret = "zQ7secretXv9Kp2LmN4wR8tY6uI0oPa";
constexpr const char* kBucket = "wfc-test";

conn::SecretsKey key_of(char digit) {
  std::string error;
  auto key = conn::parse_secrets_key(std::string(64, digit), &error);
  REQUIRE(key);
  return *key;
}

std::string bytes_of(const fs::path& p) { return wfc::test::slurp_file(p); }

json connection_body(const S3rver& s3) {
  return {{"kind", "s3"},          {"name", "archive"},         {"endpoint", s3.endpoint()},
          {"region", "us-east-1"}, {"access_key_id", "S3RVER"}, {"secret_access_key", kSecret},
          {"bucket", kBucket}};
}

// The first task of `kind` in a run object.
json task_of(const json& run, const std::string& kind) {
  for (const json& t : run["tasks"])
    if (t["kind"] == kind) return t;
  FAIL("no " << kind << " task in " << run.dump(2));
  return nullptr;
}

}  // namespace

TEST_CASE("a sealed secret opens with its key and its connection only", "[connections][secrets]") {
  conn::SecretsKey key = key_of('a'), other = key_of('b');
  CHECK(key.id.size() == 8);
  CHECK(key.id != other.id);
  std::string sealed = conn::seal(key, "conn_aaaaaaaaaaaaaaaa", kSecret);
  CHECK(sealed.find(kSecret) == std::string::npos);
  CHECK(sealed.rfind("wfcs1." + key.id + ".", 0) == 0);
  CHECK(conn::sealed_key_id(sealed) == key.id);
  // Two seals of one secret differ (a fresh nonce each).
  CHECK(conn::seal(key, "conn_aaaaaaaaaaaaaaaa", kSecret) != sealed);
  std::string error;
  auto opened = conn::open_sealed(key, "conn_aaaaaaaaaaaaaaaa", sealed, &error);
  REQUIRE(opened);
  CHECK(*opened == kSecret);

  // Another key: named by its id, with what to do; never the secret.
  CHECK_FALSE(conn::open_sealed(other, "conn_aaaaaaaaaaaaaaaa", sealed, &error));
  CHECK_THAT(error, Catch::Contains(key.id) && Catch::Contains(other.id) &&
                        Catch::Contains("WFC_SECRETS_KEY"));
  CHECK(error.find(kSecret) == std::string::npos);
  // Another connection's row, or a changed byte: refused.
  CHECK_FALSE(conn::open_sealed(key, "conn_bbbbbbbbbbbbbbbb", sealed, &error));
  CHECK_THAT(error, Catch::Contains("another connection"));
  std::string tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  CHECK_FALSE(conn::open_sealed(key, "conn_aaaaaaaaaaaaaaaa", tampered, &error));
  CHECK_FALSE(conn::open_sealed(key, "conn_aaaaaaaaaaaaaaaa", "plain text", &error));
  CHECK_THAT(error, Catch::Contains("not in a form"));

  // Keys: 64 hex digits, or a clear error that does not echo the text.
  CHECK_FALSE(conn::parse_secrets_key("abc", &error));
  CHECK_THAT(error, Catch::Contains("64 hex digits"));
  CHECK_FALSE(conn::parse_secrets_key(std::string(63, 'a') + "g", &error));
  CHECK(conn::parse_secrets_key("  " + std::string(64, 'F') + "\n", &error));

  // Secrets derived from a key: the same for the same key and purpose on every node, different
  // for another purpose or key, and not the key itself.
  std::string url = conn::derive_secret(key, "url signing");
  CHECK(url.size() == 64);
  CHECK(url == conn::derive_secret(key_of('a'), "url signing"));
  CHECK(url != conn::derive_secret(key, "webhooks"));
  CHECK(url != conn::derive_secret(key_of('b'), "url signing"));
  CHECK(url != std::string(64, 'a'));
}

TEST_CASE("the secrets key comes from the flag's file, else the environment, else DATA",
          "[connections][secrets]") {
  TempDir dir;
  std::string error;
  conn::KeySource source;
  source.data_dir = dir.path();
  source.create = false;
  CHECK_FALSE(conn::load_secrets_key(source, &error));
  CHECK_THAT(error, Catch::Contains("secrets-key") && Catch::Contains("WFC_SECRETS_KEY"));
  CHECK_FALSE(fs::exists(dir.path() / "secrets-key"));

  source.create = true;
  auto made = conn::load_secrets_key(source, &error);
  REQUIRE(made);
  struct stat st {};
  REQUIRE(stat((dir.path() / "secrets-key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = conn::load_secrets_key(source, &error);
  REQUIRE(again);
  CHECK(again->id == made->id);  // kept, not made anew

  std::string env = std::string(64, 'c');
  source.env = env.c_str();
  CHECK(conn::load_secrets_key(source, &error)->id == key_of('c').id);
  std::string bad = "not a key";
  source.env = bad.c_str();
  CHECK_FALSE(conn::load_secrets_key(source, &error));
  CHECK_THAT(error, Catch::Contains("WFC_SECRETS_KEY is not usable"));
  CHECK(error.find("not a key") == std::string::npos);

  wfc::test::write_bytes(dir.path() / "k", std::string(64, 'd') + "\n");
  source.file = dir.path() / "k";
  CHECK(conn::load_secrets_key(source, &error)->id == key_of('d').id);
}

TEST_CASE(
    "wfc serve on PostgreSQL refuses to start without the shared secrets key, and starts with it",
    "[connections][secrets][pg][cli]") {
  TempDir dir;
  std::string store = wfc::test::postgres_url();
  fs::path data = dir.path() / "data";
  // No key: exit 2 before anything is made, naming the flag, the variable and how to make a key.
  auto refused = wfc::test::run_wfc(
      dir, {"serve", "--listen", "127.0.0.1:0", "--store", store, "--data", data.string()},
      "WFC_SECRETS_KEY=");
  INFO(refused.err);
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("PostgreSQL") && Catch::Contains("--secrets-key FILE") &&
                              Catch::Contains("WFC_SECRETS_KEY") &&
                              Catch::Contains("openssl rand -hex 32"));
  CHECK(refused.out.find("listening on") == std::string::npos);
  CHECK_FALSE(fs::exists(data / "secrets-key"));

  // The key's file: it starts, and seals a connection's secret with that key.
  wfc::test::write_bytes(dir.path() / "key", std::string(64, '7') + "\n");
  std::vector<std::string> flags = {"--store", store, "--workers", "0"};
  {
    std::vector<std::string> with_file = flags;
    with_file.insert(with_file.end(), {"--secrets-key", (dir.path() / "key").string()});
    ApiServer api(dir, with_file, true, {"WFC_SECRETS_KEY="});
    CHECK(api.get("/connections").status == 200);
    CHECK_FALSE(fs::exists(data / "secrets-key"));  // none made of its own
  }
  // The key in the environment, as docs/deploy.md's cluster.env gives it.
  {
    ApiServer api(dir, flags, true, {"WFC_SECRETS_KEY=" + std::string(64, '7')});
    CHECK(api.get("/connections").status == 200);
  }
  // A DATA/secrets-key already there (a node of one machine moved to PostgreSQL) is a key.
  wfc::test::write_bytes(data / "secrets-key", std::string(64, '7') + "\n");
  ApiServer api(dir, flags, true, {"WFC_SECRETS_KEY="});
  CHECK(api.get("/connections").status == 200);
  api.stop();
  wfc::test::shared_postgres().drop_database(store);

  // On SQLite nothing changed: the key is made in DATA at the first start.
  TempDir lone;
  ApiServer sqlite(lone, {"--workers", "0"}, true, {"WFC_SECRETS_KEY="});
  CHECK(sqlite.get("/connections").status == 200);
  CHECK(fs::exists(lone.path() / "data" / "secrets-key"));
}

TEST_CASE("the store keeps connections and pages them by (created_at, seq)",
          "[connections][store]") {
  TempDir dir;
  wfc::store::SqliteStore::Options options;
  options.path = dir.path() / "wfc.db";
  wfc::store::SqliteStore store(options);
  CHECK(store.schema_version() >= 5);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    wfc::store::Connection c;
    c.name = "c" + std::to_string(i);
    c.settings = {{"bucket", "b"}, {"region", "us-east-1"}};
    c.sealed_secret = "wfcs1.x.y";
    c.created_by = "key_aaaaaaaaaaaaaaaa";
    auto made = store.create_connection(c);
    CHECK(made.id.rfind("conn_", 0) == 0);
    CHECK(made.created_at > 0);
    ids.push_back(made.id);
  }
  auto got = store.get_connection(ids[2]);
  REQUIRE(got);
  CHECK(got->name == "c2");
  CHECK(got->settings["bucket"] == "b");
  CHECK(got->sealed_secret == "wfcs1.x.y");
  wfc::store::ListQuery q;
  q.limit = 2;
  q.order = wfc::store::Order::Asc;
  std::vector<std::string> walked;
  for (;;) {
    auto page = store.list_connections(q);
    REQUIRE(page);
    for (auto& c : page->items) walked.push_back(c.id);
    if (!page->has_more) break;
    q.after = page->items.back().id;
  }
  CHECK(walked == ids);
  q.after = "conn_nosuchconnection";
  CHECK_FALSE(store.list_connections(q));
  got->name = "renamed";
  CHECK(store.update_connection(*got));
  CHECK(store.get_connection(ids[2])->name == "renamed");
  CHECK(store.delete_connection(ids[2]));
  CHECK_FALSE(store.delete_connection(ids[2]));
  CHECK_FALSE(store.get_connection(ids[2]));
  got->id = "conn_nosuchconnection";
  CHECK_FALSE(store.update_connection(*got));
}

TEST_CASE("/connections: create, list, get, patch, delete, and every bad field located",
          "[connections][api]") {
  TempDir dir;
  ApiServer api(dir);
  json body = {{"kind", "s3"},
               {"name", "archive"},
               {"endpoint", "http://127.0.0.1:9000/"},
               {"region", "eu-west-1"},
               {"access_key_id", "AKIAEXAMPLE"},
               {"secret_access_key", kSecret},
               {"bucket", "media-archive"}};
  Answer made = api.post("/connections", body);
  INFO(made.text);
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  CHECK(id.rfind("conn_", 0) == 0);
  CHECK(made.body["object"] == "connection");
  CHECK(made.body["endpoint"] == "http://127.0.0.1:9000");  // the trailing '/' dropped
  CHECK(made.body["region"] == "eu-west-1");
  CHECK(made.body["bucket"] == "media-archive");
  CHECK(made.body["access_key_id"] == "AKIAEXAMPLE");
  CHECK(made.body["secret_access_key_set"] == true);
  CHECK_FALSE(made.body.contains("secret_access_key"));
  CHECK(made.body["created_by"].get<std::string>().rfind("key_", 0) == 0);

  // Bad values: 422 located at the field, nothing made.
  struct Bad {
    json change;
    std::string field;
    int status;
  };
  std::vector<Bad> bad = {
      {{{"kind", "gcs"}}, "kind", 422},
      {{{"endpoint", "ftp://host"}}, "endpoint", 422},
      {{{"endpoint", "http://host/path"}}, "endpoint", 422},
      {{{"endpoint", "host:9000"}}, "endpoint", 422},
      {{{"region", "EU West"}}, "region", 422},
      {{{"bucket", "No_Such Bucket"}}, "bucket", 422},
      {{{"name", ""}}, "name", 422},
      {{{"name", std::string(201, 'n')}}, "name", 422},
      {{{"access_key_id", "has space"}}, "access_key_id", 422},
      {{{"secret_access_key", ""}}, "secret_access_key", 422},
      {{{"secret_access_key", "tab\there"}}, "secret_access_key", 422},
      {{{"region", 5}}, "region", 400},
      {{{"name", nullptr}}, "name", 400},
  };
  for (const Bad& b : bad) {
    json sent = body;
    sent.update(b.change);
    INFO(sent.dump());
    Answer a = api.post("/connections", sent);
    INFO(a.text);
    CHECK(a.status == b.status);
    CHECK(a.body["kind"] == "request_invalid");
    CHECK(a.body["field"] == b.field);
    CHECK(a.body["pointer"] == "/" + b.field);
    CHECK(a.text.find("tab\there") == std::string::npos);
  }
  for (const char* missing : {"name", "access_key_id", "secret_access_key"}) {
    json sent = body;
    sent.erase(missing);
    Answer a = api.post("/connections", sent);
    CHECK(a.status == 400);
    CHECK(a.body["field"] == missing);
  }
  Answer unknown = api.post("/connections", json{{"name", "x"}, {"secret", "s"}});
  CHECK(unknown.status == 400);
  CHECK(unknown.body["field"] == "secret");
  CHECK(api.get("/connections").body["data"].size() == 1);

  // Get, list (cursor pages), 404s.
  Answer got = api.get("/connections/" + id);
  REQUIRE(got.status == 200);
  CHECK(got.body == made.body);
  CHECK(api.get("/connections/conn_0000000000000000").body["kind"] == "connection_not_found");
  CHECK(api.get("/connections/conn_0000000000000000").status == 404);
  for (int i = 0; i < 2; ++i) {
    json more = body;
    more["name"] = "more" + std::to_string(i);
    REQUIRE(api.post("/connections", more).status == 201);
  }
  Answer page1 = api.get("/connections?limit=2&order=asc");
  REQUIRE(page1.status == 200);
  REQUIRE(page1.body["data"].size() == 2);
  CHECK(page1.body["data"][0]["id"] == id);
  CHECK(page1.body["has_more"] == true);
  std::string after = page1.body["data"][1]["id"];
  Answer page2 = api.get("/connections?limit=2&order=asc&after=" + after);
  REQUIRE(page2.body["data"].size() == 1);
  CHECK(page2.body["data"][0]["name"] == "more1");
  CHECK(page2.body["has_more"] == false);

  // PATCH: any field but kind; null clears bucket and endpoint; a new secret is sealed anew.
  Answer patched = api.request("PATCH", "/connections/" + id,
                               json{{"name", "renamed"}, {"bucket", nullptr}}.dump());
  INFO(patched.text);
  REQUIRE(patched.status == 200);
  CHECK(patched.body["name"] == "renamed");
  CHECK(patched.body["bucket"].is_null());
  CHECK(patched.body["endpoint"] == "http://127.0.0.1:9000");
  CHECK(patched.body["secret_access_key_set"] == true);
  Answer kind = api.request("PATCH", "/connections/" + id, json{{"kind", "s3"}}.dump());
  CHECK(kind.status == 422);
  CHECK(kind.body["pointer"] == "/kind");
  Answer endpoint = api.request("PATCH", "/connections/" + id, json{{"endpoint", "x"}}.dump());
  CHECK(endpoint.status == 422);
  CHECK(endpoint.body["field"] == "endpoint");
  CHECK(api.get("/connections/" + id).body["endpoint"] == "http://127.0.0.1:9000");
  CHECK(api.request("PATCH", "/connections/conn_0000000000000000", "{}").status == 404);

  // DELETE: gone, and a second DELETE is a 404.
  Answer deleted = api.request("DELETE", "/connections/" + id);
  CHECK(deleted.status == 200);
  CHECK(deleted.body["deleted"] == true);
  CHECK(api.get("/connections/" + id).status == 404);
  CHECK(api.request("DELETE", "/connections/" + id).status == 404);
  // Every route needs a key.
  CHECK(api.get("/connections", nullptr).status == 401);
  CHECK(api.post("/connections", body, {}, nullptr).status == 401);
}

TEST_CASE("a run or task naming an unknown connection, or none for s3://, is a located 422",
          "[connections][api]") {
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  json tasks = json::parse(R"([{"kind": "ingest", "options": {"url": "https://example.com/a.mp4"},
      "next": [{"kind": "export", "options": {"url": "s3://b/out/",
                                              "connection_id": "conn_0000000000000000"}}]}])");
  Answer unknown = api.post("/runs", {{"tasks", tasks}});
  INFO(unknown.text);
  CHECK(unknown.status == 422);
  CHECK(unknown.body["kind"] == "connection_not_found");
  CHECK(unknown.body["pointer"] == "/tasks/0/next/0/options/connection_id");
  tasks[0]["next"][0]["options"].erase("connection_id");
  Answer none = api.post("/runs", {{"tasks", tasks}});
  CHECK(none.status == 422);
  CHECK(none.body["kind"] == "connection_required");
  CHECK(none.body["pointer"] == "/tasks/0/next/0/options/connection_id");
  // An ingest of s3:// likewise.
  json ingest = json::parse(R"([{"kind": "ingest", "options": {"url": "s3://b/in.mp4",
      "connection_id": "conn_0000000000000000"}, "next": [{"kind": "image"}]}])");
  Answer in = api.post("/runs", {{"tasks", ingest}});
  CHECK(in.status == 422);
  CHECK(in.body["pointer"] == "/tasks/0/options/connection_id");
  // POST /tasks (seeds/004's export) and an automation's trigger.
  Answer task = api.post("/tasks", json::parse(R"({"kind": "export",
      "url": "https://example.com/a.mp4",
      "options": {"url": "s3://b/k.mp4", "connection_id": "conn_0000000000000000"}})"));
  INFO(task.text);
  CHECK(task.status == 422);
  CHECK(task.body["pointer"] == "/options/connection_id");
  Answer automation = api.post("/automations", json::parse(R"({"name": "a", "workflow": [
      {"kind": "export", "options": {"url": "s3://b/k/", "connection_id": "conn_0000000000000000"}}]})"));
  REQUIRE(automation.status == 201);
  Answer trigger = api.post("/automations/" + automation.body["id"].get<std::string>() + "/run",
                            {{"url", "https://example.com/a.mp4"}});
  CHECK(trigger.status == 422);
  CHECK(trigger.body["kind"] == "connection_not_found");
  CHECK_THAT(trigger.body["message"].get<std::string>(), Catch::Contains("automation"));
  CHECK(api.get("/runs").body["data"].empty());
}

TEST_CASE("export through a connection lands an MP4 and an HLS ladder's whole folder in the bucket",
          "[connections][s3][media]") {
  TempDir dir;
  S3rver s3(dir);
  fs::path media = dir.path() / "media";
  fs::create_directories(media);
  fs::copy_file(wfc::test::sample("av.mp4"), media / "in.mp4");
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1", "--allow-files", media.string()});
  Answer made = api.post("/connections", connection_body(s3));
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];

  json tasks = json::array({{{"kind", "ingest"},
                             {"options", {{"url", "file://" + (media / "in.mp4").string()}}},
                             {"next", json::parse(R"([
      {"kind": "video", "options": {"width": 160, "format": "mp4"},
       "next": [{"kind": "export", "options": {"url": "s3://wfc-test/out/"}}]},
      {"kind": "adaptive_video", "options": {"renditions": [{"height": 90}, {"height": 120}]},
       "next": [{"kind": "export", "options": {"url": "s3://wfc-test/ladders/show1/"}}]}])")}}});
  for (json* e : {&tasks[0]["next"][0]["next"][0], &tasks[0]["next"][1]["next"][0]})
    (*e)["options"]["connection_id"] = id;
  Answer run = api.post("/runs", {{"tasks", tasks}});
  INFO(run.text);
  REQUIRE(run.status == 201);
  json done = api.wait_run(run.body["id"]);
  INFO(done.dump(2) << api.log());
  REQUIRE(done["status"] == "succeeded");
  fs::path run_dir = dir.path() / "data" / "runs" / done["id"].get<std::string>();
  auto bucket = wfc::test::test_bucket(s3);

  // The MP4: its object is the output's bytes, and the export's output names it.
  json video = task_of(done, "video")["outputs"][0];
  fs::path local = run_dir / video["filename"].get<std::string>();
  REQUIRE(fs::is_regular_file(local));
  std::string name = local.filename().string();
  std::vector<json> exports;
  for (const json& t : done["tasks"])
    if (t["kind"] == "export") exports.push_back(t);
  REQUIRE(exports.size() == 2);
  json mp4_export = exports[0]["outputs"][0]["format"] == "mp4" ? exports[0] : exports[1];
  json hls_export = exports[0]["outputs"][0]["format"] == "mp4" ? exports[1] : exports[0];
  CHECK(mp4_export["outputs"][0]["url"] == "s3://wfc-test/out/" + name);
  CHECK(wfc::test::read_all(bucket, "out/" + name) == bytes_of(local));

  // The ladder: every file of the playlist's folder, at the same relative keys.
  json playlist = task_of(done, "adaptive_video")["outputs"][0];
  fs::path master = run_dir / playlist["filename"].get<std::string>();
  REQUIRE(fs::is_regular_file(master));
  std::vector<std::string> expected;
  for (auto& e : fs::recursive_directory_iterator(master.parent_path())) {
    if (!e.is_regular_file()) continue;
    expected.push_back("s3://wfc-test/ladders/show1/" +
                       e.path().lexically_relative(master.parent_path()).generic_string());
  }
  std::sort(expected.begin(), expected.end());
  CHECK(expected.size() >= 5);  // the master, two variant playlists, their segments
  json out = hls_export["outputs"][0];
  CHECK(out["url"] == "s3://wfc-test/ladders/show1/" + master.filename().string());
  CHECK(out["objects"] == json(expected));
  auto listed = bucket.list("ladders/show1");
  REQUIRE(listed.ok());
  REQUIRE(listed.value.size() == expected.size());
  for (const auto& o : listed.value) {
    fs::path file = master.parent_path() / o.key.substr(std::string("ladders/show1/").size());
    INFO(o.key);
    CHECK(wfc::test::read_all(bucket, o.key) == bytes_of(file));
  }
}

TEST_CASE(
    "the access policy gates a connection's endpoint, and a wrong secrets key names the "
    "connection",
    "[connections][s3][media]") {
  TempDir dir;
  S3rver s3(dir);
  fs::path media = dir.path() / "media";
  fs::create_directories(media);
  fs::copy_file(wfc::test::sample("av.mp4"), media / "in.mp4");
  // No --allow-hosts: s3rver on 127.0.0.1 is a loopback address the policy refuses.
  wfc::test::write_bytes(dir.path() / "key1", std::string(64, '1'));
  ApiServer api(dir,
                {"--allow-files", media.string(), "--secrets-key", (dir.path() / "key1").string()});
  std::string id = api.post("/connections", connection_body(s3)).body["id"];
  json task = {{"kind", "export"},
               {"url", "file://" + (media / "in.mp4").string()},
               {"options", {{"url", "s3://wfc-test/gated.mp4"}, {"connection_id", id}}}};
  Answer made = api.post("/tasks", task);
  INFO(made.text);
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["run_id"]);
  json exported = task_of(run, "export");
  INFO(exported.dump(2));
  CHECK(exported["status"] == "failed");
  CHECK(exported["error"]["kind"] == "storage_refused");
  CHECK_THAT(exported["error"]["message"].get<std::string>(),
             Catch::Contains("--allow-hosts") && Catch::Contains(id));
  CHECK_FALSE(wfc::test::test_bucket(s3).stat("gated.mp4").value.exists);

  // Another key than the one that sealed it: the task fails naming the connection and both keys.
  wfc::test::write_bytes(dir.path() / "key2", std::string(64, '2'));
  api.restart({"--allow-files", media.string(), "--allow-hosts", "127.0.0.1", "--secrets-key",
               (dir.path() / "key2").string()},
              true);
  // Said at the start, too: which connection, which key.
  CHECK_THAT(api.log(), Catch::Contains("warning: 1 connection(s) (" + id + ")") &&
                            Catch::Contains(key_of('1').id));
  made = api.post("/tasks", task);
  REQUIRE(made.status == 201);
  exported = task_of(api.wait_run(made.body["run_id"]), "export");
  CHECK(exported["error"]["kind"] == "connection_unusable");
  std::string message = exported["error"]["message"];
  CHECK_THAT(message, Catch::Contains(id) && Catch::Contains("archive") &&
                          Catch::Contains(key_of('1').id) && Catch::Contains(key_of('2').id));
  CHECK(message.find(kSecret) == std::string::npos);
  // With its own key again it works.
  api.restart({"--allow-files", media.string(), "--allow-hosts", "127.0.0.1", "--secrets-key",
               (dir.path() / "key1").string()},
              true);
  made = api.post("/tasks", task);
  REQUIRE(made.status == 201);
  exported = task_of(api.wait_run(made.body["run_id"]), "export");
  INFO(exported.dump(2) << api.log());
  CHECK(exported["status"] == "succeeded");
  CHECK(exported["outputs"][0]["url"] == "s3://wfc-test/gated.mp4");
  auto bucket = wfc::test::test_bucket(s3);
  CHECK(wfc::test::read_all(bucket, "gated.mp4") == bytes_of(media / "in.mp4"));
}

TEST_CASE(
    "an s3:// input is ingested through a connection, and a secret is never shown or kept "
    "in clear",
    "[connections][s3][secrets][media]") {
  TempDir dir;
  S3rver s3(dir);
  auto bucket = wfc::test::test_bucket(s3);
  REQUIRE_FALSE(bucket.put_file("incoming/clip+one.mp4", wfc::test::sample("av.mp4")));
  wfc::test::HttpServer hooks;
  std::mutex mu;
  std::vector<std::string> bodies;
  hooks.server().Post("/hook", [&](const httplib::Request& req, httplib::Response&) {
    std::lock_guard lock(mu);
    bodies.push_back(req.body);
  });
  hooks.start();
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  std::vector<std::string> answers;
  auto keep = [&](const Answer& a) {
    answers.push_back(a.text);
    return a;
  };
  json body = connection_body(s3);
  body.erase("bucket");
  Answer made = keep(api.post("/connections", body));
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  keep(api.get("/connections"));
  keep(api.get("/connections/" + id));
  keep(api.request("PATCH", "/connections/" + id,
                   json{{"secret_access_key", kSecret}, {"name", "again"}}.dump()));

  json tasks = json::parse(R"([{"kind": "ingest",
      "options": {"url": "s3://wfc-test/incoming/clip+one.mp4"},
      "next": [{"kind": "image", "options": {"width": 64, "format": "png"}},
               {"kind": "export", "options": {"url": "s3://wfc-test/copies/"}}]}])");
  tasks[0]["options"]["connection_id"] = id;
  tasks[0]["next"][1]["options"]["connection_id"] = id;
  Answer run = keep(api.post("/runs", {{"tasks", tasks}, {"webhook_url", hooks.url("/hook")}}));
  INFO(run.text);
  REQUIRE(run.status == 201);
  json done = api.wait_run(run.body["id"]);
  INFO(done.dump(2) << api.log());
  REQUIRE(done["status"] == "succeeded");
  json ingested = task_of(done, "ingest")["outputs"][0];
  CHECK(ingested["kind"] == "video");
  CHECK(ingested["width"] == 320);
  CHECK(task_of(done, "image")["outputs"][0]["width"] == 64);
  CHECK(wfc::test::read_all(bucket, "copies/clip_one.mp4") ==
        bytes_of(wfc::test::sample("av.mp4")));
  // A run's own input: an automation triggered on an s3:// url, and POST /tasks on one, each
  // with connection_id beside the url; answers show the url without the connection in it.
  Answer automation = keep(api.post("/automations", json::parse(R"({"name": "stills",
      "workflow": [{"kind": "image", "options": {"width": 48, "format": "png"}}]})")));
  REQUIRE(automation.status == 201);
  Answer triggered =
      keep(api.post("/automations/" + automation.body["id"].get<std::string>() + "/run",
                    {{"url", "s3://wfc-test/incoming/clip+one.mp4"}, {"connection_id", id}}));
  INFO(triggered.text);
  REQUIRE(triggered.status == 201);
  json still = api.wait_run(triggered.body["id"]);
  INFO(still.dump(2) << api.log());
  CHECK(still["status"] == "succeeded");
  CHECK(task_of(still, "image")["outputs"][0]["width"] == 48);
  CHECK(still.dump().find(id + "@") == std::string::npos);
  Answer task = keep(api.post(
      "/tasks",
      {{"kind", "probe"}, {"url", "s3://wfc-test/incoming/clip+one.mp4"}, {"connection_id", id}}));
  INFO(task.text);
  REQUIRE(task.status == 201);
  CHECK(task.body["input"]["url"] == "s3://wfc-test/incoming/clip+one.mp4");
  CHECK(api.wait_run(task.body["run_id"])["status"] == "succeeded");
  Answer without =
      api.post("/tasks", {{"kind", "probe"}, {"url", "s3://wfc-test/incoming/clip+one.mp4"}});
  CHECK(without.status == 422);
  CHECK(without.body["kind"] == "connection_required");
  CHECK(without.body["pointer"] == "/connection_id");
  Answer beside = api.post(
      "/tasks", {{"kind", "probe"}, {"url", "https://example.com/a.mp4"}, {"connection_id", id}});
  CHECK(beside.status == 422);
  CHECK(beside.body["pointer"] == "/connection_id");
  Answer with_input =
      api.post("/tasks", {{"kind", "probe"},
                          {"input", {{"url", "s3://wfc-test/incoming/clip+one.mp4"}}},
                          {"connection_id", id}});
  CHECK(with_input.status == 422);
  CHECK(with_input.body["pointer"] == "/connection_id");
  // A missing object fails the ingest with input_not_found.
  tasks[0]["options"]["url"] = "s3://wfc-test/incoming/none.mp4";
  json missing = api.wait_run(keep(api.post("/runs", {{"tasks", tasks}})).body["id"]);
  CHECK(task_of(missing, "ingest")["error"]["kind"] == "input_not_found");

  keep(api.get("/runs/" + done["id"].get<std::string>()));
  keep(api.get("/runs"));
  keep(api.get("/tasks"));
  keep(api.get("/events?limit=100"));
  // The webhook deliveries of the run's events (their count is not asserted: only their bodies).
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (bodies.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  api.stop();
  std::lock_guard lock(mu);
  CHECK_FALSE(bodies.empty());
  for (const std::string& text : answers) CHECK(text.find(kSecret) == std::string::npos);
  for (const std::string& text : bodies) CHECK(text.find(kSecret) == std::string::npos);
  std::string log = api.log();
  CHECK_FALSE(log.empty());
  CHECK(log.find(kSecret) == std::string::npos);
  // The database and its WAL hold it sealed, never in clear.
  std::string stored;
  for (const char* file : {"wfc.db", "wfc.db-wal"}) {
    fs::path p = dir.path() / "data" / file;
    if (fs::exists(p)) stored += bytes_of(p);
  }
  CHECK(stored.find("wfcs1.") != std::string::npos);
  CHECK(stored.find(kSecret) == std::string::npos);
}

TEST_CASE("an import of s3:// reads through its connection, and needs one",
          "[connections][s3][media]") {
  TempDir dir;
  S3rver s3(dir);
  auto bucket = wfc::test::test_bucket(s3);
  REQUIRE_FALSE(bucket.put_file("originals/take.mp4", wfc::test::sample("av.mp4")));
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  json tasks =
      json::parse(R"([{"kind": "import", "options": {"url": "s3://wfc-test/originals/take.mp4"},
      "next": [{"kind": "image", "options": {"width": 40, "format": "png"}}]}])");
  Answer none = api.post("/runs", {{"tasks", tasks}});
  INFO(none.text);
  CHECK(none.status == 422);
  CHECK(none.body["kind"] == "connection_required");
  CHECK(none.body["pointer"] == "/tasks/0/options/connection_id");

  Answer made = api.post("/connections", connection_body(s3));
  REQUIRE(made.status == 201);
  tasks[0]["options"]["connection_id"] = made.body["id"];
  Answer run = api.post("/runs", {{"tasks", tasks}});
  INFO(run.text);
  REQUIRE(run.status == 201);
  json done = api.wait_run(run.body["id"]);
  INFO(done.dump(2) << api.log());
  REQUIRE(done["status"] == "succeeded");
  // The original, byte for byte, as the run's file; what reads it made its own.
  json imported = task_of(done, "import")["outputs"][0];
  CHECK(imported["kind"] == "video");
  Answer bytes = api.get("/files/" + done["id"].get<std::string>() + "/" +
                         imported["filename"].get<std::string>());
  CHECK(bytes.status == 200);
  CHECK(bytes.text == bytes_of(wfc::test::sample("av.mp4")));
  CHECK(task_of(done, "image")["outputs"][0]["width"] == 40);
}

TEST_CASE("wfc run --connections FILE exports through a connection from a YAML file",
          "[connections][s3][cli][media]") {
  TempDir dir;
  S3rver s3(dir);
  fs::path wf = wfc::test::write_bytes(dir.path() / "wf.json", R"([
    {"kind": "export", "options": {"url": "s3://wfc-test/cli/", "connection_id": "conn_cli0000000000000"}}])");
  std::ofstream(dir.path() / "connections.yaml")
      << "conn_cli0000000000000:\n  kind: s3\n  name: from a file\n  endpoint: " << s3.endpoint()
      << "\n  access_key_id: S3RVER\n  secret_access_key: " << kSecret << "\n";
  auto ok = wfc::test::run_wfc(
      dir, {"run", wf.string(), "--input", wfc::test::sample("av.mp4").string(), "--out",
            (dir.path() / "out").string(), "--allow-hosts", "127.0.0.1", "--connections",
            (dir.path() / "connections.yaml").string(), "--json"});
  INFO(ok.out << ok.err);
  REQUIRE(ok.status == 0);
  auto bucket = wfc::test::test_bucket(s3);
  CHECK(wfc::test::read_all(bucket, "cli/av.mp4") == bytes_of(wfc::test::sample("av.mp4")));
  CHECK(ok.out.find("s3://wfc-test/cli/av.mp4") != std::string::npos);
  CHECK(ok.out.find(kSecret) == std::string::npos);
  CHECK(ok.err.find(kSecret) == std::string::npos);

  // A bad file: exit 2, naming the file, the connection and the field.
  std::ofstream(dir.path() / "bad.json")
      << R"({"conn_cli0000000000000": {"name": "x", "endpoint": "ftp://h", "access_key_id": "a",
            "secret_access_key": "b"}})";
  auto bad = wfc::test::run_wfc(
      dir, {"run", wf.string(), "--input", wfc::test::sample("av.mp4").string(), "--out",
            (dir.path() / "out2").string(), "--connections", (dir.path() / "bad.json").string()});
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err,
             Catch::Contains("bad.json") && Catch::Contains("/conn_cli0000000000000/endpoint"));
  // Without the file the export fails naming what is missing.
  auto none =
      wfc::test::run_wfc(dir, {"run", wf.string(), "--input", wfc::test::sample("av.mp4").string(),
                               "--out", (dir.path() / "out3").string(), "--json"});
  CHECK(none.status == 1);
  CHECK_THAT(none.out, Catch::Contains("connection_not_found") && Catch::Contains("--connections"));
}
