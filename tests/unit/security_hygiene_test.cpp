// Issue 19, point 6, seen from a user's side against a real `wfc serve`: passwords in URLs never
// shown (GET /runs, /tasks, /events, /automations, webhook bodies) while the fetch and the
// delivery still use them; private file modes (database, secrets, run directories, outputs);
// JSON nested too deep refused with a location; webhook_url checked alike on every route.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <mutex>

#include "runtime/store/private_files.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

constexpr const char* kInputPassword = "s3cret-in-url";
constexpr const char* kHookPassword = "hookpass-9x";

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

/// Sets the umask for a scope: the server inherits a loose one, so private modes are its doing.
struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

/// A loopback server: the sample clip at /in.mp4 (only with `Basic auth` when asked), and a
/// webhook receiver at /hook that records bodies and Authorization headers.
struct Loopback {
  wfc::test::HttpServer http;
  std::mutex mu;
  std::vector<std::string> hook_bodies, hook_auth;

  explicit Loopback(std::string input_auth = "") {
    std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
    http.server().Get(
        "/in.mp4", [bytes, input_auth](const httplib::Request& req, httplib::Response& res) {
          if (!input_auth.empty() && req.get_header_value("Authorization") != input_auth) {
            res.status = 401;
            return;
          }
          res.set_content(bytes, "video/mp4");
        });
    http.server().Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu);
      hook_bodies.push_back(req.body);
      hook_auth.push_back(req.get_header_value("Authorization"));
      res.set_content("ok", "text/plain");
    });
    http.start();
  }
  std::string with_user(const std::string& path, const std::string& userinfo) {
    return "http://" + userinfo + "@127.0.0.1:" + std::to_string(http.port()) + path;
  }
  bool got_event(const std::string& kind) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& b : hook_bodies) {
      if (json::parse(b, nullptr, false).value("kind", "") == kind) return true;
    }
    return false;
  }
};

json one_rendition(const std::string& webhook_url) {
  return {{"name", "renditions"},
          {"webhook_url", webhook_url},
          {"workflow", {{{"kind", "video"}, {"options", {{"width", 160}, {"format", "mp4"}}}}}}};
}

}  // namespace

