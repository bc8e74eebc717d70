// SqliteStore (see sqlite_store.h): rows to structs and back, cursor pages, and the queue's
// transactions. Each public write is one BEGIN IMMEDIATE … COMMIT on the writer connection.
#include "runtime/store/sqlite_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "runtime/model/ids.h"
#include "runtime/store/checkpointer.h"
#include "runtime/store/migrations.h"
#include "runtime/store/private_files.h"
#include "runtime/store/sqlite_connections.h"
#include "runtime/store/sqlite_db.h"
#include "runtime/store/sqlite_files.h"
#include "runtime/store/sqlite_keys.h"
#include "runtime/store/wire_json.h"

namespace wfc::store {

using sqlite::Query;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

constexpr const char* kTerminal = "('succeeded', 'failed', 'cancelled')";

const char* kRunColumns =
    "id, automation_id, status, progress, input_url, metadata, error, created_by, plan, "
    "idempotency_key, webhook_url, attempts, worker_id, lease_until_ms, cancel_requested, "
    "created_at, started_at, finished_at, updated_at";
const char* kTaskColumns =
    "id, run_id, node, kind, status, progress, options, inputs, outputs, error, skip_reason, "
    "parent_id, created_at, started_at, finished_at, updated_at, predicate";
const char* kAutomationColumns =
    "id, name, description, workflow, plan, status, webhook_url, source_path, created_at, "
    "updated_at";
const char* kEventColumns =
    "id, kind, run_id, data, created_at, webhook_url, attempts, next_attempt_at, delivered_at";

// Invalid UTF-8 in a string (nlohmann keeps what it is given) is stored as U+FFFD rather than
// failing the write.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json parse(const Statement& s, int col) {
  if (s.is_null(col)) return nullptr;
  // Only this store writes these columns, as JSON text; anything else is a broken database.
  nlohmann::json j = nlohmann::json::parse(s.text(col), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw StoreError("sqlite: a JSON column does not hold JSON");
  return j;
}

model::Status status_at(const Statement& s, int col) {
  auto st = model::parse_status(s.text(col));
  if (!st) throw StoreError("sqlite: unknown status '" + s.text(col) + "'");
  return *st;
}

void bind_json_or_null(Statement& s, int i, const nlohmann::json& j) {
  if (j.is_null())
    s.bind_null(i);
  else
    s.bind(i, dump(j));
}

/// A JSON column as its stored text, "null" for NULL (RunText).
std::string json_text(const Statement& s, int col) {
  return s.is_null(col) ? std::string("null") : s.text(col);
}

/// A run row; its plan is read only for the one reader that needs it (`with_plan`: a worker's
/// claim), since a plan is the largest field of a run and no wire object shows it. Without
/// `with_json` its JSON columns are left at their defaults (RunText reads them as text).
Run run_row(const Statement& s, bool with_plan, bool with_json = true) {
  Run r;
  r.id = s.text(0);
  r.automation_id = s.text(1);
  r.status = status_at(s, 2);
  r.progress = s.real(3);
  r.input_url = s.text(4);
  if (with_json) {
    r.metadata = parse(s, 5);
    r.error = parse(s, 6);
  }
  r.created_by = s.text(7);
  if (with_plan) r.plan = parse(s, 8);
  r.idempotency_key = s.text(9);
  r.webhook_url = s.text(10);
  r.attempts = static_cast<int>(s.integer(11));
  r.worker_id = s.text(12);
  r.lease_until_ms = s.integer(13);
  r.cancel_requested = s.integer(14) != 0;
  r.created_at = s.integer(15);
  r.started_at = s.integer(16);
  r.finished_at = s.integer(17);
  r.updated_at = s.integer(18);
  return r;
}

/// A task row; without `with_json` its JSON columns are left at their defaults (as run_row).
Task task_row(const Statement& s, bool with_json = true) {
  Task t;
  t.id = s.text(0);
  t.run_id = s.text(1);
  t.node = s.text(2);
  t.kind = s.text(3);
  t.status = status_at(s, 4);
  t.progress = s.real(5);
  if (with_json) {
    t.options = parse(s, 6);
    t.inputs = parse(s, 7);
    t.outputs = parse(s, 8);
    t.error = parse(s, 9);
    t.predicate = parse(s, 16);
  }
  t.skip_reason = s.text(10);
  t.parent_id = s.text(11);
  t.created_at = s.integer(12);
  t.started_at = s.integer(13);
  t.finished_at = s.integer(14);
  t.updated_at = s.integer(15);
  return t;
}

Automation automation_row(const Statement& s) {
  Automation a;
  a.id = s.text(0);
  a.name = s.text(1);
  a.description = s.text(2);
  a.workflow = parse(s, 3);
  a.plan = parse(s, 4);
  a.status = s.text(5);
  a.webhook_url = s.text(6);
  a.source_path = s.text(7);
  a.created_at = s.integer(8);
  a.updated_at = s.integer(9);
  return a;
}

Event event_row(const Statement& s) {
  Event e;
  e.id = s.text(0);
  e.kind = s.text(1);
  e.run_id = s.text(2);
  e.data = parse(s, 3);
  e.created_at = s.integer(4);
  e.webhook_url = s.text(5);
  e.attempts = static_cast<int>(s.integer(6));
  e.next_attempt_at = s.integer(7);
  e.delivered_at = s.integer(8);
  return e;
}

std::vector<Task> tasks_of(sqlite::Connection& c, const std::string& run_id) {
  static const std::string sql =
      fmt::format("SELECT {} FROM tasks WHERE run_id = ? ORDER BY seq", kTaskColumns);
  Query q = c.prepare(sql);
  q->bind(1, run_id);
  std::vector<Task> out;
  while (q->step()) out.push_back(task_row(*q));
  return out;
}

std::optional<Run> load_run(sqlite::Connection& c, const std::string& id, bool with_plan = false) {
  Run r;
  {
    static const std::string sql = fmt::format("SELECT {} FROM runs WHERE id = ?", kRunColumns);
    Query q = c.prepare(sql);
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    r = run_row(*q, with_plan);
  }
  r.tasks = tasks_of(c, id);
  return r;
}

/// load_run with the JSON columns as stored text (RunText), in one read of each table.
std::optional<RunText> load_run_text(sqlite::Connection& c, const std::string& id) {
  RunText out;
  {
    static const std::string sql = fmt::format("SELECT {} FROM runs WHERE id = ?", kRunColumns);
    Query q = c.prepare(sql);
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    out.run = run_row(*q, /*with_plan=*/false, /*with_json=*/false);
    out.metadata = json_text(*q, 5);
    out.error = json_text(*q, 6);
  }
  static const std::string sql =
      fmt::format("SELECT {} FROM tasks WHERE run_id = ? ORDER BY seq", kTaskColumns);
  Query q = c.prepare(sql);
  q->bind(1, id);
  while (q->step()) {
    out.run.tasks.push_back(task_row(*q, /*with_json=*/false));
    out.tasks.push_back({json_text(*q, 6), json_text(*q, 7), json_text(*q, 8), json_text(*q, 9),
                         json_text(*q, 16)});
  }
  return out;
}

/// A column filter of a list: `column = value`.
struct Filter {
  const char* column;
  std::string value;
};

/// One cursor page of `table` (see ListQuery): rows after/before the cursors in (created_at,
/// seq) order, filtered, `limit` of them plus one to learn has_more. nullopt: unknown cursor.
template <typename T, typename RowFn>
std::optional<Page<T>> page(sqlite::Connection& c, const char* table, const char* columns,
                            const ListQuery& q, const std::vector<Filter>& filters, RowFn row) {
  int limit = std::clamp(q.limit, 1, 100);
  bool asc = q.order == Order::Asc;
  struct Bound {
    int64_t created_at, seq;
    const char* op;
  };
  std::vector<Bound> bounds;
  auto cursor = [&](const std::string& id, bool after) -> bool {
    if (id.empty()) return true;
    Query cq = c.prepare(fmt::format("SELECT created_at, seq FROM {} WHERE id = ?", table));
    cq->bind(1, id);
    if (!cq->step()) return false;
    // `after` in ascending order and `before` in descending order both mean "greater".
    bounds.push_back({cq->integer(0), cq->integer(1), after == asc ? ">" : "<"});
    return true;
  };
  if (!cursor(q.after, true) || !cursor(q.before, false)) return std::nullopt;
  // With only `before`, walk away from the cursor backwards, then restore the order.
  bool reverse = !q.before.empty() && q.after.empty();
  bool scan_asc = asc != reverse;

  std::string sql = fmt::format("SELECT {} FROM {} WHERE 1", columns, table);
  for (const Filter& f : filters) sql += fmt::format(" AND {} = ?", f.column);
  for (const Bound& b : bounds) sql += fmt::format(" AND (created_at, seq) {} (?, ?)", b.op);
  const char* dir = scan_asc ? "ASC" : "DESC";
  sql += fmt::format(" ORDER BY created_at {0}, seq {0} LIMIT ?", dir);

  Query s = c.prepare(sql);
  int i = 1;
  for (const Filter& f : filters) s->bind(i++, f.value);
  for (const Bound& b : bounds) {
    s->bind(i++, b.created_at);
    s->bind(i++, b.seq);
  }
  s->bind(i, static_cast<int64_t>(limit + 1));
  Page<T> p;
  while (s->step()) p.items.push_back(row(*s));
  if (static_cast<int>(p.items.size()) > limit) {
    p.has_more = true;
    p.items.pop_back();
  }
  if (reverse) std::reverse(p.items.begin(), p.items.end());
  return p;
}

void insert_event(sqlite::Connection& c, const std::string& kind, const std::string& run_id,
                  const nlohmann::json& data, const std::string& webhook_url, int64_t now) {
  static const std::string sql =
      fmt::format("INSERT INTO events ({}) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0)", kEventColumns);
  c.prepare(sql)
      ->bind(1, model::new_id("evt"))
      .bind(2, kind)
      .bind(3, run_id)
      .bind(4, dump(data))
      .bind(5, now)
      .bind(6, webhook_url)
      .bind(7, webhook_url.empty() ? int64_t{0} : now)
      .run();
}

/// Makes a run terminal: unfinished tasks cancelled, the lease released, and a run.<status>
/// event with the run as data. The caller holds the write transaction.
void terminate(sqlite::Connection& c, const std::string& run_id, model::Status status,
               const nlohmann::json& error, int64_t now) {
  std::string st(model::status_name(status));
  {
    Query q = c.prepare(
        "UPDATE runs SET status = ?, error = ?, worker_id = '', lease_until_ms = 0, "
        "progress = CASE WHEN ? = 'succeeded' THEN 100 ELSE progress END, "
        "finished_at = ?, updated_at = ? WHERE id = ?");
    q->bind(1, st);
    bind_json_or_null(*q, 2, error);
    q->bind(3, st).bind(4, now).bind(5, now).bind(6, run_id).run();
  }
  c.prepare(fmt::format("UPDATE tasks SET status = 'cancelled', finished_at = ?, updated_at = ? "
                        "WHERE run_id = ? AND status NOT IN {}",
                        kTerminal))
      ->bind(1, now)
      .bind(2, now)
      .bind(3, run_id)
      .run();
  std::optional<Run> r = load_run(c, run_id);
  insert_event(c, "run." + st, run_id, to_json(*r), r->webhook_url, now);
}

int64_t json_int(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

double json_number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0;
}

nlohmann::json json_field(const nlohmann::json& j, const char* key, nlohmann::json fallback) {
  auto it = j.find(key);
  return it != j.end() ? *it : fallback;
}

model::Status event_status(const nlohmann::json& data) {
  auto it = data.find("status");
  std::optional<model::Status> s;
  if (it != data.end() && it->is_string()) s = model::parse_status(it->get<std::string>());
  // Events come from the scheduler, not from users: a bad one is a bug in the caller.
  if (!s) throw std::invalid_argument("store: an event without a valid status");
  return *s;
}

/// The scheduler names tasks by plan node and makes up its own task ids; the stored ids are
/// the ones the API has shown, so event data is rewritten to them.
void rewrite_task_ids(nlohmann::json& task, const std::string& run_id,
                      const std::map<std::string, std::pair<std::string, std::string>>& ids) {
  auto it = ids.find(task.value("node", ""));
  if (it == ids.end()) return;
  task["id"] = it->second.first;
  task["run_id"] = run_id;
  task["parent_id"] =
      it->second.second.empty() ? nlohmann::json(nullptr) : nlohmann::json(it->second.second);
}

std::map<std::string, std::pair<std::string, std::string>> task_ids(sqlite::Connection& c,
                                                                    const std::string& run_id) {
  std::map<std::string, std::pair<std::string, std::string>> ids;
  Query q = c.prepare("SELECT node, id, parent_id FROM tasks WHERE run_id = ?");
  q->bind(1, run_id);
  while (q->step()) ids[q->text(0)] = {q->text(1), q->text(2)};
  return ids;
}

int64_t system_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SqliteStore::SqliteStore(Options options) : options_(std::move(options)) {
  if (!options_.clock_ms) options_.clock_ms = system_clock_ms;
  if (options_.synchronous != "NORMAL" && options_.synchronous != "FULL")
    throw std::invalid_argument("store: synchronous must be NORMAL or FULL");
  std::string p = options_.path.string();
  std::string error;
  if (!p.empty() && p != ":memory:" && !p.starts_with("file:") &&
      !create_private_file(options_.path, &error)) {
    throw StoreError("sqlite: " + error);
  }
  writer_ = open_connection();
  sqlite::migrate(*writer_);
  checkpointer_ = std::make_unique<sqlite::Checkpointer>(*writer_, open_connection(),
                                                         options_.checkpoint_pages);
}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<sqlite::Connection> SqliteStore::open_connection() const {
  return std::make_unique<sqlite::Connection>(options_.path, options_.synchronous,
                                              options_.busy_timeout_ms);
}

int64_t SqliteStore::now_ms() const { return options_.clock_ms(); }

template <typename F>
auto SqliteStore::read(F&& f) {
  std::unique_ptr<sqlite::Connection> c;
  {
    std::lock_guard lock(readers_mutex_);
    if (!readers_.empty()) {
      c = std::move(readers_.back());
      readers_.pop_back();
    }
  }
  if (!c) c = open_connection();
  struct GiveBack {
    SqliteStore* self;
    std::unique_ptr<sqlite::Connection>& c;
    ~GiveBack() {
      std::lock_guard lock(self->readers_mutex_);
      self->readers_.push_back(std::move(c));
    }
  } give_back{this, c};
  Transaction tx(*c, Transaction::Read);  // one snapshot: a run and its tasks agree
  auto result = f(*c);
  tx.commit();
  return result;
}

template <typename F>
auto SqliteStore::write(F&& f) {
  std::lock_guard lock(writer_mutex_);
  return f(*writer_);
}

int SqliteStore::schema_version() {
  return write([](sqlite::Connection& c) { return sqlite::schema_version(c); });
}

// ---- automations

Automation SqliteStore::create_automation(Automation a) {
  if (a.id.empty()) a.id = model::new_id("auto");
  a.created_at = a.updated_at = now_ms() / 1000;
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    c.prepare(fmt::format("INSERT INTO automations ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          kAutomationColumns))
        ->bind(1, a.id)
        .bind(2, a.name)
        .bind(3, a.description)
        .bind(4, dump(a.workflow))
        .bind(5, dump(a.plan))
        .bind(6, a.status)
        .bind(7, a.webhook_url)
        .bind(8, a.source_path)
        .bind(9, a.created_at)
        .bind(10, a.updated_at)
        .run();
    tx.commit();
    return a;
  });
}

std::optional<Automation> SqliteStore::get_automation(const std::string& id) {
  return read([&](sqlite::Connection& c) -> std::optional<Automation> {
    Query q = c.prepare(fmt::format("SELECT {} FROM automations WHERE id = ?", kAutomationColumns));
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return automation_row(*q);
  });
}

std::optional<AutomationPlan> SqliteStore::get_automation_plan(const std::string& id) {
  return read([&](sqlite::Connection& c) -> std::optional<AutomationPlan> {
    Query q = c.prepare("SELECT id, status, webhook_url, plan FROM automations WHERE id = ?");
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    AutomationPlan a{q->text(0), q->text(1), q->text(2), q->text(3)};
    if (a.plan_text == "null") a.plan_text.clear();  // dump(nullptr): stored without a plan
    return a;
  });
}

std::optional<Page<Automation>> SqliteStore::list_automations(const ListQuery& q) {
  std::vector<Filter> filters;
  if (!q.automation_status.empty()) filters.push_back({"status", q.automation_status});
  return read([&](sqlite::Connection& c) {
    return page<Automation>(c, "automations", kAutomationColumns, q, filters, automation_row);
  });
}

bool SqliteStore::update_automation(const Automation& a) {
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    c.prepare(
         "UPDATE automations SET name = ?, description = ?, workflow = ?, plan = ?, status = ?, "
         "webhook_url = ?, source_path = ?, updated_at = ? WHERE id = ?")
        ->bind(1, a.name)
        .bind(2, a.description)
        .bind(3, dump(a.workflow))
        .bind(4, dump(a.plan))
        .bind(5, a.status)
        .bind(6, a.webhook_url)
        .bind(7, a.source_path)
        .bind(8, now)
        .bind(9, a.id)
        .run();
    bool found = c.changes() > 0;
    tx.commit();
    return found;
  });
}

