// Many nodes on one store (issue 21, point 6's scenarios; docs/deploy.md): real `wfc serve
// --workers 0` API nodes and `wfc worker` processes on loopback, sharing one database. Every run
// is executed exactly once (one run.started per run, one task.succeeded per task, its workspace in
// one worker's data directory alone); a worker killed with SIGKILL loses its run to another
// worker once its lease lapses, and runs it had finished are not executed again; SIGTERM drains a
// worker; a second SIGTERM abandons a draining worker's run to another at once; one API node of
// two delivers each webhook event once; a run taken over resumes through the bucket (s3rver), its
// finished task fetched back, not executed again. Each of these runs on SQLite (one file shared by
// the processes) and on PostgreSQL (a fresh database on the test server), the same code for both.
// And PostgreSQL stopped and started again under load (a server of the test's own): the API nodes
// answer 201 or 503 with Retry-After, never hang, and every run answered 201 is executed once.
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/storage/s3_storage.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"
#include "tests/unit/test_nodes.h"
#include "tests/unit/test_storage.h"
#include "tests/unit/test_store.h"

namespace wfc::test {
namespace {

/// The URL of the store every node of a scenario shares: the fixture's SQLite file, or its fresh
/// database on the PostgreSQL test server (test_store.h; each scenario runs on both).
std::string scale_store_url(const StoreFixture& f) { return f.postgres() ? f.url : f.path; }

/// An API-only node on `store`, reading inputs from the sample directory, with the deployment's
/// secrets key.
std::unique_ptr<ApiServer> api_node(const TempDir& dir, const std::string& store) {
  return std::make_unique<ApiServer>(
      dir,
      std::vector<std::string>{"--store", store, "--workers", "0", "--allow-files",
                               media_dir().string()},
      true, std::vector<std::string>{shared_secrets_key_env()});
}

/// A run's tasks: ingest of `input`, then `next` (kinds with their options).
nlohmann::json run_body(const fs::path& input, nlohmann::json next = nlohmann::json::array()) {
  nlohmann::json ingest = {{"kind", "ingest"}, {"options", {{"url", "file://" + input.string()}}}};
  if (!next.empty()) ingest["next"] = std::move(next);
  return {{"tasks", {ingest}}};
}

/// How many of run `id`'s events are of each kind.
std::map<std::string, int> event_counts(const ApiServer& api, const std::string& id) {
  Answer a = api.get("/events?limit=100&run_id=" + id);
  REQUIRE(a.status == 200);
  REQUIRE(a.body["has_more"] == false);
  std::map<std::string, int> counts;
  for (const auto& e : a.body["data"]) counts[e["kind"].get<std::string>()]++;
  return counts;
}

nlohmann::json image_task() {
  return nlohmann::json::array({{{"kind", "image"}, {"options", {{"width", 32}}}}});
}

/// The task of `run` of `kind` (there is one).
nlohmann::json task_of(const nlohmann::json& run, const std::string& kind) {
  for (const auto& t : run["tasks"]) {
    if (t["kind"] == kind) return t;
  }
  FAIL("no " << kind << " task in " << run.dump(2));
  return {};
}

/// How many of run `id`'s events of `kind` are about task `task_id`.
int task_events(const ApiServer& api, const std::string& id, const std::string& kind,
                const std::string& task_id) {
  Answer a = api.get("/events?limit=100&run_id=" + id + "&kind=" + kind);
  REQUIRE(a.status == 200);
  REQUIRE(a.body["has_more"] == false);
  int n = 0;
  for (const auto& e : a.body["data"]) n += e["data"]["id"] == task_id;
  return n;
}

/// How many times task `task_id` of run `id` started: its task.updated events to processing
/// (progress 0; the progress updates after it are task.updated events too).
int task_starts(const ApiServer& api, const std::string& id, const std::string& task_id) {
  Answer a = api.get("/events?limit=100&run_id=" + id + "&kind=task.updated");
  REQUIRE(a.status == 200);
  REQUIRE(a.body["has_more"] == false);
  int n = 0;
  for (const auto& e : a.body["data"]) {
    const auto& t = e["data"];
    n += t["id"] == task_id && t["status"] == "processing" && t["progress"] == 0;
  }
  return n;
}

}  // namespace

TEST_CASE("2 API nodes and 3 workers on one store run 200 runs, each exactly once",
          "[scale][api]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir a_dir, b_dir, w1_dir, w2_dir, w3_dir;
  std::string store = scale_store_url(shared);
  fs::path input = sample("still.png");
  auto a = api_node(a_dir, store);
  auto b = api_node(b_dir, store);
  WorkerNode w1(w1_dir, store, {"--allow-files", media_dir().string(), "--concurrency", "2"});
  WorkerNode w2(w2_dir, store, {"--allow-files", media_dir().string()});
  WorkerNode w3(w3_dir, store, {"--allow-files", media_dir().string()});

  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    Answer r = (i % 2 ? *a : *b).post("/runs", run_body(input));
    REQUIRE(r.status == 201);
    ids.push_back(r.body["id"]);
  }
  std::map<const WorkerNode*, int> executed;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    // Either API node answers for every run.
    nlohmann::json run = (i % 3 ? *a : *b).wait_run(id);
    INFO(id << ": " << run.dump() << "\n" << w1.log() << w2.log() << w3.log());
    REQUIRE(run["status"] == "succeeded");
    auto counts = event_counts(*a, id);
    CHECK(counts["run.started"] == 1);  // one claim, one attempt
    CHECK(counts["task.succeeded"] == static_cast<int>(run["tasks"].size()));
    CHECK(counts["run.succeeded"] == 1);
    int where = 0;
    for (const WorkerNode* w : {&w1, &w2, &w3}) {
      if (w->executed(id)) {
        ++where;
        ++executed[w];
      }
    }
    CHECK(where == 1);  // executed by exactly one worker
  }
  // The work was shared.
  CHECK(executed[&w1] > 0);
  CHECK(executed[&w2] > 0);
  CHECK(executed[&w3] > 0);
  for (WorkerNode* w : {&w1, &w2, &w3}) {
    w->signal(SIGTERM);
    CHECK(w->wait() == 0);
  }
}

