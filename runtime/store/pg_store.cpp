// PgStore (see pg_store.h): opening, automations, reads and lists, files, events, API keys,
// connections, and the LISTEN thread behind watch_queue. The queue's writes are in pg_queue.cpp.
#include "runtime/store/pg_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <postgresql/libpq-fe.h>
#include <unistd.h>

#include <set>

#include "runtime/model/ids.h"
#include "runtime/store/pg_conn.h"
#include "runtime/store/pg_migrations.h"
#include "runtime/store/pg_rows.h"

namespace wfc::store {

using pg::Params;
using pg::Result;

namespace {

int64_t system_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// As SqliteStore's: the last 4 characters of a long enough secret.
std::string secret_hint(const std::string& secret) {
  if (secret.size() < 24) return "";
  return secret.substr(0, secret.starts_with("wfc_") ? 4 : 0) + "…" +
         secret.substr(secret.size() - 4);
}

}  // namespace

PgStore::PgStore(Options options) : options_(std::move(options)) {
  if (!options_.clock_ms) options_.clock_ms = system_clock_ms;
  pg::Url url = pg::parse_url(options_.url);
  pool_ = std::make_unique<pg::Pool>(url.conninfo, url.pool);
  with([](pg::Conn& c) { pg::migrate(c); });
  notifier_ = std::thread([this] { notify_loop(); });
}

PgStore::~PgStore() {
  {
    std::lock_guard lock(notify_mutex_);
    stopping_ = true;
  }
  notify_cv_.notify_all();
  notifier_.join();
  if (listener_.joinable()) {
    char b = 1;
    (void)!write(stop_pipe_[1], &b, 1);
    listener_.join();
  }
  for (int fd : stop_pipe_)
    if (fd >= 0) close(fd);
}

int64_t PgStore::now_ms() const { return options_.clock_ms(); }

int PgStore::schema_version() {
  return with([](pg::Conn& c) { return pg::schema_version(c); });
}

// ---- automations

Automation PgStore::create_automation(Automation a) {
  if (a.id.empty()) a.id = model::new_id("auto");
  a.created_at = a.updated_at = now_ms() / 1000;
  with([&](pg::Conn& c) {
    c.run(fmt::format("INSERT INTO automations ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                      "$10)",
                      pg::kAutomationColumns),
          Params()
              .add(a.id)
              .add(a.name)
              .add(a.description)
              .add(pg::dump(a.workflow))
              .add(pg::dump(a.plan))
              .add(a.status)
              .add(a.webhook_url)
              .add(a.source_path)
              .add(a.created_at)
              .add(a.updated_at));
  });
  return a;
}