bool SqliteStore::delete_automation(const std::string& id) {
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    c.prepare("DELETE FROM automations WHERE id = ?")->bind(1, id).run();
    bool found = c.changes() > 0;
    tx.commit();
    return found;
  });
}

// ---- runs and the queue

namespace {

/// A run about to be inserted: ids, parent links and timestamps made before any lock; held by
/// NewRun::worker_id when it names one.
Run prepare_run(const NewRun& in, int64_t ms) {
  int64_t now = ms / 1000;
  Run r;
  r.id = model::new_id("run");
  r.automation_id = in.automation_id;
  r.status = model::Status::Queued;
  if (!in.worker_id.empty()) {
    r.status = model::Status::Processing;
    r.attempts = 1;
    r.worker_id = in.worker_id;
    r.lease_until_ms = ms + in.lease.count();
    r.started_at = now;
  }
  r.input_url = in.input_url;
  r.metadata = in.metadata;
  r.created_by = in.created_by;
  if (in.plan_text.empty()) r.plan = in.plan;  // else insert_run stores the text
  r.idempotency_key = in.idempotency_key;
  r.webhook_url = in.webhook_url;
  r.created_at = r.updated_at = now;
  std::map<std::string, std::string> node_ids;
  for (const NewTask& nt : in.tasks) {
    Task t;
    t.id = model::new_id("task");
    t.run_id = r.id;
    t.node = nt.node;
    t.kind = nt.kind;
    t.status = model::Status::Queued;
    t.options = nt.options;
    if (!nt.parent_node.empty()) {
      auto it = node_ids.find(nt.parent_node);
      if (it == node_ids.end())
        throw std::invalid_argument("store: task '" + nt.node + "' comes before its parent");
      t.parent_id = it->second;
    }
    t.created_at = t.updated_at = now;
    node_ids[nt.node] = t.id;
    r.tasks.push_back(std::move(t));
  }
  return r;
}

/// Inserts a prepared run and its tasks inside the caller's write transaction, or finds the run
/// its idempotency key already names.
CreatedRun insert_run(sqlite::Connection& c, Run r, const std::string& plan_text) {
  if (!r.idempotency_key.empty()) {
    std::string existing;
    {
      Query q = c.prepare("SELECT id FROM runs WHERE created_by = ? AND idempotency_key = ?");
      q->bind(1, r.created_by).bind(2, r.idempotency_key);
      if (q->step()) existing = q->text(0);
    }
    if (!existing.empty()) return {*load_run(c, existing), false};
  }
  static const std::string insert_run = fmt::format(
      "INSERT INTO runs ({}) VALUES (?, ?, ?, 0, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, "
      "?)",
      kRunColumns);
  c.prepare(insert_run)
      ->bind(1, r.id)
      .bind(2, r.automation_id)
      .bind(3, std::string(model::status_name(r.status)))
      .bind(4, r.input_url)
      .bind(5, dump(r.metadata))
      .bind(6, r.created_by)
      .bind(7, plan_text.empty() ? dump(r.plan) : plan_text)
      .bind(8, r.idempotency_key)
      .bind(9, r.webhook_url)
      .bind(10, static_cast<int64_t>(r.attempts))
      .bind(11, r.worker_id)
      .bind(12, r.lease_until_ms)
      .bind(13, r.created_at)
      .bind(14, r.started_at)
      .bind(15, r.updated_at)
      .run();
  static const std::string insert_task = fmt::format(
      "INSERT INTO tasks ({}) VALUES (?, ?, ?, ?, 'queued', 0, ?, '[]', '[]', NULL, "
      "'', ?, ?, 0, 0, ?, NULL)",
      kTaskColumns);
  for (const Task& t : r.tasks) {
    c.prepare(insert_task)
        ->bind(1, t.id)
        .bind(2, t.run_id)
        .bind(3, t.node)
        .bind(4, t.kind)
        .bind(5, dump(t.options))
        .bind(6, t.parent_id)
        .bind(7, t.created_at)
        .bind(8, t.updated_at)
        .run();
  }
  // run.created, for GET /events and webhooks, committed with the run it announces. Its data is
  // left null and rendered when read (fill_created_data): the run as created is fully given by
  // the run's immutable fields, and writing its JSON here cost a third of create_run.
  insert_event(c, "run.created", r.id, nullptr, r.webhook_url, r.created_at);
  return {std::move(r), true};
}

/// The run as create_run made it: what run.created announces, whatever happened to it since.
Run as_created(Run r) {
  r.status = model::Status::Queued;
  r.progress = 0;
  r.error = nullptr;
  r.started_at = r.finished_at = 0;
  r.updated_at = r.created_at;
  for (Task& t : r.tasks) {
    t.status = model::Status::Queued;
    t.progress = 0;
    t.inputs = t.outputs = nlohmann::json::array();
    t.error = nullptr;
    t.skip_reason.clear();
    t.started_at = t.finished_at = 0;
    t.updated_at = t.created_at;
  }
  return r;
}

/// Renders the data of run.created events, stored null (see insert_run).
void fill_created_data(sqlite::Connection& c, std::vector<Event>& events) {
  for (Event& e : events) {
    if (e.kind != "run.created" || !e.data.is_null()) continue;
    if (std::optional<Run> r = load_run(c, e.run_id)) e.data = to_json(as_created(std::move(*r)));
  }
}

}  // namespace