TEST_CASE(
    "a worker killed mid-run loses the run to another worker, and its finished runs stay done",
    "[scale][api]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir api_dir, a_dir, b_dir;
  std::string store = scale_store_url(shared);
  fs::path input = sample("still.png");
  auto api = api_node(api_dir, store);
  // Worker A hangs in the first image task it starts, until it is killed.
  auto a = std::make_unique<WorkerNode>(
      a_dir, store, std::vector<std::string>{"--allow-files", media_dir().string()},
      std::vector<std::string>{"WFC_TEST_WORKER_FAULT=hang:image"});
  std::string done = api->post("/runs", run_body(input)).body["id"];
  REQUIRE(api->wait_run(done)["status"] == "succeeded");
  std::string held = api->post("/runs", run_body(input, image_task())).body["id"];
  api->wait_run(held, [](const nlohmann::json& run) {
    for (const auto& t : run["tasks"]) {
      if (t["kind"] == "image" && t["status"] == "processing") return true;
    }
    return false;
  });
  a->kill9();  // its worker process dies with it
  CHECK(api->get("/runs/" + held).body["status"] == "processing");  // until the lease lapses

  WorkerNode b(b_dir, store, {"--allow-files", media_dir().string()});
  nlohmann::json run = api->wait_run(held);
  INFO(run.dump() << "\n" << b.log());
  CHECK(run["status"] == "succeeded");
  for (const auto& t : run["tasks"]) CHECK(t["status"] == "succeeded");
  CHECK(event_counts(*api, held)["run.started"] == 2);  // A's attempt, then B's
  CHECK(event_counts(*api, held)["run.succeeded"] == 1);
  CHECK(b.executed(held));
  // The run A finished before it died is not executed again.
  CHECK(event_counts(*api, done)["run.started"] == 1);
  CHECK_FALSE(b.executed(done));
}

TEST_CASE("SIGTERM drains a worker: it finishes the run it holds, claims nothing more, exits 0",
          "[scale][api]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir api_dir, a_dir, b_dir;
  std::string store = scale_store_url(shared);
  fs::path input = sample("still.png");
  fs::path gate = a_dir.path() / "gate";
  auto api = api_node(api_dir, store);
  // A's image task waits for the gate file, so A holds its run while it is signalled.
  WorkerNode a(a_dir, store, {"--allow-files", media_dir().string()},
               {"WFC_TEST_WORKER_FAULT=gate=" + gate.string() + ":image"});
  std::string held = api->post("/runs", run_body(input, image_task())).body["id"];
  api->wait_run(held, [](const nlohmann::json& run) {
    for (const auto& t : run["tasks"]) {
      if (t["kind"] == "image" && t["status"] == "processing") return true;
    }
    return false;
  });
  std::string queued = api->post("/runs", run_body(input)).body["id"];
  a.signal(SIGTERM);
  a.wait_log("draining");
  std::ofstream(gate) << "open\n";
  CHECK(a.wait() == 0);
  INFO(a.log());
  CHECK_THAT(a.log(), Catch::Contains("drained"));
  CHECK(api->get("/runs/" + held).body["status"] == "succeeded");
  CHECK(api->get("/runs/" + queued).body["status"] == "queued");  // A claimed nothing new
  CHECK_FALSE(a.executed(queued));

  WorkerNode b(b_dir, store, {"--allow-files", media_dir().string()});
  CHECK(api->wait_run(queued)["status"] == "succeeded");
  CHECK(b.executed(queued));
}

