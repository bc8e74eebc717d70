// Outputs through the Storage interface (issue 21, points 2's --storage and 4; docs/storage.md,
// "Wiring"): the StoringExecutor that puts each task's files into the storage before its success
// is recorded and fetches a missing input back; open_storage's URLs; and the real `wfc serve
// --storage s3://…` against a real s3rver on loopback: outputs land in the bucket, the API streams
// them with Range (and ffmpeg plays the HLS ladder through it), DELETE removes the objects,
// presigned URLs are S3's own, and a bucket that is down fails the task storage_unavailable
// naming the endpoint. `wfc run --storage` puts its outputs in the bucket too.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "runtime/api/sign_urls.h"
#include "runtime/exec/stored_outputs.h"
#include "runtime/ingest/issued_file.h"
#include "runtime/storage/local_storage.h"
#include "runtime/storage/open_storage.h"
#include "runtime/storage/s3_storage.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"
#include "tests/unit/test_storage.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::exec::FileRef;
using wfc::exec::NodeResult;
using wfc::exec::TaskError;
using wfc::exec::Work;
using wfc::storage::StorageErrorKind;
using wfc::test::Answer;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// ---- StoringExecutor, on a local directory as the storage ----------------------------------

/// Writes the files it is told to for its one node, as an operator would.
class FakeExecutor : public wfc::exec::Executor {
 public:
  std::vector<std::pair<std::string, json>> files;  // relative path, File object
  std::vector<fs::path> inputs_seen;                // the input, as it was when executed
  std::optional<TaskError> error;
  std::optional<json> probe(const fs::path&, TaskError*) override { return json::object(); }
  std::vector<NodeResult> execute(const Work& work) override {
    inputs_seen.push_back(work.input.path);
    NodeResult r{work.nodes[0]->id, {}, error, std::nullopt};
    for (const auto& [rel, file] : files) {
      fs::path p = work.workspace / rel;
      fs::create_directories(p.parent_path());
      wfc::test::write_bytes(p, "bytes of " + rel);
      r.outputs.push_back({p, file});
    }
    return {r};
  }
};

/// A storage that counts puts, over a LocalStorage; it can be made to fail them.
class CountingStorage : public wfc::storage::Storage {
 public:
  explicit CountingStorage(fs::path root) : inner(std::move(root)) {}
  wfc::storage::LocalStorage inner;
  std::vector<std::string> puts;
  bool down = false;
  std::string describe() const override { return "s3://bucket/prefix"; }
  wfc::storage::StorageStatus put_file(std::string_view key, const fs::path& file) override {
    puts.emplace_back(key);
    if (down) {
      return wfc::storage::StorageError{
          StorageErrorKind::Unavailable,
          "cannot reach the bucket at http://127.0.0.1:9 after 4 attempts: connection refused"};
    }
    return inner.put_file(key, file);
  }
  wfc::storage::StorageStatus read(std::string_view key, const wfc::storage::ByteSink& sink,
                                   std::optional<wfc::storage::ByteRange> range) override {
    return inner.read(key, sink, range);
  }
  wfc::storage::StorageResult<wfc::storage::ObjectStat> stat(std::string_view key) override {
    return inner.stat(key);
  }
  wfc::storage::StorageStatus remove(std::string_view key) override { return inner.remove(key); }
  wfc::storage::StorageStatus remove_prefix(std::string_view prefix) override {
    return inner.remove_prefix(prefix);
  }
  wfc::storage::StorageResult<std::vector<wfc::storage::ObjectInfo>> list(
      std::string_view prefix) override {
    return inner.list(prefix);
  }
  std::optional<fs::path> local_file(std::string_view key) const override {
    return inner.local_file(key);
  }
};

Work work_for(const wfc::plan::Node& node, const fs::path& workspace, FileRef input = {}) {
  Work w;
  w.nodes = {&node};
  w.workspace = workspace;
  w.input = std::move(input);
  return w;
}

}  // namespace

