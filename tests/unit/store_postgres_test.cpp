// What PostgreSQL adds to the store contract (the contract itself runs on both backends in the
// other store_*_test.cpp): migrations applied once when two processes start together, a newer
// schema refused, NOTIFY waking a watcher on another store, a restarted server (StoreUnavailable
// while it is down, then work resumes on the same store), the URL's pool parameter, the
// connections table, a NUL in text refused, and open_store's postgres:// branch.
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "runtime/model/ids.h"
#include "runtime/store/open_store.h"
#include "runtime/store/pg_conn.h"
#include "runtime/store/pg_migrations.h"
#include "test_store.h"

namespace wfc {
namespace {

using std::chrono::seconds;

/// Calls `f` until it stops throwing StoreUnavailable (the server coming back), at most ~30 s.
template <typename F>
auto until_available(F&& f) {
  for (int i = 0;; ++i) {
    try {
      return f();
    } catch (const store::StoreUnavailable&) {
      if (i >= 300) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

TEST_CASE("two stores opening a new database at once apply each migration once", "[store][pg]") {
  test::StoreFixture f{test::Backend::Postgres};
  std::vector<std::unique_ptr<store::Store>> stores(4);
  std::vector<std::thread> openers;
  for (auto& s : stores) openers.emplace_back([&] { s = f.open(); });
  for (auto& t : openers) t.join();
  for (auto& s : stores) REQUIRE(s);
  CHECK(f.scalar("SELECT count(*) FROM schema_migrations") ==
        std::to_string(store::pg::latest_schema_version()));
  CHECK(f.scalar("SELECT count(DISTINCT version) FROM schema_migrations") ==
        std::to_string(store::pg::latest_schema_version()));
  // Every one of them works on the one schema.
  std::string id = stores[0]->create_run(test::three_task_run()).run.id;
  CHECK(stores[3]->get_run(id)->tasks.size() == 3);
  auto pg = std::make_unique<store::PgStore>(f.pg_options());
  CHECK(pg->schema_version() == store::pg::latest_schema_version());
}

TEST_CASE("a PostgreSQL database from a newer build is refused", "[store][pg]") {
  test::StoreFixture f{test::Backend::Postgres};
  { auto s = f.open(); }
  test::pg_scalar(f.url, "INSERT INTO schema_migrations VALUES (999, 0)");
  CHECK_THROWS_WITH(f.open(), Catch::Contains("schema version 999, newer than this build"));
}

TEST_CASE("a run created through one store wakes the watcher of another", "[store][pg]") {
  test::StoreFixture f{test::Backend::Postgres};
  auto worker_side = f.open();
  auto api_side = f.open();
  std::mutex m;
  std::condition_variable cv;
  int heard = 0;
  worker_side->watch_queue([&] {
    std::lock_guard lock(m);
    ++heard;
    cv.notify_all();
  });
  auto wait_for = [&](int n) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, seconds(30), [&] { return heard >= n; });
  };
  // The listener says so once it listens (what was queued before it is claimable too).
  REQUIRE(wait_for(1));
  int before = heard;
  api_side->create_run(test::three_task_run());
  CHECK(wait_for(before + 1));

  // A released lease makes a run claimable again: that is told too.
  REQUIRE(api_side->claim_run("host-a", seconds(30)));
  before = heard;
  CHECK(api_side->release_worker("host-a") == 1);
  CHECK(wait_for(before + 1));
}

TEST_CASE("a stopped server makes calls StoreUnavailable; restarted, the same store works",
          "[store][pg]") {
  test::PostgresCluster cluster;
  std::string url = cluster.fresh_database("pool=4");
  store::PgStore::Options o;
  o.url = url;
  auto s = std::make_unique<store::PgStore>(o);
  std::string before = s->create_run(test::three_task_run()).run.id;
  // A watcher hears once its listener is connected, and again after the listener reconnects.
  std::mutex m;
  std::condition_variable cv;
  int heard = 0;
  s->watch_queue([&] {
    std::lock_guard lock(m);
    ++heard;
    cv.notify_all();
  });
  auto heard_more_than = [&](int n) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, seconds(30), [&] { return heard > n; });
  };
  REQUIRE(heard_more_than(0));
  int heard_before_restart;
  {
    std::lock_guard lock(m);
    heard_before_restart = heard;
  }

  cluster.pause();
  CHECK_THROWS_AS(s->create_run(test::three_task_run()), store::StoreUnavailable);
  CHECK_THROWS_AS(s->get_run(before), store::StoreUnavailable);
  CHECK_THROWS_AS(s->claim_run("w", seconds(30)), store::StoreUnavailable);
  // A new store cannot open either, and says why.
  CHECK_THROWS_AS(store::PgStore(o), store::StoreUnavailable);

