// The numbered migrations (see migrations.h). JSON-valued columns hold JSON text; statuses hold
// the seeds' names; `seq` is each table's monotonic sequence, the tie-breaker of the list order
// (created_at, seq). Indexes are few on purpose: each one is paid by every create_run.
#include "runtime/store/migrations.h"

#include <fmt/format.h>

#include <array>

namespace wfc::store::sqlite {
namespace {

constexpr std::array<const char*, 5> kMigrations = {
    // 1: the first schema.
    R"sql(
CREATE TABLE automations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  workflow TEXT NOT NULL,
  plan TEXT NOT NULL,
  status TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  source_path TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX automations_order ON automations (created_at, seq);

CREATE TABLE runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  automation_id TEXT NOT NULL,
  status TEXT NOT NULL,
  progress REAL NOT NULL,
  input_url TEXT NOT NULL,
  metadata TEXT NOT NULL,
  error TEXT,
  created_by TEXT NOT NULL,
  plan TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  worker_id TEXT NOT NULL,
  lease_until_ms INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX runs_order ON runs (created_at, seq);
CREATE INDEX runs_status_order ON runs (status, created_at, seq);
CREATE INDEX runs_held ON runs (lease_until_ms) WHERE worker_id <> '';
CREATE UNIQUE INDEX runs_idempotency ON runs (created_by, idempotency_key)
  WHERE idempotency_key <> '';

CREATE TABLE tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL REFERENCES runs (id),
  node TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  progress REAL NOT NULL,
  options TEXT NOT NULL,
  inputs TEXT NOT NULL,
  outputs TEXT NOT NULL,
  error TEXT,
  skip_reason TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tasks_of_run ON tasks (run_id, node);
CREATE INDEX tasks_order ON tasks (created_at, seq);
CREATE INDEX tasks_status_order ON tasks (status, created_at, seq);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  run_id TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  webhook_url TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL
);
CREATE INDEX events_order ON events (created_at, seq);
CREATE INDEX events_due ON events (next_attempt_at) WHERE next_attempt_at > 0;

CREATE TABLE api_keys (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql",
    // 2: how a task's predicate ran (a gate's condition, a `select`): its engine, evaluations
    // and time, as the scheduler records them (docs/runtime.md); null for other tasks.
    R"sql(
ALTER TABLE tasks ADD COLUMN predicate TEXT;
)sql",
    // 3: keys managed through the API (POST /keys): where each key came from (config, dev, api;
    // only configuration keys are retired at a start), the key that made it, and a hint of its
    // secret. Every key stored before came from configuration; the development key is the one
    // named "development".
    R"sql(
ALTER TABLE api_keys ADD COLUMN source TEXT NOT NULL DEFAULT 'config';
ALTER TABLE api_keys ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN hint TEXT NOT NULL DEFAULT '';
UPDATE api_keys SET source = 'dev' WHERE name = 'development';
CREATE INDEX api_keys_order ON api_keys (created_at, seq);
)sql",
    // 4: output files (GET /files): one row per output File object of a task, recorded with the
    // task's outputs (apply_event). `id` is derived from the run id and the relative path
    // (store::file_id), so it is the id the task objects already showed; `path` is relative to
    // the run's directory; `data` is the File object as the task recorded it; `deleted_at` is set
    // by DELETE /files/{id} (the row stays, the bytes go). Backfilled from the outputs stored
    // before: each output File whose url names its run's file route (…/files/<run id>/<path>).
    R"sql(
CREATE TABLE files (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  type TEXT NOT NULL,
  format TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER NOT NULL
);
CREATE INDEX files_order ON files (created_at, seq);
CREATE INDEX files_of_run ON files (run_id, created_at, seq);
INSERT OR IGNORE INTO files
  (id, run_id, task_id, kind, path, size, type, format, data, created_at, deleted_at)
SELECT json_extract(o.value, '$.id'), t.run_id, t.id,
       COALESCE(json_extract(o.value, '$.kind'), ''),
       substr(json_extract(o.value, '$.url'),
              instr(json_extract(o.value, '$.url'), '/files/' || t.run_id || '/') +
              length('/files/' || t.run_id || '/')),
       COALESCE(json_extract(o.value, '$.filesize'), 0),
       COALESCE(json_extract(o.value, '$.type'), ''),
       COALESCE(json_extract(o.value, '$.format'), ''),
       o.value,
       CASE WHEN t.finished_at > 0 THEN t.finished_at ELSE t.updated_at END, 0
FROM tasks t, json_each(t.outputs) o
WHERE json_type(o.value, '$.id') = 'text' AND json_type(o.value, '$.url') = 'text'
  AND instr(json_extract(o.value, '$.url'), '/files/' || t.run_id || '/') > 0
ORDER BY t.seq, o.key;
)sql",
    // 5: connections (POST /connections; docs/api.md "Connections"): kind (s3), name, settings
    // (JSON: bucket, region, endpoint, access_key_id; no secret), sealed_secret (the secret
    // access key sealed with AES-256-GCM by the API under a key kept outside the database,
    // runtime/connections/secrets_key.h: opaque text here), created_by (key_…).
    R"sql(
CREATE TABLE connections (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  settings TEXT NOT NULL,
  sealed_secret TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX connections_order ON connections (created_at, seq);
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

int schema_version(Connection& c) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  Query q = c.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q->step();
  return static_cast<int>(q->integer(0));
}

void migrate(Connection& c) {
  Transaction tx(c, Transaction::Write);  // the check and the steps under one write lock
  int current = schema_version(c);
  if (current > latest_schema_version())
    throw StoreError(fmt::format(
        "the database has schema version {}, newer than this build knows ({}); use a newer wfc",
        current, latest_schema_version()));
  for (int v = current + 1; v <= latest_schema_version(); ++v) {
    c.exec(kMigrations[static_cast<size_t>(v - 1)]);
    c.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, unixepoch())")
        ->bind(1, static_cast<int64_t>(v))
        .run();
  }
  tx.commit();
}

}  // namespace wfc::store::sqlite