TEST_CASE("a succeeded task's files are stored before the scheduler hears of it, playlists whole",
          "[objects]") {
  TempDir dir;
  fs::path workspace = dir.path() / "work" / "run_a";
  fs::create_directories(workspace);
  CountingStorage bucket(dir.path() / "bucket");
  FakeExecutor fake;
  wfc::exec::StoringExecutor storing(fake, bucket, "run_a", workspace);
  wfc::plan::Node node;
  node.id = "t0";

  fake.files = {{"t0.mp4", {{"kind", "video"}}},
                {"hls/master.m3u8", {{"kind", "playlist"}, {"format", "hls"}}}};
  fs::create_directories(workspace / "hls" / "v0");
  wfc::test::write_bytes(workspace / "hls" / "v0" / "index.m3u8", "variant");
  wfc::test::write_bytes(workspace / "hls" / "v0" / "seg_000.ts", "segment");
  auto results = storing.execute(work_for(node, workspace));
  REQUIRE(results.size() == 1);
  REQUIRE_FALSE(results[0].error);
  // The key layout: <run id>/<path>; the playlist's folder with it, the playlist last.
  std::vector<std::string> want = {"run_a/t0.mp4", "run_a/hls/v0/index.m3u8",
                                   "run_a/hls/v0/seg_000.ts", "run_a/hls/master.m3u8"};
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  CHECK(sorted(bucket.puts) == sorted(want));
  CHECK(bucket.puts.back() == "run_a/hls/master.m3u8");
  CHECK(wfc::test::read_all(bucket, "run_a/hls/v0/seg_000.ts") == "segment");
  CHECK(wfc::test::read_all(bucket, "run_a/t0.mp4") == "bytes of t0.mp4");

  // The bucket down: the task fails with the storage's kind, naming the file and the endpoint.
  bucket.down = true;
  fake.files = {{"t1.png", {{"kind", "image"}}}};
  results = storing.execute(work_for(node, workspace));
  REQUIRE(results[0].error);
  CHECK(results[0].error->kind == "storage_unavailable");
  CHECK_THAT(results[0].error->message, Catch::Contains("'t1.png'") &&
                                            Catch::Contains("s3://bucket/prefix") &&
                                            Catch::Contains("http://127.0.0.1:9"));
  CHECK(results[0].outputs.empty());
  // A task that failed on its own stores nothing.
  bucket.down = false;
  bucket.puts.clear();
  fake.error = TaskError{"input_invalid", "no video stream"};
  results = storing.execute(work_for(node, workspace));
  CHECK(results[0].error->kind == "input_invalid");
  CHECK(bucket.puts.empty());
}

TEST_CASE("an input missing from the workspace is fetched from the storage before the task runs",
          "[objects]") {
  TempDir dir;
  fs::path workspace = dir.path() / "work" / "run_b";
  fs::create_directories(workspace);
  CountingStorage bucket(dir.path() / "bucket");
  // What another worker stored before it died: a parent's output, and a playlist's folder.
  REQUIRE_FALSE(bucket.inner.put_file("run_b/t0.mp4",
                                      wfc::test::write_bytes(dir.path() / "x", "parent bytes")));
  REQUIRE_FALSE(bucket.inner.put_file("run_b/hls/master.m3u8",
                                      wfc::test::write_bytes(dir.path() / "m", "master")));
  REQUIRE_FALSE(bucket.inner.put_file("run_b/hls/v0/seg.ts",
                                      wfc::test::write_bytes(dir.path() / "s", "seg")));
  FakeExecutor fake;
  wfc::exec::StoringExecutor storing(fake, bucket, "run_b", workspace);
  wfc::plan::Node node;
  node.id = "t1";
  auto results = storing.execute(work_for(node, workspace, {workspace / "t0.mp4", json::object()}));
  REQUIRE_FALSE(results[0].error);
  CHECK(wfc::test::slurp(workspace / "t0.mp4") == "parent bytes");
  // The input is no new output of this task: passed through, it is not stored again.
  CHECK(bucket.puts.empty());

  storing.execute(work_for(node, workspace, {workspace / "hls/master.m3u8", {{"format", "hls"}}}));
  CHECK(wfc::test::slurp(workspace / "hls/master.m3u8") == "master");
  CHECK(wfc::test::slurp(workspace / "hls/v0/seg.ts") == "seg");

  // Not in the storage either: the task fails with the reason, and the executor is not called.
  fake.inputs_seen.clear();
  results = storing.execute(work_for(node, workspace, {workspace / "gone.mp4", json::object()}));
  REQUIRE(results[0].error);
  CHECK_THAT(results[0].error->message, Catch::Contains("'gone.mp4'"));
  CHECK(fake.inputs_seen.empty());
}

