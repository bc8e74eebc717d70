// PgStore's queue (see pg_store.h; docs/store.md, "PostgreSQL"): run creation in one statement,
// claims with FOR UPDATE SKIP LOCKED, leases, scheduler events, finishing and cancelling. Every
// write that makes a run claimable asks for a NOTIFY on the queue's channel once it committed
// (notify_queue).
#include <fmt/format.h>

#include <map>

#include "runtime/model/ids.h"
#include "runtime/store/pg_conn.h"
#include "runtime/store/pg_rows.h"
#include "runtime/store/pg_store.h"
#include "runtime/store/wire_json.h"

namespace wfc::store {

using pg::Params;
using pg::Result;

namespace {

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
  if (!s) throw std::invalid_argument("store: an event without a valid status");
  return *s;
}

using TaskIds = std::map<std::string, std::pair<std::string, std::string>>;

void rewrite_task_ids(nlohmann::json& task, const std::string& run_id, const TaskIds& ids) {
  auto it = ids.find(task.value("node", ""));
  if (it == ids.end()) return;
  task["id"] = it->second.first;
  task["run_id"] = run_id;
  task["parent_id"] =
      it->second.second.empty() ? nlohmann::json(nullptr) : nlohmann::json(it->second.second);
}

Params& json_or_null(Params& p, const nlohmann::json& j) {
  return j.is_null() ? p.null() : p.add(pg::dump(j));
}

/// A run about to be inserted: ids, parent links and timestamps, held by NewRun::worker_id when
/// it names one (as SqliteStore's prepare_run).
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
  if (in.plan_text.empty()) r.plan = in.plan;
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

// The run, its tasks (from one JSON array parameter, in plan order) and its run.created event as
// one statement: one round trip and one transaction. With an idempotency key already used by the
// same created_by, the INSERT does nothing and no row comes back. The queue's NOTIFY is not in it
// (see PgStore::notify_queue).
const std::string& create_sql() {
  static const std::string sql = fmt::format(
      "WITH r AS (INSERT INTO runs ({run}) VALUES ($1, $2, $12, 0, $3, $4, NULL, $5, $6, $7, "
      "$8::text, $13::integer, $14, $15::bigint, 0, $9::bigint, $16::bigint, 0, $9::bigint) "
      "ON CONFLICT (created_by, idempotency_key) WHERE idempotency_key <> '' DO NOTHING "
      "RETURNING id), "
      "t AS (INSERT INTO tasks ({task}) SELECT x.v->>'id', r.id, x.v->>'node', x.v->>'kind', "
      "'queued', 0, x.v->>'options', '[]', '[]', NULL, '', x.v->>'parent_id', $9::bigint, 0, 0, "
      "$9::bigint, NULL FROM r, json_array_elements($10::json) WITH ORDINALITY AS x(v, n) "
      "ORDER BY x.n), "
      "e AS (INSERT INTO events ({event}) SELECT $11::text, 'run.created', r.id, 'null', "
      "$9::bigint, "
      "$8::text, 0, CASE WHEN $8::text = '' THEN 0 ELSE $9::bigint END, 0 FROM r) "
      "SELECT id FROM r",
      fmt::arg("run", pg::kRunColumns), fmt::arg("task", pg::kTaskColumns),
      fmt::arg("event", pg::kEventColumns));
  return sql;
}

}  // namespace

