// `wfc run --store` (issue 21, point 2: the same --store and --storage for serve, worker and run):
// a run executed by `wfc run` is recorded in the store as the team's other runs are — the same
// id as run.json, its tasks, events and files, on SQLite and PostgreSQL; held by its process so a
// `wfc worker` on the same store leaves it alone; cancelled through a `wfc serve` on that store;
// with --storage s3:// its outputs served by an API node on the same store and bucket. And
// `wfc task --connections FILE`, run here, exporting through a connection to s3rver.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "runtime/storage/s3_storage.h"
#include "runtime/store/open_store.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_media.h"
#include "tests/unit/test_nodes.h"
#include "tests/unit/test_storage.h"
#include "tests/unit/test_store.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::Answer;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// Two tasks: a rendition, and a frame of it.
constexpr const char* kTwoTasks = R"({"name": "two", "workflow": [
  {"kind": "video", "options": {"width": 160, "format": "mp4"},
   "next": [{"kind": "image", "options": {"format": "png", "start": 0.5}}]}]})";

std::vector<std::string> kinds_of(const std::vector<wfc::store::Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.kind);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("wfc run --store records the run with its tasks, events and files",
          "[cli][run][store][pg][media]") {
  wfc::test::StoreFixture f{GENERATE(wfc::test::both_backends())};
  const TempDir& dir = f.dir;
  dir.write("w.json", kTwoTasks);
  std::string store = f.postgres() ? f.url : f.path;
  auto r = wfc::test::run_wfc(
      dir, {"run", "w.json", "--input", wfc::test::sample("av.mp4").string(), "--out", "out",
            "--store", store, "--public-url", "https://media.example.com/"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json run_json = json::parse(wfc::test::slurp(dir.path() / "out" / "run.json"));
  std::string id = run_json["id"];
  CHECK(r.out.find("run " + id + " succeeded") != std::string::npos);
  CHECK(r.out.find("recorded in") != std::string::npos);
  CHECK(r.out.find(wfc::store::redact_store_url(store)) != std::string::npos);

  auto s = f.open();
  auto run = s->get_run(id);
  REQUIRE(run);
  CHECK(run->status == wfc::model::Status::Succeeded);
  CHECK(run->automation_id.empty());
  CHECK(run->metadata == json({{"created_with", "wfc run"}, {"workflow", "w.json"}}));
  CHECK(run->attempts == 1);
  CHECK(run->worker_id.empty());  // finished: nobody holds it
  REQUIRE(run->tasks.size() == 2);
  for (const auto& t : run->tasks) {
    INFO(t.node);
    CHECK(t.status == wfc::model::Status::Succeeded);
    REQUIRE(t.outputs.size() == 1);
    std::string url = t.outputs[0]["url"];
    CHECK(url == "https://media.example.com/files/" + id + "/" +
                     t.outputs[0]["filename"].get<std::string>());
    // The file recorded is the one in --out.
    CHECK(t.outputs[0]["filesize"] ==
          fs::file_size(dir.path() / "out" / t.outputs[0]["filename"].get<std::string>()));
  }
  CHECK(run->tasks[1].parent_id == run->tasks[0].id);
  // run.json names the tasks as the store (and the API) does.
  REQUIRE(run_json["tasks"].size() == 2);
  for (size_t i = 0; i < 2; ++i) CHECK(run_json["tasks"][i]["id"] == run->tasks[i].id);
  CHECK(run_json["tasks"][1]["parent_id"] == run->tasks[0].id);

  wfc::store::ListQuery q;
  q.run_id = id;
  q.limit = 100;
  q.order = wfc::store::Order::Asc;
  std::vector<std::string> kinds = kinds_of(s->list_events(q)->items);
  INFO(json(kinds).dump());
  REQUIRE(!kinds.empty());
  CHECK(kinds.front() == "run.created");
  CHECK(has(kinds, "run.started"));
  CHECK(has(kinds, "task.succeeded"));
  CHECK(kinds.back() == "run.succeeded");
  auto files = s->list_files(q);
  REQUIRE(files);
  CHECK(files->items.size() == 2);
  // Listed with the team's runs.
  auto runs = s->list_runs({});
  REQUIRE(runs->items.size() == 1);
  CHECK(runs->items[0].id == id);

  // A store that cannot be opened: exit 1 with the store's words, before any work.
  auto bad = wfc::test::run_wfc(
      dir, {"run", "w.json", "--input", wfc::test::sample("av.mp4").string(), "--out", "out2",
            "--store", "postgres://wfc:hunter2@127.0.0.1:9/none"});
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("127.0.0.1"));
  CHECK(bad.err.find("hunter2") == std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out2" / "run.json"));
}

TEST_CASE("a run wfc run --store holds is no worker's, and a cancel through the API stops it",
          "[cli][run][store][media]") {
  TempDir dir;
  // Slow enough to cancel: a long high-quality encode of a generated clip (as the Ctrl-C test).
  std::string input = wfc::test::sample("slow.mp4").string();
  dir.write("w.json",
            R"({"name": "slow", "workflow": [{"kind": "video", "options": {"codec": "h265",
      "quality": "very_high"}, "next": [{"kind": "image"}]}]})");
  ApiServer api(dir, {"--workers", "0"});  // an API node on DIR/data/wfc.db
  std::string store = (dir.path() / "data" / "wfc.db").string();
  TempDir worker_dir;
  wfc::test::WorkerNode worker(worker_dir, store);  // polls the same store throughout

  std::fflush(nullptr);  // the child must not repeat our buffered output
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    REQUIRE(chdir(dir.path().c_str()) == 0);
    freopen("/dev/null", "w", stderr);
    freopen("/dev/null", "w", stdout);
    execl(WFC_BINARY, "wfc", "run", "w.json", "--input", input.c_str(), "--out", "out", "--store",
          store.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // The run appears through the API once it is recorded; cancel it once its encode is under way.
  std::string id;
  for (int i = 0; i < 2000 && id.empty(); ++i) {
    Answer runs = api.get("/runs");
    if (runs.status == 200 && !runs.body["data"].empty()) id = runs.body["data"][0]["id"];
    if (id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(!id.empty());
  auto encoding = [&] {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir.path() / "out", ec)) {
      if (e.is_regular_file() && e.path().filename() != "run.json" && e.file_size() > 0)
        return true;
    }
    return false;
  };
  for (int i = 0; i < 2000 && !encoding(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Answer cancel = api.request("POST", "/runs/" + id + "/cancel");
  INFO(cancel.text << api.log());
  REQUIRE(cancel.status == 200);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  json run_json = json::parse(wfc::test::slurp(dir.path() / "out" / "run.json"));
  CHECK(run_json["id"] == id);
  CHECK(run_json["status"] == "cancelled");

  Answer got = api.get("/runs/" + id);
  REQUIRE(got.status == 200);
  CHECK(got.body["status"] == "cancelled");
  CHECK(got.body["metadata"]["created_with"] == "wfc run");
  // The worker polled the store the whole time and never took the run: one attempt, by wfc run.
  wfc::store::SqliteStore::Options options;
  options.path = store;
  wfc::store::SqliteStore s(options);
  CHECK(s.get_run(id)->attempts == 1);
  CHECK_FALSE(worker.executed(id));
  worker.signal(SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("wfc run --store --storage s3://: an API node on the same store serves the outputs",
          "[cli][run][store][s3][media]") {
  TempDir dir;
  wfc::test::S3rver s3(dir);
  std::vector<std::string> s3_env = {"AWS_ACCESS_KEY_ID=S3RVER", "AWS_SECRET_ACCESS_KEY=S3RVER",
                                     "WFC_S3_ENDPOINT=" + s3.endpoint()};
  ApiServer api(dir, {"--workers", "0", "--storage", "s3://wfc-test/wfc"}, true, s3_env);
  std::string store = (dir.path() / "data" / "wfc.db").string();
  dir.write("w.json", kTwoTasks);
  std::string env;
  for (const auto& e : s3_env) env += e + " ";
  auto r = wfc::test::run_wfc(
      dir,
      {"run", "w.json", "--input", wfc::test::sample("av.mp4").string(), "--out", "out", "--json",
       "--store", store, "--storage", "s3://wfc-test/wfc", "--public-url", api.address()},
      env);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  std::string id = json::parse(r.out)["id"];

  Answer got = api.get("/runs/" + id);
  INFO(got.text << api.log());
  REQUIRE(got.status == 200);
  CHECK(got.body["status"] == "succeeded");
  auto bucket = wfc::test::test_bucket(s3, "wfc");
  int served = 0;
  for (const json& t : got.body["tasks"]) {
    CHECK(t["status"] == "succeeded");
    for (const json& file : t["outputs"]) {
      std::string name = file["filename"];
      std::string local = wfc::test::slurp(dir.path() / "out" / name);
      CHECK(wfc::test::read_all(bucket, id + "/" + name) == local);
      // Its url is the API node's (which signs it); the bytes come from the bucket through it.
      std::string url = file["url"];
      REQUIRE(url.rfind(api.address() + "/files/", 0) == 0);
      CHECK(url.ends_with("/" + id + "/" + name));
      Answer bytes = api.get(url.substr(api.address().size()));
      CHECK(bytes.status == 200);
      CHECK(bytes.text == local);
      ++served;
    }
  }
  CHECK(served == 2);
  Answer files = api.get("/files?run_id=" + id);
  REQUIRE(files.status == 200);
  CHECK(files.body["data"].size() == 2);
  Answer events = api.get("/events?run_id=" + id + "&limit=100");
  REQUIRE(events.status == 200);
  std::set<std::string> kinds;
  for (const json& e : events.body["data"]) kinds.insert(e["kind"].get<std::string>());
  CHECK(kinds.count("run.created"));
  CHECK(kinds.count("run.succeeded"));
}

TEST_CASE("wfc task --connections FILE exports through a connection, here",
          "[cli][task][connections][s3][media]") {
  TempDir dir;
  wfc::test::S3rver s3(dir);
  std::ofstream(dir.path() / "connections.yaml")
      << "conn_task000000000000:\n  kind: s3\n  name: from a file\n  endpoint: " << s3.endpoint()
      << "\n  access_key_id: S3RVER\n  secret_access_key: S3RVER\n";
  fs::copy_file(wfc::test::sample("av.mp4"), dir.path() / "av.mp4");
  json file = {{"object", "file"}, {"url", "file://" + (dir.path() / "av.mp4").string()}};
  auto r =
      wfc::test::run_wfc(dir, {"task", "export", "-i", file.dump(), "--url", "s3://wfc-test/task/",
                               "--connection_id", "conn_task000000000000", "--connections",
                               "connections.yaml", "--allow-hosts", "127.0.0.1"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json task = json::parse(r.out);
  CHECK(task["status"] == "succeeded");
  CHECK(task["output"]["url"] == "s3://wfc-test/task/av.mp4");
  wfc::storage::S3Config c;
  c.bucket = wfc::test::kBucket;
  c.endpoint = s3.endpoint();
  c.access_key_id = c.secret_access_key = "S3RVER";
  wfc::storage::S3Storage bucket(c);
  CHECK(wfc::test::read_all(bucket, "task/av.mp4") == wfc::test::slurp_file(dir.path() / "av.mp4"));

  // With --server the server's connections are used: the file is refused, saying so.
  auto both =
      wfc::test::run_wfc(dir, {"task", "export", "-i", file.dump(), "--url", "s3://wfc-test/task/",
                               "--connection_id", "conn_task000000000000", "--connections",
                               "connections.yaml", "--server", "http://127.0.0.1:9"});
  CHECK(both.status == 2);
  CHECK_THAT(both.err, Catch::Contains("--connections"));
}
