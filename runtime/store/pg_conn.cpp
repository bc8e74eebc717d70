// libpq connections, results and the pool of PgStore (see pg_conn.h).
#include "runtime/store/pg_conn.h"

#include <fmt/format.h>
#include <poll.h>
#include <postgresql/libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "runtime/store/open_store.h"

namespace wfc::store::pg {

namespace {

/// SQLSTATEs that mean "the server is not there now" rather than "the statement is wrong":
/// class 08 (connection exceptions), the server shutting down or starting (57P01–57P03) and too
/// many connections (53300).
bool unavailable_state(const char* state) {
  if (!state) return false;
  std::string s(state);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300";
}

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Params& Params::add(double v) { return add(fmt::format("{}", v)); }

// ---- Result

Result::Result(pg_result* r) : r_(r) {}
Result::~Result() {
  if (r_) PQclear(r_);
}
int Result::rows() const { return PQntuples(r_); }
bool Result::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string Result::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
}
int64_t Result::integer(int row, int col) const {
  return is_null(row, col) ? 0 : std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}
double Result::real(int row, int col) const {
  return is_null(row, col) ? 0 : std::strtod(PQgetvalue(r_, row, col), nullptr);
}
int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

// ---- Conn

Conn::Conn(const std::string& conninfo) {
  c_ = PQconnectdb(conninfo.c_str());
  if (!c_ || PQstatus(c_) != CONNECTION_OK) {
    std::string why = c_ ? trimmed(PQerrorMessage(c_)) : "out of memory";
    if (c_) PQfinish(c_);
    c_ = nullptr;
    throw StoreUnavailable("postgres: cannot connect: " + why);
  }
  // Only warnings and errors reach stderr (libpq prints notices there by default).
  PQsetNoticeProcessor(
      c_, [](void*, const char*) {}, nullptr);
}

Conn::~Conn() {
  if (c_) PQfinish(c_);
}

bool Conn::ok() const { return c_ && PQstatus(c_) == CONNECTION_OK; }

bool Conn::alive() {
  if (!ok()) return false;
  pollfd p{PQsocket(c_), POLLIN, 0};
  // Readable while idle: the server said something (a shutdown notice) or closed the socket.
  if (poll(&p, 1, 0) > 0) {
    PQconsumeInput(c_);
    while (PGnotify* n = PQnotifies(c_)) PQfreemem(n);
  }
  return ok();
}

void Conn::fail(pg_result* r, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? trimmed(PQresultErrorMessage(r)) : "";
  if (message.empty()) message = trimmed(PQerrorMessage(c_));
  bool unavailable = unavailable_state(state) || PQstatus(c_) != CONNECTION_OK;
  if (r) PQclear(r);
  std::string text = fmt::format("postgres: {}: {}", what, message);
  if (unavailable) {
    // The pool drops a connection that is not OK; one whose server said it is going away is
    // made so here.
    if (PQstatus(c_) == CONNECTION_OK) {
      PQfinish(c_);
      c_ = nullptr;
    }
    throw StoreUnavailable(text);
  }
  throw StoreError(text);
}

Result Conn::run(const std::string& sql, const Params& params) {
  if (!c_) throw StoreUnavailable("postgres: the connection is closed");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = fmt::format("w{}", prepared_.size());
    PGresult* r = PQprepare(c_, name.c_str(), sql.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "prepare");
    PQclear(r);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const auto& values = params.values();
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) {
    // libpq sends text parameters as C strings, and PostgreSQL's text holds no NUL: refused
    // rather than cut short. (JSON text escapes it as \u0000 and never meets this.)
    if (v && v->find('\0') != std::string::npos)
      throw StoreError(
          "postgres: a text value holds a NUL character, which PostgreSQL cannot store");
    ptrs.push_back(v ? v->c_str() : nullptr);
  }
  PGresult* r = PQexecPrepared(c_, it->second.c_str(), static_cast<int>(ptrs.size()), ptrs.data(),
                               nullptr, nullptr, 0);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail(r, "query");
  return Result(r);
}