CreatedRun PgStore::create_run(const NewRun& in) {
  Run r = prepare_run(in, now_ms());
  nlohmann::json tasks = nlohmann::json::array();
  for (const Task& t : r.tasks)
    tasks.push_back({{"id", t.id},
                     {"node", t.node},
                     {"kind", t.kind},
                     {"options", pg::dump(t.options)},
                     {"parent_id", t.parent_id}});
  Params p;
  p.add(r.id)
      .add(r.automation_id)
      .add(r.input_url)
      .add(pg::dump(r.metadata))
      .add(r.created_by)
      .add(in.plan_text.empty() ? pg::dump(r.plan) : in.plan_text)
      .add(r.idempotency_key)
      .add(r.webhook_url)
      .add(r.created_at)
      .add(pg::dump(tasks))
      .add(model::new_id("evt"))
      .add(std::string(model::status_name(r.status)))
      .add(static_cast<int64_t>(r.attempts))
      .add(r.worker_id)
      .add(r.lease_until_ms)
      .add(r.started_at);
  return with([&](pg::Conn& c) -> CreatedRun {
    Result made = c.run(create_sql(), p);
    if (made.rows() > 0) {
      if (r.worker_id.empty()) notify_queue();  // a held run is nobody else's to claim
      return {std::move(r), true};
    }
    Result existing = c.run("SELECT id FROM runs WHERE created_by = $1 AND idempotency_key = $2",
                            Params().add(r.created_by).add(r.idempotency_key));
    std::optional<Run> earlier;
    if (existing.rows() > 0) earlier = pg::load_run(c, existing.text(0, 0));
    if (!earlier) throw StoreError("postgres: a run was neither created nor found");
    return {std::move(*earlier), false};
  });
}

std::optional<Run> PgStore::claim_run(const std::string& worker_id,
                                      std::chrono::milliseconds lease) {
  int64_t ms = now_ms(), now = ms / 1000;
  // The oldest queued run and the held run whose lease lapsed first, each locked, skipping rows
  // other claimers hold: two workers never wait for each other nor take the same run.
  static const std::string pick_sql = fmt::format(
      "WITH q AS (SELECT {0}, 0 AS lapsed FROM runs WHERE status = 'queued' "
      "ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED), "
      "l AS (SELECT {0}, 1 AS lapsed FROM runs WHERE worker_id <> '' AND lease_until_ms < $1 "
      "ORDER BY lease_until_ms LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "SELECT * FROM q UNION ALL SELECT * FROM l",
      pg::kRunColumns);
  // The common case in one statement (one round trip, its own transaction): the oldest queued
  // run, claimed, with its tasks — unless some held run's lease has lapsed, which may be older
  // and needs the checks below. A queued run has never been claimed (attempts 0), so there is
  // nothing of an earlier attempt to clear.
  static const std::string fast_sql = fmt::format(
      "WITH q AS (SELECT id FROM runs WHERE status = 'queued' "
      "ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED), "
      "l AS (SELECT 1 FROM runs WHERE worker_id <> '' AND lease_until_ms < $1 LIMIT 1), "
      "u AS (UPDATE runs r SET status = 'processing', worker_id = $2, lease_until_ms = $3, "
      "attempts = r.attempts + 1, progress = 0, "
      "started_at = CASE WHEN r.started_at = 0 THEN $4 ELSE r.started_at END, updated_at = $4 "
      "FROM q WHERE r.id = q.id AND NOT EXISTS (SELECT 1 FROM l) RETURNING {0}) "
      "SELECT (SELECT count(*) FROM l), {1}, {2} FROM (SELECT 1) one LEFT JOIN u ON true "
      "LEFT JOIN tasks t ON t.run_id = u.id ORDER BY t.seq",
      pg::prefixed(pg::kRunColumns, "r"), pg::prefixed(pg::kRunColumns, "u"),
      pg::prefixed(pg::kTaskColumns, "t"));
  std::optional<Run> fast;
  bool lapsed_exists = with([&](pg::Conn& c) {
    Result r = c.run(fast_sql, Params().add(ms).add(worker_id).add(ms + lease.count()).add(now));
    if (r.integer(0, 0) > 0) return true;
    if (r.is_null(0, 1)) return false;  // nothing queued that another claimer does not hold
    Run run = pg::run_row(r, 0, 1, /*with_plan=*/true);
    for (int i = 0; i < r.rows(); ++i)
      if (!r.is_null(i, 1 + pg::kRunWidth))
        run.tasks.push_back(pg::task_row(r, i, 1 + pg::kRunWidth));
    fast = std::move(run);
    return false;
  });
  if (!lapsed_exists) return fast;
  return with([&](pg::Conn& c) -> std::optional<Run> {
    pg::Transaction tx(c);
    for (;;) {
      std::optional<Run> queued, lapsed;
      {
        Result r = c.run(pick_sql, Params().add(ms));
        for (int i = 0; i < r.rows(); ++i)
          (r.integer(i, 19) ? lapsed : queued) = pg::run_row(r, i, 0, false);
      }
      std::optional<Run>& pick =
          !lapsed || (queued && queued->created_at <= lapsed->created_at) ? queued : lapsed;
      if (!pick) {
        tx.commit();
        return std::nullopt;
      }
      Run r = std::move(*pick);
      if (&pick == &lapsed && r.cancel_requested) {
        pg::terminate(c, r.id, model::Status::Cancelled, nullptr, now);
        continue;
      }
      if (&pick == &lapsed && r.attempts >= options_.max_attempts) {
        pg::terminate(c, r.id, model::Status::Failed,
                      {{"kind", "run_interrupted"},
                       {"message", fmt::format("the run was interrupted {} times (the server "
                                               "stopped while processing it)",
                                               r.attempts)}},
                      now);
        continue;
      }
      if (r.attempts > 0) {
        // A retry keeps what the dead attempt recorded as succeeded and starts the rest again
        // (as SqliteStore::claim_run).
        c.run(
            "UPDATE tasks SET status = 'queued', progress = 0, outputs = '[]', error = NULL, "
            "skip_reason = '', predicate = NULL, started_at = 0, finished_at = 0, "
            "updated_at = $1 WHERE run_id = $2 AND status <> 'succeeded'",
            Params().add(now).add(r.id));
        c.run(
            "DELETE FROM files WHERE run_id = $1 AND task_id NOT IN "
            "(SELECT id FROM tasks WHERE run_id = $1 AND status = 'succeeded')",
            Params().add(r.id));
      }
      c.run(
          "UPDATE runs SET status = 'processing', worker_id = $1, lease_until_ms = $2, "
          "attempts = attempts + 1, progress = 0, "
          "started_at = CASE WHEN started_at = 0 THEN $3 ELSE started_at END, updated_at = $3 "
          "WHERE id = $4",
          Params().add(worker_id).add(ms + lease.count()).add(now).add(r.id));
      std::optional<Run> claimed = pg::load_run(c, r.id, /*with_plan=*/true);
      tx.commit();
      return claimed;
    }
  });
}

