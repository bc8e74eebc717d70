// The store's schema: created by migrations on an empty file, kept on reopen, and a database
// from a newer build refused with a clear error instead of being written to.
#include <catch2/catch.hpp>

#include "runtime/store/migrations.h"
#include "test_store.h"

namespace wfc {
namespace {

TEST_CASE("an empty file is migrated to the latest schema", "[store]") {
  test::StoreFixture f;
  auto s = f.open_sqlite();
  CHECK(s->schema_version() == store::sqlite::latest_schema_version());
  CHECK(s->schema_version() >= 1);
  // A fresh database is usable at once.
  CHECK(s->create_run(test::three_task_run()).created);
}

TEST_CASE("reopening keeps the data and applies no migration twice", "[store]") {
  test::StoreFixture f;
  std::string id;
  {
    auto s = f.open_sqlite();
    id = s->create_run(test::three_task_run()).run.id;
  }
  auto s = f.open_sqlite();
  CHECK(s->schema_version() == store::sqlite::latest_schema_version());
  auto r = s->get_run(id);
  REQUIRE(r);
  CHECK(r->tasks.size() == 3);
  // One row per applied migration, none repeated by the second open.
  CHECK(test::sqlite_scalar(f.path, "SELECT COUNT(*) FROM schema_version") ==
        std::to_string(store::sqlite::latest_schema_version()));
}

TEST_CASE("the database is in WAL mode", "[store]") {
  test::StoreFixture f;
  auto s = f.open_sqlite();
  CHECK(test::sqlite_scalar(f.path, "PRAGMA journal_mode") == "wal");
}

TEST_CASE("a database from a newer build is refused", "[store]") {
  test::StoreFixture f;
  { auto s = f.open_sqlite(); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(f.path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH(f.open_sqlite(), Catch::Contains("schema version 999, newer than this build"));
}

TEST_CASE("a path that cannot be a database is a StoreError", "[store]") {
  test::StoreFixture f;
  store::SqliteStore::Options o = f.options();
  o.path = f.dir.path() / "no" / "such" / "dir" / "wfc.db";
  CHECK_THROWS_AS(store::SqliteStore(o), store::StoreError);
  test::TempDir d;
  std::string garbage = d.write("not.db", std::string(8192, 'x'));
  o.path = garbage;
  CHECK_THROWS_AS(store::SqliteStore(o), store::StoreError);
}

}  // namespace
}  // namespace wfc