TEST_CASE("with the default storage the workspace is the stored copy: nothing is copied",
          "[objects]") {
  TempDir dir;
  fs::path data = dir.path() / "data";
  auto opened = wfc::storage::open_storage("", data, [](const char*) { return nullptr; });
  REQUIRE(opened.ok());
  fs::path workspace = data / "runs" / "run_c";
  CHECK(wfc::exec::keeps_in_place(*opened.value, "run_c", workspace));
  CHECK_FALSE(wfc::exec::keeps_in_place(*opened.value, "run_c", dir.path() / "elsewhere"));
  // The executor puts nothing: the files are already where the storage keeps them.
  fs::create_directories(workspace);
  CountingStorage runs(data / "runs");
  FakeExecutor fake;
  fake.files = {{"t0.mp4", {{"kind", "video"}}}};
  wfc::exec::StoringExecutor storing(fake, runs, "run_c", workspace);
  wfc::plan::Node node;
  node.id = "t0";
  auto results = storing.execute(work_for(node, workspace));
  REQUIRE_FALSE(results[0].error);
  CHECK(runs.puts.empty());
  CHECK(wfc::test::read_all(*opened.value, "run_c/t0.mp4") == "bytes of t0.mp4");
}

TEST_CASE("open_storage: a directory, file://, s3:// with the AWS variables; other URLs refused",
          "[objects]") {
  TempDir dir;
  std::map<std::string, std::string> env;
  auto getenv = [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto local = wfc::storage::open_storage("", dir.path() / "data", getenv);
  REQUIRE(local.ok());
  CHECK(local.value->describe() == fs::absolute(dir.path() / "data" / "runs").string());
  auto path = wfc::storage::open_storage((dir.path() / "objects").string(), "unused", getenv);
  REQUIRE(path.ok());
  CHECK(path.value->describe() == (dir.path() / "objects").string());
  auto file = wfc::storage::open_storage("file://" + (dir.path() / "o").string(), "x", getenv);
  REQUIRE(file.ok());
  CHECK(file.value->describe() == (dir.path() / "o").string());
  CHECK_FALSE(local.value->presigned_get("run_x/a.mp4", 60, 0));

  auto relative = wfc::storage::open_storage("file://relative/dir", "x", getenv);
  REQUIRE_FALSE(relative.ok());
  CHECK(relative.error->kind == StorageErrorKind::Invalid);
  auto other = wfc::storage::open_storage("gs://bucket/x", "x", getenv);
  REQUIRE_FALSE(other.ok());
  CHECK_THAT(other.error->message,
             Catch::Contains("s3://bucket/prefix") && Catch::Contains("gs://"));

  // s3:// needs the credentials, and says which variable is missing.
  auto bare = wfc::storage::open_storage("s3://media-bucket/wfc", "x", getenv);
  REQUIRE_FALSE(bare.ok());
  CHECK_THAT(bare.error->message, Catch::Contains("AWS_ACCESS_KEY_ID"));
  env = {{"AWS_ACCESS_KEY_ID", "AKID"},
         {"AWS_SECRET_ACCESS_KEY", "sekrit-value"},
         {"WFC_S3_ENDPOINT", "http://127.0.0.1:9000"}};
  auto s3 = wfc::storage::open_storage("s3://media-bucket/wfc", "x", getenv);
  REQUIRE(s3.ok());
  CHECK(s3.value->describe() == "s3://media-bucket/wfc");
  CHECK_FALSE(s3.value->local_file("run_x/a.mp4"));
  auto url = s3.value->presigned_get("run_x/a.mp4", 60, 1796668966);
  REQUIRE(url);
  CHECK(url->rfind("http://127.0.0.1:9000/media-bucket/wfc/run_x/a.mp4?X-Amz-Algorithm=", 0) == 0);
  CHECK(url->find("sekrit-value") == std::string::npos);
}

TEST_CASE("one rule judges a run file's path, whether served, issued or stored", "[objects]") {
  const std::vector<std::pair<std::string, bool>> paths = {
      {"t0.mp4", true},       {"renditions/a b.mp4", true}, {"", false},
      {"/etc/passwd", false}, {"../wfc.db", false},         {"a/../../wfc.db", false},
      {"./t0.mp4", false},    {".input/in.mp4", false},     {"a//b", false},
      {"a/", false},          {"a\\b.mp4", false},          {"a\x01.mp4", false}};
  for (const auto& [path, ok] : paths) {
    INFO("path '" << path << "'");
    CHECK(wfc::ingest::issued_path_ok(path) == ok);
    CHECK(wfc::storage::key_problem(path).empty() == ok);
  }
}

// ---- wfc serve --storage s3://… against s3rver ---------------------------------------------

namespace {

// A run of three outputs: an MP4 rendition, a PNG still and an HLS ladder (a playlist File).
json three_outputs() {
  return json::parse(R"({"name": "outputs", "workflow": [
      {"kind": "video", "options": {"width": 160, "format": "mp4"}},
      {"kind": "image", "options": {"width": 80, "format": "png"}},
      {"kind": "adaptive_video", "options": {"renditions": [{"height": 90}]}}]})");
}

