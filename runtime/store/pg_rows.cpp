// PgStore's rows and shared statements (see pg_rows.h).
#include "runtime/store/pg_rows.h"

#include "runtime/model/ids.h"
#include "runtime/store/wire_json.h"

namespace wfc::store::pg {

const char* const kRunColumns =
    "id, automation_id, status, progress, input_url, metadata, error, created_by, plan, "
    "idempotency_key, webhook_url, attempts, worker_id, lease_until_ms, cancel_requested, "
    "created_at, started_at, finished_at, updated_at";
const char* const kTaskColumns =
    "id, run_id, node, kind, status, progress, options, inputs, outputs, error, skip_reason, "
    "parent_id, created_at, started_at, finished_at, updated_at, predicate";
const char* const kAutomationColumns =
    "id, name, description, workflow, plan, status, webhook_url, source_path, created_at, "
    "updated_at";
const char* const kEventColumns =
    "id, kind, run_id, data, created_at, webhook_url, attempts, next_attempt_at, delivered_at";
const char* const kKeyColumns =
    "id, name, hash, status, created_at, updated_at, source, created_by, hint";
const char* const kFileColumns =
    "id, run_id, task_id, kind, path, size, type, format, data, created_at, deleted_at";
const char* const kConnectionColumns =
    "id, kind, name, settings, sealed_secret, created_by, created_at, updated_at";

namespace {

nlohmann::json parse(const Result& r, int row, int col) {
  if (r.is_null(row, col)) return nullptr;
  nlohmann::json j = nlohmann::json::parse(r.text(row, col), nullptr, false);
  if (j.is_discarded()) throw StoreError("postgres: a JSON column does not hold JSON");
  return j;
}

model::Status status_at(const Result& r, int row, int col) {
  std::string s = r.text(row, col);
  auto st = model::parse_status(s);
  if (!st) throw StoreError("postgres: unknown status '" + s + "'");
  return *st;
}

std::string json_text(const Result& r, int row, int col) {
  return r.is_null(row, col) ? std::string("null") : r.text(row, col);
}

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Params& json_or_null(Params& p, const nlohmann::json& j) {
  return j.is_null() ? p.null() : p.add(dump(j));
}

/// The run as create_run made it: what run.created announces (as SqliteStore's as_created).
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

const std::string& run_with_tasks_sql(bool lock) {
  static const std::string plain = fmt::format(
      "SELECT {}, {} FROM runs r LEFT JOIN tasks t ON t.run_id = r.id WHERE r.id = $1 "
      "ORDER BY t.seq",
      prefixed(kRunColumns, "r"), prefixed(kTaskColumns, "t"));
  static const std::string locked = plain + " FOR UPDATE OF r";
  return lock ? locked : plain;
}

}  // namespace

std::string prefixed(const char* columns, const char* alias) {
  std::string out, cols = columns;
  size_t at = 0;
  while (at < cols.size()) {
    size_t comma = cols.find(',', at);
    std::string name = cols.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (!out.empty()) out += ", ";
    out += std::string(alias) + "." + name;
    at = comma == std::string::npos ? cols.size() : comma + 1;
  }
  return out;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Run run_row(const Result& s, int row, int c, bool with_plan, bool with_json) {
  Run r;
  r.id = s.text(row, c + 0);
  r.automation_id = s.text(row, c + 1);
  r.status = status_at(s, row, c + 2);
  r.progress = s.real(row, c + 3);
  r.input_url = s.text(row, c + 4);
  if (with_json) {
    r.metadata = parse(s, row, c + 5);
    r.error = parse(s, row, c + 6);
  }
  r.created_by = s.text(row, c + 7);
  if (with_plan) r.plan = parse(s, row, c + 8);
  r.idempotency_key = s.text(row, c + 9);
  r.webhook_url = s.text(row, c + 10);
  r.attempts = static_cast<int>(s.integer(row, c + 11));
  r.worker_id = s.text(row, c + 12);
  r.lease_until_ms = s.integer(row, c + 13);
  r.cancel_requested = s.integer(row, c + 14) != 0;
  r.created_at = s.integer(row, c + 15);
  r.started_at = s.integer(row, c + 16);
  r.finished_at = s.integer(row, c + 17);
  r.updated_at = s.integer(row, c + 18);
  return r;
}

Task task_row(const Result& s, int row, int c, bool with_json) {
  Task t;
  t.id = s.text(row, c + 0);
  t.run_id = s.text(row, c + 1);
  t.node = s.text(row, c + 2);
  t.kind = s.text(row, c + 3);
  t.status = status_at(s, row, c + 4);
  t.progress = s.real(row, c + 5);
  if (with_json) {
    t.options = parse(s, row, c + 6);
    t.inputs = parse(s, row, c + 7);
    t.outputs = parse(s, row, c + 8);
    t.error = parse(s, row, c + 9);
    t.predicate = parse(s, row, c + 16);
  }
  t.skip_reason = s.text(row, c + 10);
  t.parent_id = s.text(row, c + 11);
  t.created_at = s.integer(row, c + 12);
  t.started_at = s.integer(row, c + 13);
  t.finished_at = s.integer(row, c + 14);
  t.updated_at = s.integer(row, c + 15);
  return t;
}

Automation automation_row(const Result& s, int row) {
  Automation a;
  a.id = s.text(row, 0);
  a.name = s.text(row, 1);
  a.description = s.text(row, 2);
  a.workflow = parse(s, row, 3);
  a.plan = parse(s, row, 4);
  a.status = s.text(row, 5);
  a.webhook_url = s.text(row, 6);
  a.source_path = s.text(row, 7);
  a.created_at = s.integer(row, 8);
  a.updated_at = s.integer(row, 9);
  return a;
}

Event event_row(const Result& s, int row) {
  Event e;
  e.id = s.text(row, 0);
  e.kind = s.text(row, 1);
  e.run_id = s.text(row, 2);
  e.data = parse(s, row, 3);
  e.created_at = s.integer(row, 4);
  e.webhook_url = s.text(row, 5);
  e.attempts = static_cast<int>(s.integer(row, 6));
  e.next_attempt_at = s.integer(row, 7);
  e.delivered_at = s.integer(row, 8);
  return e;
}

ApiKey key_row(const Result& s, int row) {
  ApiKey k;
  k.id = s.text(row, 0);
  k.name = s.text(row, 1);
  k.hash = s.text(row, 2);
  k.status = s.text(row, 3);
  k.created_at = s.integer(row, 4);
  k.updated_at = s.integer(row, 5);
  k.source = s.text(row, 6);
  k.created_by = s.text(row, 7);
  k.hint = s.text(row, 8);
  return k;
}

File file_row(const Result& s, int row) {
  File f;
  f.id = s.text(row, 0);
  f.run_id = s.text(row, 1);
  f.task_id = s.text(row, 2);
  f.kind = s.text(row, 3);
  f.path = s.text(row, 4);
  f.size = s.integer(row, 5);
  f.type = s.text(row, 6);
  f.format = s.text(row, 7);
  f.data = parse(s, row, 8);
  f.created_at = s.integer(row, 9);
  f.deleted_at = s.integer(row, 10);
  return f;
}

Connection connection_row(const Result& s, int row) {
  Connection c;
  c.id = s.text(row, 0);
  c.kind = s.text(row, 1);
  c.name = s.text(row, 2);
  c.settings = parse(s, row, 3);
  c.sealed_secret = s.text(row, 4);
  c.created_by = s.text(row, 5);
  c.created_at = s.integer(row, 6);
  c.updated_at = s.integer(row, 7);
  return c;
}

std::optional<Run> load_run(Conn& c, const std::string& id, bool with_plan, bool lock) {
  Result r = c.run(run_with_tasks_sql(lock), Params().add(id));
  if (r.rows() == 0) return std::nullopt;
  Run run = run_row(r, 0, 0, with_plan);
  for (int i = 0; i < r.rows(); ++i)
    if (!r.is_null(i, kRunWidth)) run.tasks.push_back(task_row(r, i, kRunWidth));
  return run;
}

std::optional<RunText> load_run_text(Conn& c, const std::string& id) {
  Result r = c.run(run_with_tasks_sql(false), Params().add(id));
  if (r.rows() == 0) return std::nullopt;
  RunText out;
  out.run = run_row(r, 0, 0, /*with_plan=*/false, /*with_json=*/false);
  out.metadata = json_text(r, 0, 5);
  out.error = json_text(r, 0, 6);
  for (int i = 0; i < r.rows(); ++i) {
    if (r.is_null(i, kRunWidth)) continue;
    out.run.tasks.push_back(task_row(r, i, kRunWidth, /*with_json=*/false));
    int t = kRunWidth;
    out.tasks.push_back({json_text(r, i, t + 6), json_text(r, i, t + 7), json_text(r, i, t + 8),
                         json_text(r, i, t + 9), json_text(r, i, t + 16)});
  }
  return out;
}

void insert_event(Conn& c, const std::string& kind, const std::string& run_id,
                  const nlohmann::json& data, const std::string& webhook_url, int64_t now) {
  static const std::string sql = fmt::format(
      "INSERT INTO events ({}) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 0)", kEventColumns);
  c.run(sql, Params()
                 .add(model::new_id("evt"))
                 .add(kind)
                 .add(run_id)
                 .add(dump(data))
                 .add(now)
                 .add(webhook_url)
                 .add(webhook_url.empty() ? int64_t{0} : now));
}

void terminate(Conn& c, const std::string& run_id, model::Status status,
               const nlohmann::json& error, int64_t now) {
  std::string st(model::status_name(status));
  Params p;
  p.add(st);
  json_or_null(p, error);
  c.run(
      "UPDATE runs SET status = $1, error = $2, worker_id = '', lease_until_ms = 0, "
      "progress = CASE WHEN $1 = 'succeeded' THEN 100 ELSE progress END, "
      "finished_at = $3, updated_at = $3 WHERE id = $4",
      p.add(now).add(run_id));
  c.run(fmt::format("UPDATE tasks SET status = 'cancelled', finished_at = $1, updated_at = $1 "
                    "WHERE run_id = $2 AND status NOT IN {}",
                    kTerminal),
        Params().add(now).add(run_id));
  std::optional<Run> r = load_run(c, run_id);
  insert_event(c, "run." + st, run_id, to_json(*r), r->webhook_url, now);
}

void fill_created_data(Conn& c, std::vector<Event>& events) {
  for (Event& e : events) {
    if (e.kind != "run.created" || !e.data.is_null()) continue;
    if (std::optional<Run> r = load_run(c, e.run_id)) e.data = to_json(as_created(std::move(*r)));
  }
}

void record_files(Conn& c, const std::string& run_id, const nlohmann::json& task, int64_t now) {
  auto outputs = task.find("outputs");
  if (outputs == task.end() || !outputs->is_array() || outputs->empty()) return;
  static const std::string sql = fmt::format(
      "INSERT INTO files ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) "
      "ON CONFLICT (id) DO UPDATE SET task_id = excluded.task_id, kind = excluded.kind, "
      "size = excluded.size, type = excluded.type, format = excluded.format, "
      "data = excluded.data, deleted_at = 0",
      kFileColumns);
  const std::string route = "/files/" + run_id + "/";
  std::string task_id = text_of(task, "id");
  for (const nlohmann::json& f : *outputs) {
    if (!f.is_object()) continue;
    std::string id = text_of(f, "id"), url = text_of(f, "url");
    size_t at = url.find(route);
    if (id.empty() || at == std::string::npos) continue;
    auto size = f.find("filesize");
    c.run(sql, Params()
                   .add(id)
                   .add(run_id)
                   .add(task_id)
                   .add(text_of(f, "kind"))
                   .add(url.substr(at + route.size()))
                   .add(size != f.end() && size->is_number() ? size->get<int64_t>() : int64_t{0})
                   .add(text_of(f, "type"))
                   .add(text_of(f, "format"))
                   .add(dump(f))
                   .add(now));
  }
}

}  // namespace wfc::store::pg