  cluster.resume();
  std::string after = until_available([&] { return s->create_run(test::three_task_run()).run.id; });
  CHECK(s->get_run(before)->tasks.size() == 3);
  CHECK(s->get_run(after)->tasks.size() == 3);
  auto claimed = s->claim_run("w", seconds(30));
  REQUIRE(claimed);
  CHECK(claimed->id == before);
  CHECK(heard_more_than(heard_before_restart));
}

TEST_CASE("the store URL's pool parameter is wfc's, checked and kept from libpq", "[store][pg]") {
  auto u = store::pg::parse_url("postgres://u:secret@db.example:5433/wfc?pool=3&sslmode=require");
  CHECK(u.pool == 3);
  CHECK(u.conninfo.find("pool=") == std::string::npos);
  CHECK(u.conninfo.find("sslmode=require") != std::string::npos);
  CHECK(u.conninfo.find("connect_timeout=") != std::string::npos);
  CHECK(store::pg::parse_url("postgres://h/db").pool == 8);
  CHECK_THROWS_WITH(store::pg::parse_url("postgres://u:secret@h/db?pool=0"),
                    Catch::Contains("pool=0 must be a number of connections from 1 to 256") &&
                        !Catch::Contains("secret"));
  CHECK_THROWS_AS(store::pg::parse_url("postgres://h/db?pool=lots"), store::StoreError);

  // One connection shared by eight threads: they queue for it, nothing is lost.
  test::StoreFixture f{test::Backend::Postgres};
  store::PgStore::Options o = f.pg_options();
  o.url += "?pool=1";
  store::PgStore s(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) s.create_run(test::three_task_run());
    });
  for (auto& t : threads) t.join();
  CHECK(f.scalar("SELECT count(*) FROM runs") == "80");
  CHECK(f.scalar("SELECT count(*) FROM tasks") == "240");
}

TEST_CASE("connections are stored, listed, updated and deleted on PostgreSQL", "[store][pg]") {
  test::StoreFixture f{test::Backend::Postgres};
  auto s = f.open();
  store::Connection c;
  c.name = "media bucket";
  c.settings = {{"bucket", "media"}, {"region", "eu-west-1"}, {"endpoint", ""}};
  c.sealed_secret = "v1:sealed-bytes";
  c.created_by = "key_0000000000000000";
  store::Connection made = s->create_connection(c);
  CHECK(model::is_id(made.id, "conn"));
  CHECK(made.created_at == 1'800'000'000);
  f.clock.advance_seconds(1);
  store::Connection other = s->create_connection(c);

  auto got = s->get_connection(made.id);
  REQUIRE(got);
  CHECK(got->settings == c.settings);
  CHECK(got->sealed_secret == "v1:sealed-bytes");
  CHECK(got->created_by == "key_0000000000000000");
  store::ListQuery q;
  q.order = store::Order::Asc;
  auto page = s->list_connections(q);
  REQUIRE(page->items.size() == 2);
  CHECK(page->items[0].id == made.id);
  q.after = made.id;
  CHECK(s->list_connections(q)->items.at(0).id == other.id);

  got->name = "renamed";
  got->sealed_secret = "v1:rotated";
  f.clock.advance_seconds(5);
  REQUIRE(s->update_connection(*got));
  auto updated = s->get_connection(made.id);
  CHECK(updated->name == "renamed");
  CHECK(updated->sealed_secret == "v1:rotated");
  CHECK(updated->updated_at == 1'800'000'006);
  CHECK(s->delete_connection(made.id));
  CHECK_FALSE(s->delete_connection(made.id));
  CHECK_FALSE(s->get_connection(made.id));
  got->id = "conn_0000000000000000";
  CHECK_FALSE(s->update_connection(*got));
}

TEST_CASE("a NUL character in a text field is refused on PostgreSQL, not cut short",
          "[store][pg]") {
  test::StoreFixture f{test::Backend::Postgres};
  auto s = f.open();
  store::Automation a;
  a.name = std::string("before\0after", 12);
  CHECK_THROWS_WITH(s->create_automation(a), Catch::Contains("holds a NUL character"));
  CHECK(f.scalar("SELECT count(*) FROM automations") == "0");
  // In JSON it is escaped, and comes back whole.
  a.name = "fine";
  a.workflow = {{"note", std::string("x\0y", 3)}};
  a = s->create_automation(a);
  CHECK(s->get_automation(a.id)->workflow["note"] == std::string("x\0y", 3));
}

TEST_CASE("open_store opens PostgreSQL for a postgres:// URL", "[store][pg]") {
  std::string url = test::postgres_url();
  auto s = store::open_store(url);
  REQUIRE(dynamic_cast<store::PgStore*>(s.get()));
  std::string id = s->create_run(test::three_task_run()).run.id;
  auto again = store::open_store(url);
  CHECK(again->get_run(id));
  // A server that is not there: StoreUnavailable naming the URL without its password.
  std::string nowhere = "postgres://wfc:hunter2@127.0.0.1:1/wfc";
  CHECK_THROWS_AS(store::open_store(nowhere), store::StoreUnavailable);
  CHECK_THROWS_WITH(store::open_store(nowhere),
                    Catch::Contains("127.0.0.1:1") && !Catch::Contains("hunter2"));
  test::shared_postgres().drop_database(url);
}

}  // namespace
}  // namespace wfc