std::optional<Automation> PgStore::get_automation(const std::string& id) {
  return with([&](pg::Conn& c) -> std::optional<Automation> {
    Result r =
        c.run(fmt::format("SELECT {} FROM automations WHERE id = $1", pg::kAutomationColumns),
              Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return pg::automation_row(r, 0);
  });
}

std::optional<AutomationPlan> PgStore::get_automation_plan(const std::string& id) {
  return with([&](pg::Conn& c) -> std::optional<AutomationPlan> {
    Result r = c.run("SELECT id, status, webhook_url, plan FROM automations WHERE id = $1",
                     Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    AutomationPlan a{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
    if (a.plan_text == "null") a.plan_text.clear();
    return a;
  });
}

std::optional<Page<Automation>> PgStore::list_automations(const ListQuery& q) {
  std::vector<pg::Filter> filters;
  if (!q.automation_status.empty()) filters.push_back({"status", q.automation_status});
  return with([&](pg::Conn& c) {
    return pg::page<Automation>(c, "automations", pg::kAutomationColumns, q, filters,
                                pg::automation_row);
  });
}

bool PgStore::update_automation(const Automation& a) {
  int64_t now = now_ms() / 1000;
  return with([&](pg::Conn& c) {
    return c.run(
                "UPDATE automations SET name = $1, description = $2, workflow = $3, plan = $4, "
                "status = $5, webhook_url = $6, source_path = $7, updated_at = $8 WHERE id = $9",
                Params()
                    .add(a.name)
                    .add(a.description)
                    .add(pg::dump(a.workflow))
                    .add(pg::dump(a.plan))
                    .add(a.status)
                    .add(a.webhook_url)
                    .add(a.source_path)
                    .add(now)
                    .add(a.id))
               .affected() > 0;
  });
}

bool PgStore::delete_automation(const std::string& id) {
  return with([&](pg::Conn& c) {
    return c.run("DELETE FROM automations WHERE id = $1", Params().add(id)).affected() > 0;
  });
}

// ---- reads of runs and tasks

std::optional<Run> PgStore::get_run(const std::string& id) {
  return with([&](pg::Conn& c) { return pg::load_run(c, id); });
}

std::optional<RunText> PgStore::get_run_text(const std::string& id) {
  return with([&](pg::Conn& c) { return pg::load_run_text(c, id); });
}

std::optional<Page<Run>> PgStore::list_runs(const ListQuery& q) {
  std::vector<pg::Filter> filters;
  if (q.status) filters.push_back({"status", std::string(model::status_name(*q.status))});
  if (!q.automation_id.empty()) filters.push_back({"automation_id", q.automation_id});
  return with([&](pg::Conn& c) {
    return pg::page<Run>(c, "runs", pg::kRunColumns, q, filters,
                         [](const Result& r, int i) { return pg::run_row(r, i, 0, false); });
  });
}

StatusCounts PgStore::count_by_status() {
  return with([&](pg::Conn& c) {
    Result r = c.run(
        "SELECT 'runs', status, count(*) FROM runs GROUP BY status UNION ALL "
        "SELECT 'tasks', status, count(*) FROM tasks GROUP BY status");
    StatusCounts out;
    for (int i = 0; i < r.rows(); ++i) {
      auto st = model::parse_status(r.text(i, 1));
      if (!st) throw StoreError("postgres: unknown status '" + r.text(i, 1) + "'");
      (r.text(i, 0) == "runs" ? out.runs : out.tasks).push_back({*st, r.integer(i, 2)});
    }
    return out;
  });
}

std::optional<Task> PgStore::get_task(const std::string& id) {
  return with([&](pg::Conn& c) -> std::optional<Task> {
    Result r = c.run(fmt::format("SELECT {} FROM tasks WHERE id = $1", pg::kTaskColumns),
                     Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return pg::task_row(r, 0, 0);
  });
}

std::optional<Page<Task>> PgStore::list_tasks(const ListQuery& q) {
  std::vector<pg::Filter> filters;
  if (q.status) filters.push_back({"status", std::string(model::status_name(*q.status))});
  if (!q.kind.empty()) filters.push_back({"kind", q.kind});
  if (!q.run_id.empty()) filters.push_back({"run_id", q.run_id});
  return with([&](pg::Conn& c) {
    return pg::page<Task>(c, "tasks", pg::kTaskColumns, q, filters,
                          [](const Result& r, int i) { return pg::task_row(r, i, 0); });
  });
}

// ---- output files

std::optional<File> PgStore::get_file(const std::string& id) {
  return with([&](pg::Conn& c) -> std::optional<File> {
    Result r = c.run(fmt::format("SELECT {} FROM files WHERE id = $1", pg::kFileColumns),
                     Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return pg::file_row(r, 0);
  });
}

std::optional<Page<File>> PgStore::list_files(const ListQuery& q) {
  std::vector<pg::Filter> filters;
  if (!q.run_id.empty()) filters.push_back({"run_id", q.run_id});
  if (!q.task_id.empty()) filters.push_back({"task_id", q.task_id});
  if (!q.kind.empty()) filters.push_back({"kind", q.kind});
  return with([&](pg::Conn& c) {
    return pg::page<File>(c, "files", pg::kFileColumns, q, filters, pg::file_row);
  });
}

std::optional<File> PgStore::mark_file_deleted(const std::string& id) {
  int64_t now = now_ms() / 1000;
  return with([&](pg::Conn& c) -> std::optional<File> {
    Result r =
        c.run(fmt::format("UPDATE files SET deleted_at = CASE WHEN deleted_at = 0 THEN $1 ELSE "
                          "deleted_at END WHERE id = $2 RETURNING {}",
                          pg::kFileColumns),
              Params().add(now).add(id));
    if (r.rows() == 0) return std::nullopt;
    return pg::file_row(r, 0);
  });
}

// ---- events and webhooks

std::optional<Page<Event>> PgStore::list_events(const ListQuery& q) {
  std::vector<pg::Filter> filters;
  if (!q.kind.empty()) filters.push_back({"kind", q.kind});
  if (!q.run_id.empty()) filters.push_back({"run_id", q.run_id});
  return with([&](pg::Conn& c) {
    auto p = pg::page<Event>(c, "events", pg::kEventColumns, q, filters, pg::event_row);
    if (p) pg::fill_created_data(c, p->items);
    return p;
  });
}

std::vector<Event> PgStore::due_deliveries(int64_t now, int limit) {
  return with([&](pg::Conn& c) {
    Result r = c.run(
        fmt::format("SELECT {} FROM events WHERE next_attempt_at > 0 AND next_attempt_at <= $1 "
                    "ORDER BY next_attempt_at, seq LIMIT $2",
                    pg::kEventColumns),
        Params().add(now).add(limit));
    std::vector<Event> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(pg::event_row(r, i));
    pg::fill_created_data(c, out);
    return out;
  });
}

void PgStore::record_delivery(const std::string& event_id, const DeliveryResult& d) {
  int64_t now = now_ms() / 1000;
  with([&](pg::Conn& c) {
    c.run(
        "UPDATE events SET attempts = attempts + 1, delivered_at = $1, next_attempt_at = $2 "
        "WHERE id = $3",
        Params()
            .add(d.delivered ? now : int64_t{0})
            .add(d.delivered ? int64_t{0} : d.next_attempt_at)
            .add(event_id));
  });
}

// ---- connections

Connection PgStore::create_connection(Connection conn) {
  if (conn.id.empty()) conn.id = model::new_id("conn");
  conn.created_at = conn.updated_at = now_ms() / 1000;
  with([&](pg::Conn& c) {
    c.run(fmt::format("INSERT INTO connections ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                      pg::kConnectionColumns),
          Params()
              .add(conn.id)
              .add(conn.kind)
              .add(conn.name)
              .add(pg::dump(conn.settings))
              .add(conn.sealed_secret)
              .add(conn.created_by)
              .add(conn.created_at)
              .add(conn.updated_at));
  });
  return conn;
}

std::optional<Connection> PgStore::get_connection(const std::string& id) {
  return with([&](pg::Conn& c) -> std::optional<Connection> {
    Result r =
        c.run(fmt::format("SELECT {} FROM connections WHERE id = $1", pg::kConnectionColumns),
              Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return pg::connection_row(r, 0);
  });
}

std::optional<Page<Connection>> PgStore::list_connections(const ListQuery& q) {
  return with([&](pg::Conn& c) {
    return pg::page<Connection>(c, "connections", pg::kConnectionColumns, q, {},
                                pg::connection_row);
  });
}

bool PgStore::update_connection(const Connection& conn) {
  int64_t now = now_ms() / 1000;
  return with([&](pg::Conn& c) {
    return c.run(
                "UPDATE connections SET kind = $1, name = $2, settings = $3, sealed_secret = $4, "
                "updated_at = $5 WHERE id = $6",
                Params()
                    .add(conn.kind)
                    .add(conn.name)
                    .add(pg::dump(conn.settings))
                    .add(conn.sealed_secret)
                    .add(now)
                    .add(conn.id))
               .affected() > 0;
  });
}

bool PgStore::delete_connection(const std::string& id) {
  return with([&](pg::Conn& c) {
    return c.run("DELETE FROM connections WHERE id = $1", Params().add(id)).affected() > 0;
  });
}

// ---- API keys

ApiKey PgStore::add_api_key(const std::string& name, const std::string& secret,
                            const std::string& source, const std::string& created_by) {
  if (source != "config" && source != "dev" && source != "api")
    throw std::invalid_argument("store: a key's source must be config, dev or api");
  ApiKey k;
  k.id = model::new_id("key");
  k.name = name;
  k.hash = hash_secret(secret);
  k.created_at = k.updated_at = now_ms() / 1000;
  k.source = source;
  k.created_by = created_by;
  k.hint = secret_hint(secret);
  return with([&](pg::Conn& c) {
    // One statement: the new key, or the one already stored for this secret.
    static const std::string sql = fmt::format(
        "WITH ins AS (INSERT INTO api_keys ({0}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (hash) DO NOTHING RETURNING {0}) "
        "SELECT {0} FROM ins UNION ALL SELECT {0} FROM api_keys WHERE hash = $3 "
        "AND NOT EXISTS (SELECT 1 FROM ins)",
        pg::kKeyColumns);
    Result r = c.run(sql, Params()
                              .add(k.id)
                              .add(k.name)
                              .add(k.hash)
                              .add(k.status)
                              .add(k.created_at)
                              .add(k.updated_at)
                              .add(k.source)
                              .add(k.created_by)
                              .add(k.hint));
    if (r.rows() > 0) return pg::key_row(r, 0);
    // Another process stored the same secret at the same moment: read it now that it committed.
    Result again = c.run(fmt::format("SELECT {} FROM api_keys WHERE hash = $1", pg::kKeyColumns),
                         Params().add(k.hash));
    if (again.rows() == 0) throw StoreError("postgres: a key was neither stored nor found");
    return pg::key_row(again, 0);
  });
}

std::optional<ApiKey> PgStore::find_api_key(const std::string& secret) {
  std::string hash = hash_secret(secret);
  int64_t now = now_ms();
  if (options_.key_cache_ms > 0) {
    std::lock_guard lock(key_cache_mutex_);
    auto it = key_cache_.find(hash);
    if (it != key_cache_.end() && now >= it->second.read_at_ms &&
        now - it->second.read_at_ms < options_.key_cache_ms)
      return it->second.key;
  }
  auto found = with([&](pg::Conn& c) -> std::optional<ApiKey> {
    Result r = c.run(fmt::format("SELECT {} FROM api_keys WHERE hash = $1", pg::kKeyColumns),
                     Params().add(hash));
    if (r.rows() == 0) return std::nullopt;
    return pg::key_row(r, 0);
  });
  if (found && options_.key_cache_ms > 0) {
    std::lock_guard lock(key_cache_mutex_);
    if (key_cache_.size() >= 4096) key_cache_.clear();
    key_cache_[hash] = {*found, now};
  }
  return found;
}

void PgStore::forget_keys() {
  std::lock_guard lock(key_cache_mutex_);
  key_cache_.clear();
}

std::optional<ApiKey> PgStore::get_api_key(const std::string& id) {
  return with([&](pg::Conn& c) -> std::optional<ApiKey> {
    Result r = c.run(fmt::format("SELECT {} FROM api_keys WHERE id = $1", pg::kKeyColumns),
                     Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return pg::key_row(r, 0);
  });
}

std::optional<Page<ApiKey>> PgStore::list_api_keys(const ListQuery& q) {
  return with([&](pg::Conn& c) {
    return pg::page<ApiKey>(c, "api_keys", pg::kKeyColumns, q, {}, pg::key_row);
  });
}

std::vector<ApiKey> PgStore::list_api_keys() {
  return with([&](pg::Conn& c) {
    Result r = c.run(fmt::format("SELECT {} FROM api_keys ORDER BY seq", pg::kKeyColumns));
    std::vector<ApiKey> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(pg::key_row(r, i));
    return out;
  });
}

bool PgStore::set_api_key_status(const std::string& id, const std::string& status) {
  int64_t now = now_ms() / 1000;
  struct Forget {
    PgStore* self;
    ~Forget() { self->forget_keys(); }  // after the commit, so no reader caches the old row
  } forget{this};
  return with([&](pg::Conn& c) {
    return c.run("UPDATE api_keys SET status = $1, updated_at = $2 WHERE id = $3",
                 Params().add(status).add(now).add(id))
               .affected() > 0;
  });
}

std::vector<ApiKey> PgStore::retire_unconfigured_keys(const std::vector<std::string>& configured) {
  int64_t now = now_ms() / 1000;
  std::set<std::string> keep(configured.begin(), configured.end());
  struct Forget {
    PgStore* self;
    ~Forget() { self->forget_keys(); }
  } forget{this};
  return with([&](pg::Conn& c) {
    pg::Transaction tx(c);
    std::vector<ApiKey> all;
    {
      Result r =
          c.run(fmt::format("SELECT {} FROM api_keys WHERE source IN ('config', 'dev') "
                            "ORDER BY seq FOR UPDATE",
                            pg::kKeyColumns));
      for (int i = 0; i < r.rows(); ++i) all.push_back(pg::key_row(r, i));
    }
    std::vector<ApiKey> retired;
    for (auto& k : all) {
      std::string status = k.status;
      if (keep.count(k.id) && k.status == "retired") status = "active";
      if (!keep.count(k.id) && k.status == "active") status = "retired";
      if (status == k.status) continue;
      c.run("UPDATE api_keys SET status = $1, updated_at = $2 WHERE id = $3",
            Params().add(status).add(now).add(k.id));
      k.status = status;
      if (status == "retired") retired.push_back(k);
    }
    tx.commit();
    return retired;
  });
}

// ---- watch_queue: LISTEN on a connection of its own

void PgStore::watch_queue(std::function<void()> queued) {
  std::lock_guard lock(watch_mutex_);
  watchers_.push_back(std::move(queued));
  if (listener_.joinable()) return;
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) throw StoreError("postgres: cannot make a pipe");
  listener_ = std::thread([this] { listen_loop(); });
}

void PgStore::notify_queue() {
  {
    std::lock_guard lock(notify_mutex_);
    notify_pending_ = true;
  }
  notify_cv_.notify_one();
}

void PgStore::notify_loop() {
  static const std::string sql = fmt::format(
      "BEGIN; SET LOCAL synchronous_commit = off; NOTIFY {}; COMMIT", pg::kQueueChannel);
  std::unique_lock lock(notify_mutex_);
  for (;;) {
    notify_cv_.wait(lock, [&] { return notify_pending_ || stopping_; });
    if (stopping_) return;
    notify_pending_ = false;
    lock.unlock();
    try {
      with([](pg::Conn& c) { c.exec(sql); });
    } catch (const StoreError&) {
      // The database is away: the listeners hear nothing now, and run the watchers when they
      // reconnect; the workers' poll finds the run meanwhile.
    }
    lock.lock();
  }
}

void PgStore::listen_loop() {
  auto notify = [this] {
    std::vector<std::function<void()>> ws;
    {
      std::lock_guard lock(watch_mutex_);
      ws = watchers_;
    }
    for (auto& w : ws) w();
  };
  // Waits up to `ms` for the stop pipe; true when stopping.
  auto stopped_within = [this](int ms) {
    pollfd p{stop_pipe_[0], POLLIN, 0};
    return poll(&p, 1, ms) > 0 || stopping_;
  };
  int backoff_ms = 100;
  while (!stopping_) {
    std::unique_ptr<pg::Conn> c;
    try {
      c = std::make_unique<pg::Conn>(pool_->conninfo());
      c->exec(fmt::format("LISTEN {}", pg::kQueueChannel));
    } catch (const StoreError&) {
      if (stopped_within(backoff_ms)) return;
      backoff_ms = std::min(2000, backoff_ms * 2);
      continue;
    }
    backoff_ms = 100;
    notify();  // runs queued while nobody listened
    while (!stopping_ && c->ok()) {
      pollfd p[2] = {{PQsocket(c->raw()), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (poll(p, 2, -1) < 0) continue;
      if (p[1].revents) return;
      if (!PQconsumeInput(c->raw())) break;
      bool heard = false;
      while (PGnotify* n = PQnotifies(c->raw())) {
        heard = true;
        PQfreemem(n);
      }
      if (heard) notify();
    }
  }
}

}  // namespace wfc::store