struct SqliteStore::PendingCreate {
  Run run;
  const std::string* plan_text;  // NewRun::plan_text
  std::optional<CreatedRun> result;
  std::exception_ptr error;
  bool done = false;
};

CreatedRun SqliteStore::create_run(const NewRun& in) {
  // Group commit: concurrent creations share one transaction, and so one WAL append. The first
  // caller to find no commit in progress leads: it takes every request queued so far, commits
  // them together and wakes their callers; a caller that arrives during a commit waits for the
  // next one. Alone, a caller commits just its own run. Nobody returns before its run is
  // committed.
  PendingCreate me;
  me.run = prepare_run(in, now_ms());
  me.plan_text = &in.plan_text;
  std::unique_lock lock(batch_mutex_);
  batch_.push_back(&me);
  while (!me.done) {
    if (committing_) {
      batch_done_.wait(lock);
      continue;
    }
    committing_ = true;
    std::vector<PendingCreate*> batch;
    batch.swap(batch_);
    lock.unlock();
    std::exception_ptr error;
    try {
      write([&](sqlite::Connection& c) {
        Transaction tx(c, Transaction::Write);
        for (PendingCreate* p : batch) p->result = insert_run(c, std::move(p->run), *p->plan_text);
        tx.commit();
      });
    } catch (...) {
      error = std::current_exception();  // the transaction rolled back: nobody's run is in
    }
    lock.lock();
    for (PendingCreate* p : batch) {
      p->error = error;
      p->done = true;
    }
    committing_ = false;
    batch_done_.notify_all();
  }
  if (me.error) std::rethrow_exception(me.error);
  return std::move(*me.result);
}

