// A real PostgreSQL 15 for the tests, run by tools/test-postgres (initdb + pg_ctl as an
// unprivileged user, on 127.0.0.1, in a temporary directory). One server is shared by a test
// process: the one ctest started for the whole run (WFC_TEST_POSTGRES_DIR names its directory),
// or else one this process starts at its first use and stops at its exit. postgres_url() gives
// each caller a fresh database on it; PostgresCluster is a server of a test's own, for tests
// that stop and restart it.
#pragma once

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "runtime/store/pg_conn.h"

namespace wfc::test {

/// A server run by tools/test-postgres in a directory of its own; stopped and removed with the
/// object (by the process that started it only: forked children leave it alone).
class PostgresCluster {
 public:
  /// Starts a new server in a fresh temporary directory.
  PostgresCluster() : dir_(make_dir()), owner_(getpid()) {
    script("start");
    base_ = read_url(dir_);
  }
  /// Uses the server already running in `dir` (ctest's), without owning it.
  explicit PostgresCluster(const std::string& dir, const std::string& base)
      : dir_(dir), base_(base), owner_(0) {}
  ~PostgresCluster() {
    if (owner_ == getpid()) script("stop", /*check=*/false);
  }
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  /// A URL of database `db` on this server (`query`: extra parameters, e.g. "pool=2").
  std::string url(const std::string& db, const std::string& query = "") const {
    std::string u = base_.substr(0, base_.rfind('/') + 1) + db;
    return query.empty() ? u : u + "?" + query;
  }
  /// A new empty database, its URL.
  std::string fresh_database(const std::string& query = "") {
    static std::atomic<int> counter{0};
    std::string db = "wfc_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    store::pg::Conn c(base_);
    c.exec("CREATE DATABASE " + db + " STRATEGY FILE_COPY");
    return url(db, query);
  }
  /// Drops a database made by fresh_database (its connections are closed first).
  void drop_database(const std::string& url) {
    std::string db = url.substr(url.rfind('/') + 1);
    db = db.substr(0, db.find('?'));
    try {
      store::pg::Conn c(base_);
      c.exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    } catch (const store::StoreError&) {
      // The server is down (a test stopped it): its directory goes with the cluster.
    }
  }
  /// Stops the server (a fast shutdown: clients are disconnected), keeping its data.
  void pause() { script("pause"); }
  /// Starts it again on the same port.
  void resume() { script("resume"); }

 private:
  static std::string make_dir() {
    std::string t = (std::filesystem::temp_directory_path() / "wfc-pg-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    return t;
  }
  static std::string read_url(const std::string& dir) {
    std::ifstream in(dir + "/url");
    std::string u;
    in >> u;
    return u;
  }
  void script(const char* cmd, bool check = true) {
    std::string line =
        std::string(WFC_SOURCE_DIR) + "/tools/test-postgres " + cmd + " '" + dir_ + "'";
    int rc = std::system(line.c_str());
    if (check) {
      INFO("tools/test-postgres " << cmd << " " << dir_);
      REQUIRE(rc == 0);
    }
  }

  std::string dir_, base_;
  pid_t owner_;

  friend PostgresCluster& shared_postgres();
};

/// The test process's shared server: ctest's (its directory: $WFC_TEST_POSTGRES_DIR, else the
/// build's test-postgres/) when it answers, else one started now.
inline PostgresCluster& shared_postgres() {
  static std::unique_ptr<PostgresCluster> shared = []() -> std::unique_ptr<PostgresCluster> {
    std::string dir;
    if (const char* env = std::getenv("WFC_TEST_POSTGRES_DIR"); env && *env) dir = env;
#ifdef WFC_TEST_POSTGRES_DIR
    if (dir.empty()) dir = WFC_TEST_POSTGRES_DIR;
#endif
    if (!dir.empty()) {
      std::string base = PostgresCluster::read_url(dir);
      try {
        if (!base.empty()) {
          store::pg::Conn probe(base);
          return std::make_unique<PostgresCluster>(dir, base);
        }
      } catch (const store::StoreError&) {
        // A stale directory of a run that ended: start our own.
      }
    }
    return std::make_unique<PostgresCluster>();
  }();
  return *shared;
}

/// A fresh database on the shared server: postgres://wfc@127.0.0.1:PORT/wfc_<pid>_<n>.
inline std::string postgres_url(const std::string& query = "") {
  return shared_postgres().fresh_database(query);
}

/// The first column of the first row of `sql` on `url` ("" when none), through a connection of
/// its own (as another process would see it).
inline std::string pg_scalar(const std::string& url, const std::string& sql) {
  store::pg::Conn c(store::pg::parse_url(url).conninfo);
  store::pg::Result r = c.run(sql);
  return r.rows() && !r.is_null(0, 0) ? r.text(0, 0) : std::string();
}

}  // namespace wfc::test