TEST_CASE("a second SIGTERM abandons a draining worker's run, and another worker takes it at once",
          "[scale][api]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir api_dir, a_dir, b_dir;
  std::string store = scale_store_url(shared);
  auto api = api_node(api_dir, store);
  // A's lease is an hour: only its release lets B take the run within the test.
  WorkerNode a(
      a_dir, store,
      {"--allow-files", media_dir().string(), "--lease-ms", "3600000", "--renew-ms", "1000"},
      {"WFC_TEST_WORKER_FAULT=hang:image"});
  std::string held = api->post("/runs", run_body(sample("still.png"), image_task())).body["id"];
  api->wait_run(held, [](const nlohmann::json& run) {
    for (const auto& t : run["tasks"]) {
      if (t["kind"] == "image" && t["status"] == "processing") return true;
    }
    return false;
  });
  a.signal(SIGTERM);
  a.wait_log("draining");
  a.signal(SIGTERM);
  CHECK(a.wait() == 1);
  CHECK_THAT(a.log(), Catch::Contains("abandoning 1 run(s)"));

  WorkerNode b(b_dir, store, {"--allow-files", media_dir().string()});
  nlohmann::json run = api->wait_run(held);
  INFO(run.dump() << "\n" << b.log());
  CHECK(run["status"] == "succeeded");
  CHECK(event_counts(*api, held)["run.started"] == 2);
  CHECK(b.executed(held));
}