std::optional<Run> SqliteStore::get_run(const std::string& id) {
  return read([&](sqlite::Connection& c) { return load_run(c, id); });
}

std::optional<RunText> SqliteStore::get_run_text(const std::string& id) {
  return read([&](sqlite::Connection& c) { return load_run_text(c, id); });
}

StatusCounts SqliteStore::count_by_status() {
  return read([&](sqlite::Connection& c) {
    StatusCounts out;
    for (auto [table, counts] : {std::pair("runs", &out.runs), std::pair("tasks", &out.tasks)}) {
      Query q = c.prepare(fmt::format("SELECT status, count(*) FROM {} GROUP BY status", table));
      while (q->step()) counts->push_back({status_at(*q, 0), q->integer(1)});
    }
    return out;
  });
}

std::optional<Page<Run>> SqliteStore::list_runs(const ListQuery& q) {
  std::vector<Filter> filters;
  if (q.status) filters.push_back({"status", std::string(model::status_name(*q.status))});
  if (!q.automation_id.empty()) filters.push_back({"automation_id", q.automation_id});
  return read([&](sqlite::Connection& c) {
    return page<Run>(c, "runs", kRunColumns, q, filters,
                     [](const Statement& s) { return run_row(s, false); });
  });
}

std::optional<Run> SqliteStore::claim_run(const std::string& worker_id,
                                          std::chrono::milliseconds lease) {
  int64_t ms = now_ms(), now = ms / 1000;
  return write([&](sqlite::Connection& c) -> std::optional<Run> {
    Transaction tx(c, Transaction::Write);
    for (;;) {
      // The oldest queued run, and the held run whose lease lapsed first (its worker died);
      // two index lookups rather than one OR that would scan the table.
      std::optional<Run> queued, lapsed;
      {
        Query q = c.prepare(fmt::format(
            "SELECT {} FROM runs WHERE status = 'queued' ORDER BY created_at, seq LIMIT 1",
            kRunColumns));
        if (q->step()) queued = run_row(*q, false);
      }
      {
        Query q = c.prepare(
            fmt::format("SELECT {} FROM runs WHERE worker_id <> '' AND lease_until_ms < ? "
                        "ORDER BY lease_until_ms LIMIT 1",
                        kRunColumns));
        q->bind(1, ms);
        if (q->step()) lapsed = run_row(*q, false);
      }
      std::optional<Run>& pick =
          !lapsed || (queued && queued->created_at <= lapsed->created_at) ? queued : lapsed;
      if (!pick) {
        tx.commit();
        return std::nullopt;
      }
      Run r = std::move(*pick);
      if (&pick == &lapsed && r.cancel_requested) {
        terminate(c, r.id, model::Status::Cancelled, nullptr, now);
        continue;
      }
      if (&pick == &lapsed && r.attempts >= options_.max_attempts) {
        terminate(c, r.id, model::Status::Failed,
                  {{"kind", "run_interrupted"},
                   {"message", fmt::format("the run was interrupted {} times (the server stopped "
                                           "while processing it)",
                                           r.attempts)}},
                  now);
        continue;
      }
      if (r.attempts > 0) {
        // A retry keeps the tasks (and files) recorded succeeded, their outputs stored before
        // that; the rest start again (docs/store.md "Retry policy").
        c.prepare(
             "UPDATE tasks SET status = 'queued', progress = 0, outputs = '[]', error = NULL, "
             "skip_reason = '', predicate = NULL, started_at = 0, finished_at = 0, updated_at = ? "
             "WHERE run_id = ? AND status <> 'succeeded'")
            ->bind(1, now)
            .bind(2, r.id)
            .run();
        c.prepare(
             "DELETE FROM files WHERE run_id = ? AND task_id NOT IN "
             "(SELECT id FROM tasks WHERE run_id = ? AND status = 'succeeded')")
            ->bind(1, r.id)
            .bind(2, r.id)
            .run();
      }
      c.prepare(
           "UPDATE runs SET status = 'processing', worker_id = ?, lease_until_ms = ?, "
           "attempts = attempts + 1, progress = 0, "
           "started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END, updated_at = ? "
           "WHERE id = ?")
          ->bind(1, worker_id)
          .bind(2, ms + lease.count())
          .bind(3, now)
          .bind(4, now)
          .bind(5, r.id)
          .run();
      std::optional<Run> claimed = load_run(c, r.id, /*with_plan=*/true);
      tx.commit();
      return claimed;
    }
  });
}

