// The SQLite RAII layer (see sqlite_db.h).
#include "runtime/store/sqlite_db.h"

#include <fmt/format.h>

namespace wfc::store::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw StoreError(fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement& Statement::bind(int i, std::string_view text) {
  if (sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

Statement& Statement::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, sqlite3_sql(stmt_));
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

Connection::Connection(const std::filesystem::path& path, std::string_view synchronous,
                       int busy_timeout_ms) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = fmt::format("sqlite: open '{}': {}", path.string(),
                                  db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    throw StoreError(msg);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  exec("PRAGMA journal_mode=WAL");
  exec(fmt::format("PRAGMA synchronous={}", synchronous));
  exec("PRAGMA foreign_keys=ON");
}

Connection::~Connection() {
  cache_.clear();  // statements first: sqlite3_close refuses while any is alive
  sqlite3_close(db_);
}

Query Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Query(*it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK)
    fail(db_, fmt::format("prepare '{}'", sql));
  auto& slot = cache_[sql];
  slot = std::make_unique<Statement>(db_, stmt);
  return Query(*slot);
}

void Connection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = fmt::format("sqlite: '{}': {}", sql.substr(0, 80), err ? err : "");
    sqlite3_free(err);
    throw StoreError(msg);
  }
}

// BEGIN, COMMIT and ROLLBACK through the statement cache: sqlite3_exec compiled them again for
// every transaction, two per request.
Transaction::Transaction(Connection& c, Mode mode) : c_(c) {
  static const std::string begin_write = "BEGIN IMMEDIATE", begin_read = "BEGIN";
  c_.prepare(mode == Write ? begin_write : begin_read)->run();
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    static const std::string rollback = "ROLLBACK";
    c_.prepare(rollback)->run();
  } catch (const StoreError&) {
    // The transaction may already be gone (SQLite rolls back on some errors itself).
  }
}

void Transaction::commit() {
  static const std::string commit = "COMMIT";
  c_.prepare(commit)->run();
  open_ = false;
}

}  // namespace wfc::store::sqlite