Lease PgStore::renew_lease(const std::string& run_id, const std::string& worker_id,
                           std::chrono::milliseconds lease) {
  int64_t ms = now_ms();
  return with([&](pg::Conn& c) {
    Result r = c.run(
        "UPDATE runs SET lease_until_ms = $1 WHERE id = $2 AND worker_id = $3 "
        "RETURNING cancel_requested",
        Params().add(ms + lease.count()).add(run_id).add(worker_id));
    if (r.rows() == 0) return Lease::Lost;
    return r.integer(0, 0) ? Lease::CancelRequested : Lease::Held;
  });
}

int PgStore::release_worker(const std::string& worker_id) {
  int released = with([&](pg::Conn& c) {
    // 1, not 0: claim_run looks for leases below now, and 0 could tie with a fake clock.
    return static_cast<int>(
        c.run("UPDATE runs SET lease_until_ms = 1 WHERE worker_id = $1", Params().add(worker_id))
            .affected());
  });
  if (released > 0) notify_queue();
  return released;
}

bool PgStore::apply_event(const std::string& run_id, const std::string& worker_id,
                          const std::string& kind, const nlohmann::json& data) {
  model::Status status = event_status(data);
  std::string st(model::status_name(status));
  int64_t now = now_ms() / 1000;
  return with([&](pg::Conn& c) {
    pg::Transaction tx(c);
    std::string webhook_url;
    {
      // Locked: a claim (SKIP LOCKED) cannot take the run from under this write.
      Result r = c.run("SELECT webhook_url FROM runs WHERE id = $1 AND worker_id = $2 FOR UPDATE",
                       Params().add(run_id).add(worker_id));
      if (r.rows() == 0) return false;
      webhook_url = r.text(0, 0);
    }
    TaskIds ids;
    {
      Result r =
          c.run("SELECT node, id, parent_id FROM tasks WHERE run_id = $1", Params().add(run_id));
      for (int i = 0; i < r.rows(); ++i) ids[r.text(i, 0)] = {r.text(i, 1), r.text(i, 2)};
    }
    nlohmann::json stored = data;
    if (kind.rfind("task.", 0) == 0) {
      rewrite_task_ids(stored, run_id, ids);
      nlohmann::json skip = json_field(data, "skip_reason", "");
      Params p;
      p.add(st)
          .add(json_number(data, "progress"))
          .add(pg::dump(json_field(data, "inputs", nlohmann::json::array())))
          .add(pg::dump(json_field(data, "outputs", nlohmann::json::array())));
      json_or_null(p, json_field(data, "error", nullptr));
      p.add(skip.is_string() ? skip.get<std::string>() : std::string())
          .add(json_int(data, "started_at"))
          .add(json_int(data, "finished_at"))
          .add(now);
      json_or_null(p, json_field(data, "predicate", nullptr));
      p.add(run_id).add(data.value("node", ""));
      c.run(
          "UPDATE tasks SET status = $1, progress = $2, inputs = $3, outputs = $4, error = $5, "
          "skip_reason = $6, started_at = GREATEST(started_at, $7), "
          "finished_at = GREATEST(finished_at, $8), updated_at = $9, "
          "predicate = COALESCE($10, predicate) WHERE run_id = $11 AND node = $12",
          p);
      pg::record_files(c, run_id, stored, now);
    } else {
      Params p;
      p.add(st).add(json_number(data, "progress"));
      json_or_null(p, json_field(data, "error", nullptr));
      p.add(json_int(data, "started_at")).add(now).add(run_id);
      c.run(
          "UPDATE runs SET status = $1, progress = $2, error = $3, "
          "started_at = GREATEST(started_at, $4), updated_at = $5 WHERE id = $6",
          p);
      if (stored.contains("tasks") && stored["tasks"].is_array())
        for (nlohmann::json& t : stored["tasks"]) rewrite_task_ids(t, run_id, ids);
      stored["id"] = run_id;
      if (model::is_terminal(status)) {
        c.run(fmt::format("UPDATE tasks SET status = 'cancelled', finished_at = $1, "
                          "updated_at = $1 WHERE run_id = $2 AND status NOT IN {}",
                          pg::kTerminal),
              Params().add(now).add(run_id));
        c.run("UPDATE runs SET worker_id = '', lease_until_ms = 0, finished_at = $1 WHERE id = $2",
              Params().add(now).add(run_id));
      }
    }
    pg::insert_event(c, kind, run_id, stored, webhook_url, now);
    tx.commit();
    return true;
  });
}