Lease SqliteStore::renew_lease(const std::string& run_id, const std::string& worker_id,
                               std::chrono::milliseconds lease) {
  int64_t ms = now_ms();
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    Lease result = Lease::Lost;
    {
      Query q = c.prepare(
          "UPDATE runs SET lease_until_ms = ? WHERE id = ? AND worker_id = ? "
          "RETURNING cancel_requested");
      q->bind(1, ms + lease.count()).bind(2, run_id).bind(3, worker_id);
      if (q->step()) result = q->integer(0) ? Lease::CancelRequested : Lease::Held;
    }
    tx.commit();
    return result;
  });
}

int SqliteStore::release_worker(const std::string& worker_id) {
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    // 1, not 0: claim_run looks for leases below now, and 0 could tie with a fake clock.
    c.prepare("UPDATE runs SET lease_until_ms = 1 WHERE worker_id = ?")->bind(1, worker_id).run();
    int n = static_cast<int>(c.changes());
    tx.commit();
    return n;
  });
}

bool SqliteStore::apply_event(const std::string& run_id, const std::string& worker_id,
                              const std::string& kind, const nlohmann::json& data) {
  model::Status status = event_status(data);
  std::string st(model::status_name(status));
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    std::string webhook_url;
    {
      Query q = c.prepare("SELECT webhook_url FROM runs WHERE id = ? AND worker_id = ?");
      q->bind(1, run_id).bind(2, worker_id);
      if (!q->step()) return false;  // lost the lease: another worker's writes win
      webhook_url = q->text(0);
    }
    auto ids = task_ids(c, run_id);
    nlohmann::json stored = data;
    if (kind.rfind("task.", 0) == 0) {
      rewrite_task_ids(stored, run_id, ids);
      nlohmann::json skip = json_field(data, "skip_reason", "");
      Query q = c.prepare(
          "UPDATE tasks SET status = ?, progress = ?, inputs = ?, outputs = ?, error = ?, "
          "skip_reason = ?, started_at = MAX(started_at, ?), finished_at = MAX(finished_at, ?), "
          "updated_at = ?, predicate = COALESCE(?, predicate) WHERE run_id = ? AND node = ?");
      q->bind(1, st)
          .bind(2, json_number(data, "progress"))
          .bind(3, dump(json_field(data, "inputs", nlohmann::json::array())))
          .bind(4, dump(json_field(data, "outputs", nlohmann::json::array())));
      bind_json_or_null(*q, 5, json_field(data, "error", nullptr));
      q->bind(6, skip.is_string() ? skip.get<std::string>() : std::string())
          .bind(7, json_int(data, "started_at"))
          .bind(8, json_int(data, "finished_at"))
          .bind(9, now);
      bind_json_or_null(*q, 10, json_field(data, "predicate", nullptr));
      q->bind(11, run_id).bind(12, data.value("node", "")).run();
      sqlite::record_files(c, run_id, stored, now);
    } else {
      Query q = c.prepare(
          "UPDATE runs SET status = ?, progress = ?, error = ?, "
          "started_at = MAX(started_at, ?), updated_at = ? WHERE id = ?");
      q->bind(1, st).bind(2, json_number(data, "progress"));
      bind_json_or_null(*q, 3, json_field(data, "error", nullptr));
      q->bind(4, json_int(data, "started_at")).bind(5, now).bind(6, run_id).run();
      if (stored.contains("tasks") && stored["tasks"].is_array())
        for (nlohmann::json& t : stored["tasks"]) rewrite_task_ids(t, run_id, ids);
      stored["id"] = run_id;
      if (model::is_terminal(status)) {
        // The run's last word: the same bookkeeping as finish_run, then the scheduler's event.
        c.prepare(
             fmt::format("UPDATE tasks SET status = 'cancelled', finished_at = ?, updated_at = ? "
                         "WHERE run_id = ? AND status NOT IN {}",
                         kTerminal))
            ->bind(1, now)
            .bind(2, now)
            .bind(3, run_id)
            .run();
        c.prepare(
             "UPDATE runs SET worker_id = '', lease_until_ms = 0, finished_at = ? WHERE id = ?")
            ->bind(1, now)
            .bind(2, run_id)
            .run();
      }
    }
    insert_event(c, kind, run_id, stored, webhook_url, now);
    tx.commit();
    return true;
  });
}

