// Helpers for the store tests: a store on a temporary database — SQLite or PostgreSQL, the one
// contract suite runs on both (`test::StoreFixture f{GENERATE(test::both_backends())}`) — with
// a clock the test moves (leases expire without sleeping), and small run requests.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>

#include "runtime/store/pg_store.h"
#include "runtime/store/sqlite_store.h"
#include "test_cli.h"
#include "test_postgres.h"

namespace wfc::test {

/// A fake wall clock in unix milliseconds, shared by every store a test opens.
struct TestClock {
  std::shared_ptr<std::atomic<int64_t>> ms =
      std::make_shared<std::atomic<int64_t>>(int64_t{1'800'000'000'000});
  void advance_seconds(int64_t s) const { *ms += s * 1000; }
};

enum class Backend { Sqlite, Postgres };

/// Both backends, for GENERATE: each test case runs once on SQLite, once on PostgreSQL.
inline Catch::Generators::GeneratorWrapper<Backend> both_backends() {
  return Catch::Generators::values({Backend::Sqlite, Backend::Postgres});
}

/// A temporary database — a SQLite file, or a fresh PostgreSQL database on the test server —
/// that open() may open again (another store on the same database, or a restarted process).
struct StoreFixture {
  explicit StoreFixture(Backend b = Backend::Sqlite) : backend(b) {
    UNSCOPED_INFO("store backend: " << (b == Backend::Sqlite ? "sqlite" : "postgres"));
    if (b == Backend::Postgres) url = postgres_url();
  }
  ~StoreFixture() {
    if (backend == Backend::Postgres) shared_postgres().drop_database(url);
  }
  StoreFixture(const StoreFixture&) = delete;
  StoreFixture& operator=(const StoreFixture&) = delete;

  Backend backend;
  TempDir dir;
  TestClock clock;
  std::string path = (dir.path() / "wfc.db").string();  // SQLite
  std::string url;                                      // PostgreSQL

  bool postgres() const { return backend == Backend::Postgres; }
  std::function<int64_t()> clock_fn() const {
    auto ms = clock.ms;
    return [ms] { return ms->load(); };
  }
  store::SqliteStore::Options options() const {
    store::SqliteStore::Options o;
    o.path = path;
    o.clock_ms = clock_fn();
    return o;
  }
  store::PgStore::Options pg_options() const {
    store::PgStore::Options o;
    o.url = url;
    o.clock_ms = clock_fn();
    return o;
  }
  std::unique_ptr<store::Store> open() const {
    if (postgres()) return std::make_unique<store::PgStore>(pg_options());
    return std::make_unique<store::SqliteStore>(options());
  }
  std::unique_ptr<store::SqliteStore> open_sqlite() const {
    REQUIRE(!postgres());
    return std::make_unique<store::SqliteStore>(options());
  }
  /// Runs `sql` on the database through a connection of its own; the first column of the first
  /// row as text ("" when none). The SQL must mean the same on both.
  std::string scalar(const char* sql) const;
};

/// Runs `sql` on the database file through a connection of its own (as another process would)
/// and returns the first column of the first row as text ("" when there is none).
inline std::string sqlite_scalar(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

inline std::string StoreFixture::scalar(const char* sql) const {
  return postgres() ? pg_scalar(url, sql) : sqlite_scalar(path, sql);
}

/// A run of three tasks: t0 (video) at the top with t1 (image) and t2 (audio) reading its output.
inline store::NewRun three_task_run(const std::string& url = "https://example.com/in.mp4") {
  store::NewRun r;
  r.automation_id = "auto_0000000000000000";
  r.input_url = url;
  r.created_by = "key_0000000000000000";
  r.metadata = {{"customer", "c1"}};
  r.plan = {{"version", 1}, {"nodes", nlohmann::json::array()}};
  r.tasks = {{"t0", "video", {{"width", 640}}, ""},
             {"t1", "image", {{"format", "jpeg"}}, "t0"},
             {"t2", "audio", nlohmann::json::object(), "t0"}};
  return r;
}

/// The same run with a webhook receiver: its events are due for delivery.
inline store::NewRun hooked_run() {
  store::NewRun r = three_task_run();
  r.webhook_url = "https://hooks.example.com/runs";
  return r;
}

}  // namespace wfc::test