struct Input {
  wfc::test::HttpServer http;
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  Input() {
    http.server().Get("/in.mp4", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(bytes, "video/mp4");
    });
    http.start();
  }
};

std::vector<std::string> s3_env(const wfc::test::S3rver& s3) {
  return {"AWS_ACCESS_KEY_ID=S3RVER", "AWS_SECRET_ACCESS_KEY=S3RVER",
          "WFC_S3_ENDPOINT=" + s3.endpoint()};
}

json start_run(const ApiServer& api, const Input& in, const json& automation) {
  std::string auto_id = api.post("/automations", automation).body["id"];
  auto made = api.post("/automations/" + auto_id + "/run", {{"url", in.http.url("/in.mp4")}});
  REQUIRE(made.status == 201);
  return api.wait_run(made.body["id"]);
}

json output_of(const json& run, const std::string& kind) {
  for (const json& t : run["tasks"]) {
    if (t["kind"] == kind) {
      REQUIRE(t["outputs"].size() == 1);
      return t["outputs"][0];
    }
  }
  FAIL("no " << kind << " task in " << run.dump(2));
  return {};
}

std::string path_of(const std::string& url) {
  size_t scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

int ffmpeg_reads(const std::string& url) {
  std::string cmd =
      "ffmpeg -nostdin -v error -i " + wfc::test::quote(url) + " -f null - >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

}  // namespace

TEST_CASE("wfc serve --storage s3:// keeps outputs in the bucket and serves them from it",
          "[objects][api][s3]") {
  TempDir dir;
  wfc::test::S3rver s3(dir);
  Input in;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1", "--storage", "s3://wfc-test/wfc"}, true,
                s3_env(s3));
  json run = start_run(api, in, three_outputs());
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  std::string run_id = run["id"];
  json video = output_of(run, "video"), image = output_of(run, "image"),
       playlist = output_of(run, "adaptive_video");
  std::string video_path = video["filename"], playlist_path = playlist["filename"];

  // The outputs are objects at <prefix>/<run id>/<path>; the worker's working copy is gone, so
  // what the API serves below comes from the bucket.
  auto bucket = wfc::test::test_bucket(s3, "wfc");
  auto listed = bucket.list(run_id);
  REQUIRE(listed.ok());
  std::set<std::string> keys;
  for (const auto& o : listed.value) keys.insert(o.key);
  std::string folder = playlist_path.substr(0, playlist_path.rfind('/'));
  CHECK(keys.count(run_id + "/" + video_path));
  CHECK(keys.count(run_id + "/" + image["filename"].get<std::string>()));
  CHECK(keys.count(run_id + "/" + playlist_path));
  CHECK(keys.count(run_id + "/" + folder + "/v0/index.m3u8"));
  CHECK(keys.count(run_id + "/" + folder + "/v0/seg_000.ts"));
  CHECK_FALSE(fs::exists(dir.path() / "data" / "runs" / run_id));
  std::string stored = wfc::test::read_all(bucket, run_id + "/" + video_path);
  REQUIRE(static_cast<int64_t>(stored.size()) == video["filesize"].get<int64_t>());

  // Whole, by Range (206), a range past the end (416), with the key and by the signed URL.
  std::string keyed = "/files/" + run_id + "/" + video_path;
  Answer whole = api.get(keyed);
  REQUIRE(whole.status == 200);
  CHECK(whole.text == stored);
  CHECK(whole.header("Accept-Ranges") == "bytes");
  Answer part = api.request("GET", keyed, "", {{"Range", "bytes=100-199"}});
  CHECK(part.status == 206);
  CHECK(part.text == stored.substr(100, 100));
  CHECK(part.header("Content-Range") == "bytes 100-199/" + std::to_string(stored.size()));
  Answer tail = api.request("GET", keyed, "", {{"Range", "bytes=-10"}});
  CHECK(tail.status == 206);
  CHECK(tail.text == stored.substr(stored.size() - 10));
  Answer two = api.request("GET", keyed, "", {{"Range", "bytes=0-1,50-59"}});
  CHECK(two.status == 206);
  CHECK(two.text.find(stored.substr(50, 10)) != std::string::npos);
  Answer past = api.request("GET", keyed, "", {{"Range", "bytes=99999999-"}});
  CHECK(past.status == 416);
  CHECK(api.request("GET", path_of(video["url"]), "", {}, nullptr).text == stored);
  CHECK(api.get("/files/" + run_id + "/nothing.mp4").status == 404);

  // A file of this server as the input of a new task: found in the bucket by the API, fetched
  // from it by the worker (no working copy of the first run is left on this machine).
  auto made = api.post("/tasks", {{"kind", "image"},
                                  {"input", {{"object", "file"}, {"id", video["id"]}}},
                                  {"options", {{"width", 80}}}});
  INFO(made.text);
  REQUIRE(made.status == 201);
  json still;
  for (int i = 0; i < 120 * 20; ++i) {
    still = api.get("/tasks/" + made.body["id"].get<std::string>()).body;
    std::string status = still["status"];
    if (status == "succeeded" || status == "failed" || status == "cancelled") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(still.dump(2) << api.log());
  REQUIRE(still["status"] == "succeeded");
  CHECK(still["input"]["id"] == video["id"]);
  std::string still_url = still["output"]["url"];
  auto still_file = wfc::api::parse_file_url(still_url);
  REQUIRE(still_file);
  CHECK(bucket.stat(still_file->run_id + "/" + still_file->path).value.exists);

  // The HLS ladder plays through the API, segments fetched by relative references.
  CHECK(ffmpeg_reads(playlist["url"]) == 0);

  // DELETE removes the objects: the file, and a playlist's whole folder; the rest stays.
  Answer gone = api.request("DELETE", "/files/" + video["id"].get<std::string>());
  REQUIRE(gone.status == 200);
  CHECK(gone.body["status"] == "deleted");
  CHECK_FALSE(bucket.stat(run_id + "/" + video_path).value.exists);
  CHECK(api.get(keyed).status == 410);
  REQUIRE(api.request("DELETE", "/files/" + playlist["id"].get<std::string>()).status == 200);
  auto left = bucket.list(run_id);
  REQUIRE(left.ok());
  REQUIRE(left.value.size() == 1);
  CHECK(left.value[0].key == run_id + "/" + image["filename"].get<std::string>());
  CHECK(api.get("/files/" + run_id + "/" + folder + "/v0/seg_000.ts").status == 410);

  // --file-urls presigned: output URLs are the bucket's own presigned GETs, which work without
  // the API; a playlist keeps the API's folder-wide URL.
  api.restart(
      {"--allow-hosts", "127.0.0.1", "--storage", "s3://wfc-test/wfc", "--file-urls", "presigned"},
      true);
  Answer file = api.get("/files/" + image["id"].get<std::string>());
  REQUIRE(file.status == 200);
  std::string presigned = file.body["url"];
  INFO(presigned);
  CHECK(presigned.rfind(s3.endpoint() + "/wfc-test/wfc/" + run_id + "/", 0) == 0);
  CHECK(presigned.find("X-Amz-Signature=") != std::string::npos);
  httplib::Client direct("127.0.0.1",
                         std::stoi(s3.endpoint().substr(s3.endpoint().rfind(':') + 1)));
  auto fetched = direct.Get(path_of(presigned).c_str());
  REQUIRE(fetched);
  CHECK(fetched->status == 200);
  CHECK(fetched->body ==
        wfc::test::read_all(bucket, run_id + "/" + image["filename"].get<std::string>()));
  json again = start_run(api, in, three_outputs());
  REQUIRE(again["status"] == "succeeded");
  CHECK(output_of(again, "adaptive_video")["url"].get<std::string>().find("/files/signed/") !=
        std::string::npos);
  CHECK(output_of(again, "video")["url"].get<std::string>().rfind(s3.endpoint(), 0) == 0);
}

TEST_CASE("a bucket that cannot be reached: 503 for its files, tasks fail storage_unavailable",
          "[objects][api][s3]") {
  TempDir dir;
  wfc::test::S3rver s3(dir);
  Input in;
  std::string endpoint = s3.endpoint();
  // Retried quickly (the policy's first backoff 50 ms, then 200 ms): the bucket stays down.
  ApiServer api(
      dir,
      {"--allow-hosts", "127.0.0.1", "--storage", "s3://wfc-test/wfc", "--task-retry-ms", "50"},
      true, s3_env(s3));
  json before = start_run(api, in, wfc::test::small_automation());
  REQUIRE(before["status"] == "succeeded");
  json stored = before["tasks"][0]["outputs"][0];
  s3.stop();

  // A stored file while the bucket is down: its bytes and its deletion answer 503 (not a 404
  // that would say it is gone), and it is not marked deleted.
  std::string bytes_path =
      "/files/" + before["id"].get<std::string>() + "/" + stored["filename"].get<std::string>();
  Answer a = api.get(bytes_path);
  CHECK(a.status == 503);
  CHECK(a.body["kind"] == "storage_unavailable");
  CHECK(a.header("Retry-After") == "5");
  Answer del = api.request("DELETE", "/files/" + stored["id"].get<std::string>());
  CHECK(del.status == 503);
  CHECK(del.body["kind"] == "storage_unavailable");
  CHECK(api.get("/files/" + stored["id"].get<std::string>()).body["status"] == "ready");

  json run = start_run(api, in, wfc::test::small_automation());
  INFO(run.dump(2) << api.log());
  CHECK(run["status"] == "failed");
  const json& task = run["tasks"][0];
  CHECK(task["status"] == "failed");
  CHECK(task["error"]["kind"] == "storage_unavailable");
  std::string message = task["error"]["message"];
  CHECK_THAT(message, Catch::Contains("s3://wfc-test/wfc") && Catch::Contains(endpoint));
  CHECK(message.find("S3RVER") == std::string::npos);  // the secret (and key) never shown
  CHECK(task["outputs"].empty());
  // Tried three times in all (--task-attempts' default): its task.updated events said so.
  json events = api.get("/events?kind=task.updated&limit=100").body["data"];
  std::set<std::string> retries;
  for (const json& e : events) {
    if (e["data"]["id"] == task["id"] && e["data"]["error"].is_object()) {
      CHECK(e["data"]["status"] == "processing");
      std::string message = e["data"]["error"]["message"];
      if (message.find("trying again") != std::string::npos) retries.insert(message);
    }
  }
  REQUIRE(retries.size() == 2);
  CHECK_THAT(*retries.begin(), Catch::EndsWith("(attempt 1 of 3; trying again in 0.05 s)"));
  CHECK_THAT(*retries.rbegin(), Catch::EndsWith("(attempt 2 of 3; trying again in 0.2 s)"));
}

TEST_CASE("a bucket back within the retry policy: the task that failed to store succeeds",
          "[objects][api][s3][retry]") {
  TempDir dir;
  wfc::test::S3rver s3(dir);
  Input in;
  // A first backoff long enough to bring the bucket back in (the second is 4 times longer).
  ApiServer api(
      dir,
      {"--allow-hosts", "127.0.0.1", "--storage", "s3://wfc-test/wfc", "--task-retry-ms", "1500"},
      true, s3_env(s3));
  s3.stop();
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  auto made = api.post("/automations/" + auto_id + "/run", {{"url", in.http.url("/in.mp4")}});
  REQUIRE(made.status == 201);
  std::string run_id = made.body["id"];
  // The first attempt could not store its output: the task waits for its next one, processing.
  json waiting = api.wait_run(run_id, [](const json& r) {
    return r["finished_at"].is_number() || r["tasks"][0]["error"].is_object();
  });
  INFO(waiting.dump(2) << api.log());
  REQUIRE(waiting["status"] == "processing");
  CHECK(waiting["tasks"][0]["status"] == "processing");
  CHECK(waiting["tasks"][0]["error"]["kind"] == "storage_unavailable");
  CHECK_THAT(waiting["tasks"][0]["error"]["message"].get<std::string>(),
             Catch::Contains("(attempt 1 of 3; trying again in "));
  s3.restart();

  json run = api.wait_run(run_id);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  const json& task = run["tasks"][0];
  CHECK(task["error"].is_null());
  json file = task["outputs"][0];
  auto bucket = wfc::test::test_bucket(s3, "wfc");
  std::string stored =
      wfc::test::read_all(bucket, run_id + "/" + file["filename"].get<std::string>());
  CHECK(stored.size() == file["filesize"].get<size_t>());
  // The file is served from the bucket like any other.
  Answer served = api.get("/files/" + run_id + "/" + file["filename"].get<std::string>());
  CHECK(served.status == 200);
  CHECK(served.text == stored);
}

TEST_CASE("wfc run --storage puts the outputs in the bucket under the run id", "[objects][s3]") {
  TempDir dir;
  wfc::test::S3rver s3(dir);
  fs::path wf = dir.path() / "wf.json";
  std::ofstream(wf) << R"([{"kind": "video", "options": {"width": 160, "format": "mp4"}}])";
  std::string env =
      "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER WFC_S3_ENDPOINT=" + s3.endpoint() +
      " WFC_STORAGE=s3://wfc-test/wfc";
  auto r = wfc::test::run_wfc(dir,
                              {"run", wf.string(), "--input", wfc::test::sample("av.mp4").string(),
                               "--out", "out", "--json"},
                              env);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json run = json::parse(r.out);
  std::string run_id = run["id"];
  std::string name = run["tasks"][0]["outputs"][0]["filename"];
  auto bucket = wfc::test::test_bucket(s3, "wfc");
  CHECK(wfc::test::read_all(bucket, run_id + "/" + name) ==
        wfc::test::slurp(dir.path() / "out" / name));
  // A storage URL it cannot use is a usage error that says why.
  auto bad =
      wfc::test::run_wfc(dir,
                         {"run", wf.string(), "--input", wfc::test::sample("av.mp4").string(),
                          "--out", "o2", "--storage", "s3://wfc-test/wfc"},
                         "AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY=");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("AWS_ACCESS_KEY_ID"));
}