bool SqliteStore::finish_run(const std::string& run_id, const std::string& worker_id,
                             model::Status status, const nlohmann::json& error) {
  if (!model::is_terminal(status))
    throw std::invalid_argument("store: finish_run needs a terminal status");
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    {
      Query q = c.prepare("SELECT 1 FROM runs WHERE id = ? AND worker_id = ?");
      q->bind(1, run_id).bind(2, worker_id);
      if (!q->step()) return false;
    }
    terminate(c, run_id, status, error, now);
    tx.commit();
    return true;
  });
}

std::optional<Run> SqliteStore::cancel_run(const std::string& run_id) {
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& c) -> std::optional<Run> {
    Transaction tx(c, Transaction::Write);
    std::optional<Run> r = load_run(c, run_id);
    if (!r || model::is_terminal(r->status)) return r;
    if (r->worker_id.empty()) {
      terminate(c, run_id, model::Status::Cancelled, nullptr, now);
    } else {
      c.prepare("UPDATE runs SET cancel_requested = 1, updated_at = ? WHERE id = ?")
          ->bind(1, now)
          .bind(2, run_id)
          .run();
    }
    r = load_run(c, run_id);
    tx.commit();
    return r;
  });
}

// ---- tasks

std::optional<Task> SqliteStore::get_task(const std::string& id) {
  return read([&](sqlite::Connection& c) -> std::optional<Task> {
    Query q = c.prepare(fmt::format("SELECT {} FROM tasks WHERE id = ?", kTaskColumns));
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return task_row(*q);
  });
}