void Conn::exec(const std::string& sql) {
  if (!c_) throw StoreUnavailable("postgres: the connection is closed");
  PGresult* r = PQexec(c_, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail(r, "statement");
  PQclear(r);
}

// ---- Transaction

Transaction::~Transaction() {
  if (done_ || !c_.ok()) return;
  try {
    c_.exec("ROLLBACK");
  } catch (const StoreError&) {
    // The connection failed: it is dropped, and its transaction with it.
  }
}

void Transaction::commit() {
  c_.exec("COMMIT");
  done_ = true;
}

// ---- Pool

Pool::Pool(std::string conninfo, int size) : conninfo_(std::move(conninfo)), size_(size) {}
Pool::~Pool() = default;

Pool::Lease::~Lease() { pool_.give_back(std::move(c_)); }

void Pool::give_back(std::unique_ptr<Conn> c) {
  std::lock_guard lock(mu_);
  --out_;
  // A connection left inside a transaction (an exception between BEGIN and the rollback that
  // failed) is not reused either.
  if (c && c->ok() && PQtransactionStatus(c->raw()) == PQTRANS_IDLE) idle_.push_back(std::move(c));
  cv_.notify_one();
}

std::unique_ptr<Conn> Pool::connect() {
  {
    std::lock_guard lock(mu_);
    if (backoff_.count() > 0 && std::chrono::steady_clock::now() < retry_at_)
      throw StoreUnavailable("postgres: the database is unreachable (retrying in the background)");
  }
  try {
    auto c = std::make_unique<Conn>(conninfo_);
    std::lock_guard lock(mu_);
    backoff_ = std::chrono::milliseconds(0);
    return c;
  } catch (const StoreUnavailable&) {
    std::lock_guard lock(mu_);
    backoff_ = std::min(std::chrono::milliseconds(2000),
                        std::max(std::chrono::milliseconds(100), backoff_ * 2));
    retry_at_ = std::chrono::steady_clock::now() + backoff_;
    throw;
  }
}

Pool::Lease Pool::acquire() {
  std::unique_ptr<Conn> c;
  {
    std::unique_lock lock(mu_);
    // Waits for a free connection; a pool of `size_` bounds the server's backends.
    if (!cv_.wait_for(lock, std::chrono::seconds(10),
                      [&] { return !idle_.empty() || out_ < size_; }))
      throw StoreUnavailable("postgres: every pooled connection stayed busy for 10 s");
    ++out_;
    while (!idle_.empty() && !c) {
      c = std::move(idle_.back());
      idle_.pop_back();
      if (!c->alive()) c.reset();  // the server restarted since: make a new one
    }
  }
  if (!c) {
    try {
      c = connect();
    } catch (...) {
      std::lock_guard lock(mu_);
      --out_;
      cv_.notify_one();
      throw;
    }
  }
  return Lease(*this, std::move(c));
}

// ---- URL

Url parse_url(const std::string& url) {
  Url out;
  size_t q = url.find('?');
  std::string base = url.substr(0, q);
  std::vector<std::string> kept;
  bool has_connect_timeout = false, has_user_timeout = false;
  if (q != std::string::npos) {
    std::string query = url.substr(q + 1);
    size_t at = 0;
    while (at <= query.size()) {
      size_t amp = query.find('&', at);
      std::string item = query.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
      at = amp == std::string::npos ? query.size() + 1 : amp + 1;
      if (item.empty()) continue;
      std::string key = item.substr(0, item.find('='));
      std::string value = item.find('=') == std::string::npos ? "" : item.substr(key.size() + 1);
      if (key == "pool") {
        char* end = nullptr;
        long n = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || n < 1 || n > 256)
          throw StoreError(fmt::format(
              "postgres: the store URL's pool={} must be a number of connections from 1 to 256 "
              "({})",
              value, redact_store_url(url)));
        out.pool = static_cast<int>(n);
        continue;
      }
      has_connect_timeout |= key == "connect_timeout";
      has_user_timeout |= key == "tcp_user_timeout";
      kept.push_back(item);
    }
  }
  // A server that is down must not hang a request for long (the API answers 503 instead):
  // libpq's defaults wait for the operating system's TCP timeouts.
  if (!has_connect_timeout) kept.push_back("connect_timeout=3");
  if (!has_user_timeout) kept.push_back("tcp_user_timeout=5000");
  out.conninfo = base;
  for (size_t i = 0; i < kept.size(); ++i) out.conninfo += (i ? "&" : "?") + kept[i];
  return out;
}

}  // namespace wfc::store::pg
