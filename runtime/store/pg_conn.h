// PgStore's way to PostgreSQL (docs/store.md, "PostgreSQL"): one libpq connection with its
// statements prepared once each (Conn), the results read as text (Result), and a bounded pool of
// connections that reconnects with a backoff after the server went away (Pool). A call that
// cannot reach the server throws StoreUnavailable; any other failure of the database throws
// StoreError with the server's message.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/store/store.h"

struct pg_conn;
struct pg_result;

namespace wfc::store::pg {

/// The parameters of one statement, as text (NULL as nullopt); libpq sends them in text format.
class Params {
 public:
  Params& add(std::string v) {
    values_.emplace_back(std::move(v));
    return *this;
  }
  Params& add(const char* v) { return add(std::string(v)); }
  Params& add(int64_t v) { return add(std::to_string(v)); }
  Params& add(int v) { return add(std::to_string(v)); }
  Params& add(double v);
  Params& add(bool v) { return add(std::string(v ? "1" : "0")); }
  Params& null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

/// A statement's result rows, every value as text.
class Result {
 public:
  explicit Result(pg_result* r);
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;

  int rows() const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;  // "" for NULL
  int64_t integer(int row, int col) const;   // 0 for NULL
  double real(int row, int col) const;
  int64_t affected() const;  // rows an INSERT/UPDATE/DELETE touched

 private:
  pg_result* r_;
};

/// One connection. Not thread-safe: the pool hands it to one caller at a time.
class Conn {
 public:
  /// Connects (conninfo: libpq's URI with wfc's own parameters taken out). Throws
  /// StoreUnavailable when the server cannot be reached.
  explicit Conn(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  /// Runs `sql` (prepared on this connection at its first use) with `params`.
  Result run(const std::string& sql, const Params& params = {});
  /// Runs a text with no parameters (BEGIN, COMMIT, a migration), unprepared.
  void exec(const std::string& sql);

  /// False once the connection failed (a StoreUnavailable was thrown on it): the pool drops it.
  bool ok() const;
  /// Whether an idle connection still has its server: reads what the server sent meanwhile
  /// without waiting (a server shutting down tells its clients so) and checks the state.
  bool alive();
  pg_conn* raw() { return c_; }

 private:
  [[noreturn]] void fail(pg_result* r, const std::string& what);
  pg_conn* c_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

/// A transaction on a connection: BEGIN now, ROLLBACK unless commit() is called.
class Transaction {
 public:
  explicit Transaction(Conn& c) : c_(c) { c_.exec("BEGIN"); }
  ~Transaction();
  void commit();

 private:
  Conn& c_;
  bool done_ = false;
};

/// Up to `size` connections, made when needed and kept. A connection that failed is dropped; the
/// next acquire makes a new one, unless the last attempt to connect failed within the current
/// backoff (100 ms doubling up to 2 s): then it throws StoreUnavailable at once, so callers do
/// not each wait for a connect timeout while the server is down.
class Pool {
 public:
  Pool(std::string conninfo, int size);
  ~Pool();

  class Lease {
   public:
    Lease(Pool& p, std::unique_ptr<Conn> c) : pool_(p), c_(std::move(c)) {}
    Lease(const Lease&) = delete;  // returned by guaranteed elision only
    ~Lease();
    Conn& operator*() { return *c_; }
    Conn* operator->() { return c_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<Conn> c_;
  };
  Lease acquire();
  const std::string& conninfo() const { return conninfo_; }

 private:
  void give_back(std::unique_ptr<Conn> c);
  std::unique_ptr<Conn> connect();

  std::string conninfo_;
  int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int out_ = 0;                                     // connections handed out or being made
  std::chrono::steady_clock::time_point retry_at_;  // no connect before this after a failure
  std::chrono::milliseconds backoff_{0};
};

/// A `postgres://` URL split into what libpq is given and wfc's own query parameters.
struct Url {
  std::string conninfo;  // the URL without wfc's parameters, with libpq's timeouts added
  int pool = 8;          // ?pool=N: the pool's size (1–256)
};

/// Parses wfc's parameters out of `url` (docs/store.md, "PostgreSQL"). Throws StoreError naming
/// the bad parameter.
Url parse_url(const std::string& url);

}  // namespace wfc::store::pg