std::optional<Page<Task>> SqliteStore::list_tasks(const ListQuery& q) {
  std::vector<Filter> filters;
  if (q.status) filters.push_back({"status", std::string(model::status_name(*q.status))});
  if (!q.kind.empty()) filters.push_back({"kind", q.kind});
  if (!q.run_id.empty()) filters.push_back({"run_id", q.run_id});
  return read([&](sqlite::Connection& c) {
    return page<Task>(c, "tasks", kTaskColumns, q, filters,
                      [](const Statement& s) { return task_row(s); });
  });
}

// ---- output files

std::optional<File> SqliteStore::get_file(const std::string& id) {
  return read([&](sqlite::Connection& c) { return sqlite::select_file(c, id); });
}

std::optional<Page<File>> SqliteStore::list_files(const ListQuery& q) {
  std::vector<Filter> filters;
  if (!q.run_id.empty()) filters.push_back({"run_id", q.run_id});
  if (!q.task_id.empty()) filters.push_back({"task_id", q.task_id});
  if (!q.kind.empty()) filters.push_back({"kind", q.kind});
  return read([&](sqlite::Connection& c) {
    return page<File>(c, "files", sqlite::kFileColumns, q, filters, sqlite::file_row);
  });
}

std::optional<File> SqliteStore::mark_file_deleted(const std::string& id) {
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    std::optional<File> f = sqlite::mark_file_deleted(c, id, now);
    tx.commit();
    return f;
  });
}

// ---- connections (sqlite_connections.h: each write is its own transaction)