TEST_CASE("a password in an input or webhook URL is used, and never shown",
          "[security][secrets][api]") {
  // "viewer:s3cret-in-url" and "hook:hookpass-9x", as HTTP Basic credentials.
  Loopback loop("Basic dmlld2VyOnMzY3JldC1pbi11cmw=");
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  std::string hook = loop.with_user("/hook", std::string("hook:") + kHookPassword);
  std::string input = loop.with_user("/in.mp4", std::string("viewer:") + kInputPassword);
  auto made_auto = api.post("/automations", one_rendition(hook));
  REQUIRE(made_auto.status == 201);
  CHECK(made_auto.text.find(kHookPassword) == std::string::npos);
  std::string auto_id = made_auto.body["id"];

  auto made = api.post("/automations/" + auto_id + "/run", {{"url", input}});
  REQUIRE(made.status == 201);
  CHECK(made.text.find(kInputPassword) == std::string::npos);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  // The input server answers 401 without the password: the fetch used it.
  REQUIRE(run["status"] == "succeeded");
  CHECK(run["input"] == "http://127.0.0.1:" + std::to_string(loop.http.port()) + "/in.mp4");

  // A run and a task whose options carry the URL.
  auto by_runs = api.post(
      "/runs",
      {{"tasks", {{{"kind", "ingest"}, {"options", {{"url", input}}}}}}, {"webhook_url", hook}});
  REQUIRE(by_runs.status == 201);
  auto by_tasks = api.post("/tasks", {{"url", input}, {"kind", "video"}, {"webhook_url", hook}});
  REQUIRE(by_tasks.status == 201);
  api.wait_run(by_runs.body["id"]);
  api.wait_run(by_tasks.body["run_id"]);

  // The deliverer posts to the real URL: the receiver sees the hook's credentials.
  for (int i = 0; i < 600 && !loop.got_event("run.succeeded"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(loop.got_event("run.succeeded"));
  {
    std::lock_guard<std::mutex> lock(loop.mu);
    for (const auto& auth : loop.hook_auth) CHECK(auth == "Basic aG9vazpob29rcGFzcy05eA==");
    for (const auto& body : loop.hook_bodies) {
      CHECK(body.find(kInputPassword) == std::string::npos);
      CHECK(body.find(kHookPassword) == std::string::npos);
    }
  }
  for (const std::string& path : std::vector<std::string>{
           "/runs", "/runs/" + made.body["id"].get<std::string>(),
           "/runs/" + by_runs.body["id"].get<std::string>(), "/tasks?limit=100",
           "/events?limit=100", "/automations", "/automations/" + auto_id}) {
    auto a = api.get(path);
    INFO(path << ": " << a.text);
    REQUIRE(a.status == 200);
    CHECK(a.text.find(kInputPassword) == std::string::npos);
    CHECK(a.text.find(kHookPassword) == std::string::npos);
    CHECK(a.text.find("viewer") == std::string::npos);
  }
  CHECK(api.get("/automations/" + auto_id).body["webhook_url"] ==
        "http://127.0.0.1:" + std::to_string(loop.http.port()) + "/hook");
  CHECK(api.log().find(kInputPassword) == std::string::npos);
}

TEST_CASE("wfc serve creates its database, secrets, run directories and outputs private",
          "[security][modes][api]") {
  Loopback loop;
  TempDir dir;
  Umask loose(022);  // what the server would do with the usual umask, were it not for its own
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  std::string auto_id = api.post("/automations", one_rendition("")).body["id"];
  auto made =
      api.post("/automations/" + auto_id + "/run", {{"url", loop.with_user("/in.mp4", "anyone")}});
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");

  fs::path data = dir.path() / "data";
  CHECK(mode_of(data) == 0700);
  CHECK(mode_of(data / "wfc.db") == 0600);
  // SQLite gives its WAL and shared-memory files the database's mode (the server is running).
  for (const char* side : {"wfc.db-wal", "wfc.db-shm"}) {
    if (fs::exists(data / side)) CHECK(mode_of(data / side) == 0600);
  }
  CHECK(mode_of(data / "webhook-secret") == 0600);
  fs::path run_dir = data / "runs" / run["id"].get<std::string>();
  CHECK(mode_of(run_dir) == 0700);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(run_dir)) {
    INFO(e.path());
    if (e.is_directory()) CHECK(mode_of(e.path()) == 0700);
    if (e.is_regular_file()) {
      CHECK((mode_of(e.path()) & 077) == 0);
      ++files;
    }
  }
  CHECK(files >= 2);  // the fetched input and the rendition
}

TEST_CASE("secrets are written private from their first byte, and kept once written",
          "[security][secrets]") {
  TempDir dir;
  Umask open_to_all(0);  // a file made with open()'s default mode would come out 0666
  std::string error;
  fs::path secret = dir.path() / "webhook-secret";
  auto kept = wfc::store::keep_private_file(secret, "first\n", &error);
  REQUIRE(kept);
  CHECK(*kept == "first\n");
  CHECK(mode_of(secret) == 0600);
  // A second writer finds the first one's secret and keeps it.
  auto again = wfc::store::keep_private_file(secret, "second\n", &error);
  REQUIRE(again);
  CHECK(*again == "first\n");
  CHECK(wfc::test::slurp_file(secret) == "first\n");
  // An empty file (a write that never finished) is replaced.
  fs::path empty = dir.path() / "dev-api-key";
  std::ofstream(empty).close();
  REQUIRE(wfc::store::keep_private_file(empty, "made\n", &error) == std::string("made\n"));
  CHECK(mode_of(empty) == 0600);
  // Nothing else is left in the directory (no temporary files).
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += !e.path().empty();
  CHECK(entries == 2);

  fs::path deep = dir.path() / "a" / "b";
  REQUIRE(wfc::store::create_private_dirs(deep, &error));
  CHECK(mode_of(dir.path() / "a") == 0700);
  CHECK(mode_of(deep) == 0700);
}

TEST_CASE("wfc serve narrows a secret it finds readable by others, and says so",
          "[security][secrets][modes]") {
  TempDir dir;
  fs::path data = dir.path() / "data";
  fs::create_directories(data);
  dir.write("data/webhook-secret", "whsec_old\n");
  fs::permissions(data / "webhook-secret", fs::perms(0644));
  ApiServer api(dir);
  CHECK(mode_of(data / "webhook-secret") == 0600);
  CHECK(wfc::test::slurp_file(data / "webhook-secret") == "whsec_old\n");
  CHECK(api.log().find("webhook-secret was readable by others") != std::string::npos);
}

TEST_CASE("JSON nested too deep is a 400 request_invalid that says where", "[security][api]") {
  TempDir dir;
  ApiServer api(dir);
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  struct Case {
    std::string body;
    size_t offset, line, column;  // of the bracket that opens level 257
  };
  // In the second, the object is level 1 and its first '[' (byte 10, on line 2) level 2.
  for (const Case& c : {Case{deep, 256, 1, 257}, Case{"{\"tasks\":\n" + deep + "}", 265, 2, 256}}) {
    auto a = api.request("POST", "/runs", c.body);
    INFO(a.text);
    CHECK(a.status == 400);
    CHECK(a.body["kind"] == "request_invalid");
    CHECK(a.body["message"].get<std::string>().find("nested more than 256 levels") !=
          std::string::npos);
    CHECK(a.body["offset"] == c.offset);
    CHECK(a.body["line"] == c.line);
    CHECK(a.body["column"] == c.column);
  }
  // Brackets inside strings do not count, and 256 levels are read.
  std::string fine = "{\"metadata\": {\"note\": \"" + std::string(1000, '[') +
                     "\"}, \"tasks\": " + std::string(255, '[') + std::string(255, ']') + "}";
  auto a = api.request("POST", "/runs", fine);
  INFO(a.text);
  CHECK(a.body["message"].get<std::string>().find("nested") == std::string::npos);
}

TEST_CASE("webhook_url is checked alike on every route that takes it", "[security][api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});  // runs stay queued: nothing is fetched
  std::string auto_id =
      api.post("/automations", one_rendition("https://hooks.example.com/a")).body["id"];
  REQUIRE(auto_id.rfind("auto_", 0) == 0);
  const json tasks = {{{"kind", "ingest"}, {"options", {{"url", "https://example.com/a.mp4"}}}}};
  for (std::string bad : {"gopher://127.0.0.1:70/1", "ftp://example.com/x", "file:///etc/passwd",
                          "not a url", "http://"}) {
    struct Route {
      std::string method, path;
      json body;
    };
    std::vector<Route> routes = {
        {"POST", "/runs", {{"tasks", tasks}, {"webhook_url", bad}}},
        {"POST",
         "/tasks",
         {{"url", "https://example.com/a.mp4"}, {"kind", "video"}, {"webhook_url", bad}}},
        {"POST", "/automations", one_rendition(bad)},
        {"PATCH", "/automations/" + auto_id, {{"webhook_url", bad}}},
        {"POST",
         "/automations/" + auto_id + "/run",
         {{"url", "https://example.com/a.mp4"}, {"webhook_url", bad}}},
    };
    for (const Route& r : routes) {
      auto a = api.request(r.method, r.path, r.body.dump());
      INFO(r.method << " " << r.path << " " << bad << ": " << a.text);
      CHECK(a.status == 422);
      CHECK(a.body["kind"] == "request_invalid");
      CHECK(a.body["field"] == "webhook_url");
      CHECK(a.body["pointer"] == "/webhook_url");
      CHECK(a.body["diagnostics"][0]["pointer"] == "/webhook_url");
      CHECK(a.body["message"].get<std::string>().find(
                "'webhook_url' must be an absolute http or https URL") != std::string::npos);
    }
  }
  // Nothing was created or changed by the refused requests.
  CHECK(api.get("/runs").body["data"].empty());
  CHECK(api.get("/automations").body["data"].size() == 1);
  CHECK(api.get("/automations/" + auto_id).body["webhook_url"] == "https://hooks.example.com/a");
  // http(s) URLs pass on every route.
  CHECK(
      api.post("/runs", {{"tasks", tasks}, {"webhook_url", "http://hooks.example.com/b"}}).status ==
      201);
  CHECK(api.post("/tasks", {{"url", "https://example.com/a.mp4"},
                            {"kind", "video"},
                            {"webhook_url", "HTTPS://hooks.example.com/c"}})
            .status == 201);
  CHECK(api.request("PATCH", "/automations/" + auto_id,
                    json{{"webhook_url", "https://hooks.example.com/d"}}.dump())
            .status == 200);
}
