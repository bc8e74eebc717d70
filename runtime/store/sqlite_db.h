// A thin RAII layer over the SQLite C API for the store: a connection with a cache of prepared
// statements (each SQL text is compiled once per connection, never per request), a statement
// with typed bind/column helpers, and a transaction guard that rolls back unless committed.
// Every SQLite failure becomes a StoreError that names the call and SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/store/store.h"

namespace wfc::store::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based, as in SQLite.
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, double v);
  Statement& bind_null(int i);
  /// Steps once: true while a row is ready. Throws StoreError on failure.
  bool step();
  /// Runs to completion (for statements that return no rows).
  void run();
  /// Clears bindings and resets, ready for the next use; called when the statement is lent.
  void reset();

  std::string text(int col) const;
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/// A cached statement lent for one use: reset (bindings cleared, any read finished) when the
/// handle goes, so no statement keeps a read snapshot open between requests.
class Query {
 public:
  explicit Query(Statement& s) : s_(&s) {}
  ~Query() {
    if (s_) s_->reset();
  }
  Query(Query&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

class Connection {
 public:
  /// Opens (creating) `path` with WAL, `synchronous` (NORMAL or FULL), foreign keys and a busy
  /// timeout. Throws StoreError.
  Connection(const std::filesystem::path& path, std::string_view synchronous, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The cached prepared statement for `sql` (compiled on first use), ready to bind.
  Query prepare(const std::string& sql);
  /// Runs SQL with no parameters (schema, pragmas, BEGIN/COMMIT).
  void exec(const std::string& sql);
  int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

/// BEGIN IMMEDIATE (the write lock up front, so no transaction fails half-way on a lock upgrade)
/// or a deferred read transaction; rolls back on destruction unless commit() ran.
class Transaction {
 public:
  enum Mode { Read, Write };
  Transaction(Connection& c, Mode mode);
  ~Transaction();
  void commit();

 private:
  Connection& c_;
  bool open_ = true;
};

}  // namespace wfc::store::sqlite
