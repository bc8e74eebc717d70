// Helpers for the store tests: a SqliteStore on a temporary database with a clock the test moves
// (leases expire without sleeping), and small run requests.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "runtime/store/sqlite_store.h"
#include "test_cli.h"

namespace wfc::test {

/// A fake wall clock in unix milliseconds, shared by every store a test opens.
struct TestClock {
  std::shared_ptr<std::atomic<int64_t>> ms =
      std::make_shared<std::atomic<int64_t>>(int64_t{1'800'000'000'000});
  void advance_seconds(int64_t s) const { *ms += s * 1000; }
};

/// A temporary database; open() may be called again to reopen the same file.
struct StoreFixture {
  TempDir dir;
  TestClock clock;
  std::string path = (dir.path() / "wfc.db").string();

  store::SqliteStore::Options options() const {
    store::SqliteStore::Options o;
    o.path = path;
    auto ms = clock.ms;
    o.clock_ms = [ms] { return ms->load(); };
    return o;
  }
  std::unique_ptr<store::SqliteStore> open() const {
    return std::make_unique<store::SqliteStore>(options());
  }
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