Connection SqliteStore::create_connection(Connection c) {
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& db) { return sqlite::insert_connection(db, c, now); });
}
std::optional<Connection> SqliteStore::get_connection(const std::string& id) {
  return read([&](sqlite::Connection& db) { return sqlite::select_connection(db, id); });
}
std::optional<Page<Connection>> SqliteStore::list_connections(const ListQuery& q) {
  return read([&](sqlite::Connection& db) {
    return page<Connection>(db, "connections", sqlite::kConnectionColumns, q, {},
                            sqlite::connection_row);
  });
}
bool SqliteStore::update_connection(const Connection& c) {
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& db) { return sqlite::update_connection(db, c, now); });
}
bool SqliteStore::delete_connection(const std::string& id) {
  return write([&](sqlite::Connection& db) { return sqlite::delete_connection(db, id); });
}

// ---- events and webhooks

std::optional<Page<Event>> SqliteStore::list_events(const ListQuery& q) {
  std::vector<Filter> filters;
  if (!q.kind.empty()) filters.push_back({"kind", q.kind});
  if (!q.run_id.empty()) filters.push_back({"run_id", q.run_id});
  return read([&](sqlite::Connection& c) {
    auto p = page<Event>(c, "events", kEventColumns, q, filters, event_row);
    if (p) fill_created_data(c, p->items);
    return p;
  });
}

std::vector<Event> SqliteStore::due_deliveries(int64_t now, int limit) {
  return read([&](sqlite::Connection& c) {
    Query q = c.prepare(
        fmt::format("SELECT {} FROM events WHERE next_attempt_at > 0 AND next_attempt_at <= ? "
                    "ORDER BY next_attempt_at, seq LIMIT ?",
                    kEventColumns));
    q->bind(1, now).bind(2, static_cast<int64_t>(limit));
    std::vector<Event> out;
    while (q->step()) out.push_back(event_row(*q));
    fill_created_data(c, out);
    return out;
  });
}

void SqliteStore::record_delivery(const std::string& event_id, const DeliveryResult& r) {
  int64_t now = now_ms() / 1000;
  write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    c.prepare(
         "UPDATE events SET attempts = attempts + 1, delivered_at = ?, next_attempt_at = ? "
         "WHERE id = ?")
        ->bind(1, r.delivered ? now : int64_t{0})
        .bind(2, r.delivered ? int64_t{0} : r.next_attempt_at)
        .bind(3, event_id)
        .run();
    tx.commit();
  });
}

// ---- API keys (sqlite_keys.h; every write clears the key cache after its commit)

ApiKey SqliteStore::add_api_key(const std::string& name, const std::string& secret,
                                const std::string& source, const std::string& created_by) {
  if (source != "config" && source != "dev" && source != "api")
    throw std::invalid_argument("store: a key's source must be config, dev or api");
  std::string hash = hash_secret(secret);
  int64_t now = now_ms() / 1000;
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    ApiKey k = sqlite::insert_key(c, name, secret, hash, source, created_by, now);
    tx.commit();
    return k;
  });
}

std::optional<ApiKey> SqliteStore::find_api_key(const std::string& secret) {
  std::string hash = hash_secret(secret);
  int64_t now = now_ms();
  if (options_.key_cache_ms > 0) {
    std::lock_guard lock(key_cache_mutex_);
    auto it = key_cache_.find(hash);
    // A clock that went back (read_at_ms > now) is a miss too.
    if (it != key_cache_.end() && now >= it->second.read_at_ms &&
        now - it->second.read_at_ms < options_.key_cache_ms)
      return it->second.key;
  }
  auto found = read([&](sqlite::Connection& c) { return sqlite::select_key_by_hash(c, hash); });
  if (found && options_.key_cache_ms > 0) {
    std::lock_guard lock(key_cache_mutex_);
    if (key_cache_.size() >= 4096) key_cache_.clear();  // more keys than any deployment has
    key_cache_[hash] = {*found, now};
  }
  return found;
}

void SqliteStore::forget_keys() {
  std::lock_guard lock(key_cache_mutex_);
  key_cache_.clear();
}

std::optional<ApiKey> SqliteStore::get_api_key(const std::string& id) {
  return read([&](sqlite::Connection& c) { return sqlite::select_key(c, id); });
}

std::optional<Page<ApiKey>> SqliteStore::list_api_keys(const ListQuery& q) {
  return read([&](sqlite::Connection& c) {
    return page<ApiKey>(c, "api_keys", sqlite::kKeyColumns, q, {}, sqlite::key_row);
  });
}

std::vector<ApiKey> SqliteStore::list_api_keys() {
  return read([&](sqlite::Connection& c) { return sqlite::select_keys(c); });
}

bool SqliteStore::set_api_key_status(const std::string& id, const std::string& status) {
  int64_t now = now_ms() / 1000;
  struct Forget {
    SqliteStore* self;
    ~Forget() { self->forget_keys(); }  // after the commit, so no reader caches the old row
  } forget{this};
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    bool found = sqlite::update_key_status(c, id, status, now);
    tx.commit();
    return found;
  });
}

std::vector<ApiKey> SqliteStore::retire_unconfigured_keys(
    const std::vector<std::string>& configured) {
  int64_t now = now_ms() / 1000;
  struct Forget {
    SqliteStore* self;
    ~Forget() { self->forget_keys(); }  // after the commit, so no reader caches the old row
  } forget{this};
  return write([&](sqlite::Connection& c) {
    Transaction tx(c, Transaction::Write);
    std::vector<ApiKey> retired = sqlite::retire_unconfigured_keys(c, configured, now);
    tx.commit();
    return retired;
  });
}

}  // namespace wfc::store