TEST_CASE("one API node delivers webhooks: every event of runs made through two nodes arrives once",
          "[scale][api]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir a_dir, b_dir, w_dir;
  std::string store = scale_store_url(shared);
  std::mutex mu;
  std::map<std::string, int> received;  // by Wfc-Event-Id
  HttpServer receiver;
  receiver.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    received[req.get_header_value("Wfc-Event-Id")]++;
    res.set_content("ok", "text/plain");
  });
  receiver.start();
  std::vector<std::string> flags = {
      "--store",       store,      "--workers", "0", "--allow-files", media_dir().string(),
      "--allow-hosts", "127.0.0.1"};
  ApiServer a(a_dir, flags, true, {shared_secrets_key_env()});  // delivers
  flags.insert(flags.end(), {"--webhooks", "off"});
  ApiServer b(b_dir, flags, true, {shared_secrets_key_env()});
  WorkerNode worker(w_dir, store, {"--allow-files", media_dir().string()});

  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    nlohmann::json body = run_body(sample("still.png"));
    body["webhook_url"] = receiver.url("/hook");
    Answer r = (i % 2 ? a : b).post("/runs", body);
    REQUIRE(r.status == 201);
    ids.push_back(r.body["id"]);
  }
  std::set<std::string> events;
  for (const std::string& id : ids) {
    REQUIRE(b.wait_run(id)["status"] == "succeeded");
    Answer list = a.get("/events?limit=100&run_id=" + id);
    REQUIRE(list.body["has_more"] == false);
    for (const auto& e : list.body["data"]) events.insert(e["id"].get<std::string>());
  }
  auto all_received = [&] {
    std::lock_guard lock(mu);
    for (const std::string& e : events) {
      if (!received.count(e)) return false;
    }
    return true;
  };
  for (int i = 0; i < 600 && !all_received(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(all_received());
  std::lock_guard lock(mu);
  for (const auto& [id, times] : received) {
    INFO(id);
    CHECK(times == 1);
  }
  CHECK(received.size() == events.size());
  CHECK_THAT(b.log(), Catch::Contains("webhooks delivered by another node"));
}

TEST_CASE("a run taken over resumes through the bucket: its finished task is fetched, not redone",
          "[scale][objects]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir s3_dir, api_dir, a_dir, b_dir;
  S3rver s3(s3_dir);
  std::string store = scale_store_url(shared);
  // The nodes share the store and the bucket, nothing else: their data directories are their own.
  std::vector<std::string> env = {"AWS_ACCESS_KEY_ID=S3RVER", "AWS_SECRET_ACCESS_KEY=S3RVER",
                                  "WFC_S3_ENDPOINT=" + s3.endpoint(), shared_secrets_key_env()};
  std::vector<std::string> flags = {"--allow-files", media_dir().string(), "--storage",
                                    std::string("s3://") + kBucket + "/wfc"};
  std::vector<std::string> api_flags = {"--store", store, "--workers", "0"};
  api_flags.insert(api_flags.end(), flags.begin(), flags.end());
  ApiServer api(api_dir, api_flags, true, env);
  // Worker A hangs in the image task, which reads the video task's output, until it is killed.
  std::vector<std::string> a_env = env;
  a_env.push_back("WFC_TEST_WORKER_FAULT=hang:image");
  auto a = std::make_unique<WorkerNode>(a_dir, store, flags, a_env);
  // quality low: the image decodes the video's output in a job of its own, after the video
  // succeeded, rather than taking its frames from the video's pass (docs/plan.md "Fusion").
  nlohmann::json video = {{"kind", "video"},
                          {"options", {{"width", 160}, {"format", "mp4"}, {"quality", "low"}}},
                          {"next", image_task()}};
  Answer made = api.post("/runs", run_body(sample("av.mp4"), nlohmann::json::array({video})));
  REQUIRE(made.status == 201);
  std::string id = made.body["id"];
  nlohmann::json held = api.wait_run(id, [](const nlohmann::json& run) {
    return task_of(run, "image")["status"] == "processing";
  });
  nlohmann::json first = task_of(held, "video");
  REQUIRE(first["status"] == "succeeded");
  REQUIRE(first["outputs"].size() == 1);
  std::string first_key = id + "/" + first["outputs"][0]["filename"].get<std::string>();
  // Its output was put in the bucket before its success was recorded.
  auto bucket = test_bucket(s3, "wfc");
  auto stored = bucket.stat(first_key);
  REQUIRE(stored.ok());
  CHECK(stored.value.exists);
  a->kill9();
  a.reset();

  // Worker B crashes (SIGSEGV) if it ever starts a video task: the run can only succeed if B
  // executes the image task alone, reading the video's output from the bucket (its data
  // directory never had it).
  std::vector<std::string> b_env = env;
  b_env.push_back("WFC_TEST_WORKER_FAULT=segv:video");
  WorkerNode b(b_dir, store, flags, b_env);
  nlohmann::json run = api.wait_run(id);
  INFO(run.dump(2) << "\n" << b.log() << "\n" << api.log());
  REQUIRE(run["status"] == "succeeded");
  CHECK(event_counts(api, id)["run.started"] == 2);  // A's attempt, then B's
  CHECK(event_counts(api, id)["run.succeeded"] == 1);
  // The video task was not executed again: one start, one success, the same started_at, and
  // the same object in the bucket.
  nlohmann::json done = task_of(run, "video");
  CHECK(done["started_at"] == first["started_at"]);
  CHECK(done["outputs"][0]["filename"] == first["outputs"][0]["filename"]);
  std::string video_id = first["id"];
  CHECK(task_events(api, id, "task.succeeded", video_id) == 1);
  CHECK(task_starts(api, id, video_id) == 1);
  auto kept = bucket.stat(first_key);
  REQUIRE(kept.ok());
  CHECK(kept.value.size == first["outputs"][0]["filesize"].get<uint64_t>());

  // The image task's output is served by the API from the bucket, and it is an image.
  nlohmann::json image = task_of(run, "image");
  CHECK(task_events(api, id, "task.succeeded", image["id"]) == 1);
  REQUIRE(image["outputs"].size() == 1);
  std::string url = image["outputs"][0]["url"];
  std::string path = url.substr(url.find("/files/"));
  Answer bytes = api.request("GET", path, "", {}, nullptr);  // its signed URL, no key
  REQUIRE(bytes.status == 200);
  fs::path got = b_dir.path() / "fetched-image";
  std::ofstream(got, std::ios::binary) << bytes.text;
  nlohmann::json probed = probe_ok(got);
  INFO(probed.dump(2));
  CHECK(probed["width"] == 32);
}

TEST_CASE(
    "a worker restarted in the same data directory resumes its run: the finished task's file, "
    "stored in place, is kept and not redone",
    "[scale]") {
  StoreFixture shared{GENERATE(both_backends())};
  TempDir api_dir, a_dir;
  std::string store = scale_store_url(shared);
  auto api = api_node(api_dir, store);
  std::vector<std::string> flags = {"--allow-files", media_dir().string()};
  // The default storage: the run's directory under the worker's data directory is where the
  // outputs are kept. Worker A hangs in the image task, after the video task succeeded.
  auto a = std::make_unique<WorkerNode>(
      a_dir, store, flags, std::vector<std::string>{"WFC_TEST_WORKER_FAULT=hang:image"});
  nlohmann::json video = {{"kind", "video"},
                          {"options", {{"width", 160}, {"format", "mp4"}, {"quality", "low"}}},
                          {"next", image_task()}};
  std::string id =
      api->post("/runs", run_body(sample("av.mp4"), nlohmann::json::array({video}))).body["id"];
  nlohmann::json held = api->wait_run(id, [](const nlohmann::json& run) {
    return task_of(run, "image")["status"] == "processing";
  });
  nlohmann::json first = task_of(held, "video");
  REQUIRE(first["status"] == "succeeded");
  fs::path output = a->data() / "runs" / id / first["outputs"][0]["filename"].get<std::string>();
  REQUIRE(fs::exists(output));
  a->kill9();
  a.reset();

  // The same worker again (its data directory, its worker id), armed to crash if it ever starts
  // a video task: the run succeeds only if the video's recorded output is still there.
  WorkerNode again(a_dir, store, flags, {"WFC_TEST_WORKER_FAULT=segv:video"});
  nlohmann::json run = api->wait_run(id);
  INFO(run.dump(2) << "\n" << again.log());
  REQUIRE(run["status"] == "succeeded");
  CHECK(event_counts(*api, id)["run.started"] == 2);
  nlohmann::json done = task_of(run, "video");
  CHECK(done["started_at"] == first["started_at"]);
  CHECK(task_events(*api, id, "task.succeeded", first["id"]) == 1);
  CHECK(task_starts(*api, id, first["id"]) == 1);
  CHECK(fs::file_size(output) == first["outputs"][0]["filesize"].get<uint64_t>());
  CHECK(task_of(run, "image")["status"] == "succeeded");
}

TEST_CASE("a file URL one API node signed opens on another node of the same PostgreSQL store",
          "[scale][pg][objects]") {
  StoreFixture shared{Backend::Postgres};
  TempDir s3_dir, a_dir, b_dir;
  S3rver s3(s3_dir);
  std::vector<std::string> env = {"AWS_ACCESS_KEY_ID=S3RVER", "AWS_SECRET_ACCESS_KEY=S3RVER",
                                  "WFC_S3_ENDPOINT=" + s3.endpoint(), shared_secrets_key_env()};
  std::vector<std::string> flags = {"--store",       shared.url,
                                    "--allow-files", media_dir().string(),
                                    "--storage",     std::string("s3://") + kBucket + "/wfc"};
  // Node A executes the run; node B, behind the same load balancer, only answers. Each has its
  // own data directory: nothing is copied between them.
  ApiServer a(a_dir, flags, true, env);
  std::vector<std::string> b_flags = flags;
  for (const char* f : {"--workers", "0"}) b_flags.push_back(f);
  ApiServer b(b_dir, b_flags, true, env);
  std::string id = a.post("/runs", run_body(sample("still.png"))).body["id"];
  nlohmann::json run = a.wait_run(id);
  INFO(run.dump(2) << a.log());
  REQUIRE(run["status"] == "succeeded");
  std::string url = run["tasks"][0]["outputs"][0]["url"];
  std::string path = url.substr(url.find("/files/"));
  REQUIRE(path.rfind("/files/signed/", 0) == 0);
  Answer from_a = a.request("GET", path, "", {}, nullptr);  // no key: the signature is the grant
  Answer from_b = b.request("GET", path, "", {}, nullptr);
  INFO(from_b.text.substr(0, 300) << b.log());
  CHECK(from_a.status == 200);
  CHECK(from_b.status == 200);
  CHECK(from_b.text == from_a.text);
  // The secret is derived, never kept in a file of its own.
  CHECK_FALSE(fs::exists(a_dir.path() / "data" / "url-secret"));
  // A tampered signature is still refused on either node.
  std::string forged = path;
  size_t sig = forged.find('.') + 1;  // <expires>.<signature>
  forged[sig] = forged[sig] == 'A' ? 'B' : 'A';
  CHECK(b.request("GET", forged, "", {}, nullptr).status != 200);
}

TEST_CASE("PostgreSQL stopped and started under load: 201 or 503 with Retry-After, none lost",
          "[scale][pg]") {
  PostgresCluster cluster;  // a server of this test's own: it is stopped and started again
  std::string store = cluster.fresh_database();
  TempDir a_dir, b_dir, w_dir;
  fs::path input = sample("still.png");
  auto a = api_node(a_dir, store);
  auto b = api_node(b_dir, store);
  WorkerNode worker(w_dir, store, {"--allow-files", media_dir().string(), "--concurrency", "2"});
  const std::string body = run_body(input).dump();

  // Clients on both nodes create runs all along; each answer is kept. A request that gets no
  // answer within its timeouts (a hang, a dropped connection) is status 0.
  struct Reply {
    int status = 0;
    std::string kind, retry_after, id, text;
  };
  std::mutex mu;
  std::vector<Reply> replies;
  std::atomic<bool> done{false};
  auto create = [&](const ApiServer& node) {
    httplib::Client c("127.0.0.1", node.port());
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(15, 0);
    c.set_write_timeout(5, 0);
    httplib::Result r = c.Post("/runs", {{"Authorization", std::string("Bearer ") + kApiKey}}, body,
                               "application/json");
    Reply reply;
    if (r) {
      reply.status = r->status;
      reply.text = r->body;
      reply.retry_after = r->get_header_value("Retry-After");
      auto json = nlohmann::json::parse(r->body, nullptr, false);
      if (json.is_object()) {
        reply.kind = json.value("kind", "");
        if (r->status == 201) reply.id = json.value("id", "");
      }
    }
    std::lock_guard lock(mu);
    replies.push_back(reply);
  };
  auto answers = [&] {
    std::lock_guard lock(mu);
    return replies.size();
  };
  auto wait_answers = [&](size_t n) {
    for (int i = 0; i < 1200 && answers() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(answers() >= n);
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      // A steady load, not a flood: every accepted run is executed afterwards by one worker.
      while (!done) {
        create(i % 2 ? *a : *b);
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    });
  }
  wait_answers(20);
  cluster.pause();
  // Down for a few seconds, while both nodes go on answering.
  size_t at_pause = answers();
  wait_answers(at_pause + 20);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  cluster.resume();
  // Back: each node creates runs again.
  for (const ApiServer* node : {a.get(), b.get()}) {
    bool created = false;
    for (int i = 0; i < 600 && !created; ++i) {
      created = node->post("/runs", run_body(input)).status == 201;
      if (!created) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(created);
  }
  wait_answers(answers() + 20);
  done = true;
  for (auto& t : clients) t.join();

  std::vector<std::string> accepted;
  int unavailable = 0;
  for (const Reply& r : replies) {
    INFO(r.status << " " << r.text);
    if (r.status == 201) {
      accepted.push_back(r.id);
    } else {
      CHECK(r.status == 503);
      CHECK(r.kind == "store_unavailable");
      CHECK_FALSE(r.retry_after.empty());
      ++unavailable;
    }
  }
  CHECK(unavailable > 0);  // the outage was seen
  // Both nodes and the worker went on running: the nodes answer, the worker did not exit.
  CHECK(a->get("/healthz").status == 200);
  CHECK(b->get("/healthz").status == 200);
  CHECK(worker.running());
  // Every run answered 201 is there and succeeds. A run the worker was executing when the
  // database went away cannot record its end: it is tried again once the lease lapses (a second
  // run.started). Only those in flight can be (the worker runs 2 at once). Either way every task
  // is recorded succeeded once: the retry resumes after the tasks recorded succeeded.
  int retried = 0;
  for (size_t i = 0; i < accepted.size(); ++i) {
    const std::string& id = accepted[i];
    nlohmann::json run = (i % 2 ? *a : *b).wait_run(id);
    INFO(id << ": " << run.dump() << "\n" << worker.log());
    REQUIRE(run["status"] == "succeeded");
    auto counts = event_counts(*a, id);
    CHECK(counts["run.succeeded"] == 1);
    CHECK(counts["task.succeeded"] == static_cast<int>(run["tasks"].size()));
    if (counts["run.started"] != 1) {
      CHECK(counts["run.started"] == 2);
      ++retried;
    }
  }
  CHECK(retried <= 2);
  CHECK(worker.running());
  worker.signal(SIGTERM);
  CHECK(worker.wait() == 0);
}

}  // namespace wfc::test