bool PgStore::finish_run(const std::string& run_id, const std::string& worker_id,
                         model::Status status, const nlohmann::json& error) {
  if (!model::is_terminal(status))
    throw std::invalid_argument("store: finish_run needs a terminal status");
  int64_t now = now_ms() / 1000;
  return with([&](pg::Conn& c) {
    pg::Transaction tx(c);
    Result r = c.run("SELECT 1 FROM runs WHERE id = $1 AND worker_id = $2 FOR UPDATE",
                     Params().add(run_id).add(worker_id));
    if (r.rows() == 0) return false;
    pg::terminate(c, run_id, status, error, now);
    tx.commit();
    return true;
  });
}

std::optional<Run> PgStore::cancel_run(const std::string& run_id) {
  int64_t now = now_ms() / 1000;
  return with([&](pg::Conn& c) -> std::optional<Run> {
    pg::Transaction tx(c);
    std::optional<Run> r = pg::load_run(c, run_id, false, /*lock=*/true);
    if (!r || model::is_terminal(r->status)) {
      tx.commit();
      return r;
    }
    if (r->worker_id.empty()) {
      pg::terminate(c, run_id, model::Status::Cancelled, nullptr, now);
    } else {
      c.run("UPDATE runs SET cancel_requested = 1, updated_at = $1 WHERE id = $2",
            Params().add(now).add(run_id));
    }
    r = pg::load_run(c, run_id);
    tx.commit();
    return r;
  });
}

}  // namespace wfc::store
