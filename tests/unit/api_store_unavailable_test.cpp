// The API on PostgreSQL while the database restarts (issue 21, point 6): clients creating runs
// get 201 or 503 with Retry-After and a store_unavailable error while it is down — never a 500,
// never a hang — and every run that got a 201 is there once it is back.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "runtime/api/server.h"
#include "runtime/store/pg_store.h"
#include "test_postgres.h"

namespace wfc {
namespace {

constexpr const char* kKey = "wfc_pgtest00000000000000000000000000000000001";

const char* kRunBody = R"({"tasks": [{"kind": "ingest",
    "options": {"url": "https://example.com/v.mp4"},
    "next": [{"kind": "video", "options": {"width": 320, "format": "mp4"}}]}]})";

struct PgApi {
  test::PostgresCluster cluster;
  std::unique_ptr<store::PgStore> store;
  api::Metrics metrics;
  std::unique_ptr<api::Server> server;
  std::thread thread;
  int port = 0;
  std::string data_dir;

  PgApi() {
    store::PgStore::Options o;
    o.url = cluster.fresh_database();
    store = std::make_unique<store::PgStore>(o);
    store->add_api_key("test", kKey);
    api::Config config;
    config.host = "127.0.0.1";
    config.port = 0;
    char tmpl[] = "/tmp/wfc-pgapi-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    data_dir = tmpl;
    config.data_dir = data_dir;
    server = std::make_unique<api::Server>(*store, config, metrics);
    std::string error;
    port = server->bind(&error);
    REQUIRE(port > 0);
    thread = std::thread([this] { server->run(); });
  }
  ~PgApi() {
    server->stop();
    thread.join();
    std::filesystem::remove_all(data_dir);
  }
  httplib::Result post_run() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    return c.Post("/runs", {{"Authorization", std::string("Bearer ") + kKey}}, kRunBody,
                  "application/json");
  }
  int get_status(const std::string& path) const {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get(path.c_str(), {{"Authorization", std::string("Bearer ") + kKey}});
    return r ? r->status : 0;
  }
};

TEST_CASE("PostgreSQL down: creations get 503 with Retry-After; back: nothing accepted is lost",
          "[api][pg]") {
  PgApi api;
  auto first = api.post_run();
  REQUIRE(first);
  REQUIRE(first->status == 201);

  // Clients keep creating runs while the database goes away and comes back.
  std::mutex m;
  std::vector<std::string> accepted;
  std::multiset<int> statuses;
  std::atomic<bool> done{false};
  std::atomic<int> unavailable_while_down{0};
  std::atomic<bool> down{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i)
    clients.emplace_back([&] {
      while (!done) {
        auto r = api.post_run();
        std::lock_guard lock(m);
        statuses.insert(r ? r->status : 0);
        if (r && r->status == 201) accepted.push_back(nlohmann::json::parse(r->body)["id"]);
        if (r && r->status == 503 && down) {
          CHECK(r->get_header_value("Retry-After") == "2");
          auto body = nlohmann::json::parse(r->body);
          CHECK(body["kind"] == "store_unavailable");
          ++unavailable_while_down;
        }
      }
    });
  auto wait_for_answers = [&](size_t n) {
    for (int i = 0; i < 600; ++i) {
      {
        std::lock_guard lock(m);
        if (statuses.size() >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  wait_for_answers(10);
  down = true;
  api.cluster.pause();
  size_t at_pause;
  {
    std::lock_guard lock(m);
    at_pause = statuses.size();
  }
  wait_for_answers(at_pause + 10);
  down = false;
  api.cluster.resume();
  // Until creations succeed again.
  for (int i = 0; i < 300; ++i) {
    auto r = api.post_run();
    if (r && r->status == 201) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  done = true;
  for (auto& t : clients) t.join();

  CHECK(unavailable_while_down > 0);
  // Only 201 and 503: no 500, no dropped connection.
  for (int s : statuses) CHECK((s == 201 || s == 503));
  auto again = api.post_run();
  REQUIRE(again);
  CHECK(again->status == 201);
  for (const std::string& id : accepted) CHECK(api.get_status("/runs/" + id) == 200);
}

}  // namespace
}  // namespace wfc
