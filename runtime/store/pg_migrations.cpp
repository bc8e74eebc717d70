// PgStore's numbered migrations (see pg_migrations.h). JSON-valued columns are TEXT holding the
// JSON text the store wrote (so get_run_text gives back the same bytes; json/jsonb would
// normalise them), statuses hold the seeds' names, timestamps are unix seconds in BIGINT, and
// `seq` is each table's identity column: the tie-breaker of the list order (created_at, seq).
// The tables and indexes are SQLite's (migrations.cpp) at its version 4, plus `connections`.
#include "runtime/store/pg_migrations.h"

#include <fmt/format.h>

#include <array>

namespace wfc::store::pg {
namespace {

/// The advisory lock key of migrations: "wfcmigr" as a number.
constexpr const char* kLockKey = "8678353617774450";

constexpr std::array<const char*, 1> kMigrations = {
    // 1: the schema of SQLite's version 4 (automations, runs, tasks with predicate, events, API
    // keys with source/created_by/hint, files) and connections (Connection: settings as JSON
    // text, the sealed credentials as opaque text).
    R"sql(
CREATE TABLE automations (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  workflow TEXT NOT NULL,
  plan TEXT NOT NULL,
  status TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  source_path TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX automations_order ON automations (created_at, seq);

CREATE TABLE runs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  automation_id TEXT NOT NULL,
  status TEXT NOT NULL,
  progress DOUBLE PRECISION NOT NULL,
  input_url TEXT NOT NULL,
  metadata TEXT NOT NULL,
  error TEXT,
  created_by TEXT NOT NULL,
  plan TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  worker_id TEXT NOT NULL,
  lease_until_ms BIGINT NOT NULL,
  cancel_requested INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX runs_order ON runs (created_at, seq);
CREATE INDEX runs_status_order ON runs (status, created_at, seq);
CREATE INDEX runs_held ON runs (lease_until_ms) WHERE worker_id <> '';
CREATE UNIQUE INDEX runs_idempotency ON runs (created_by, idempotency_key)
  WHERE idempotency_key <> '';

CREATE TABLE tasks (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL,
  node TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  progress DOUBLE PRECISION NOT NULL,
  options TEXT NOT NULL,
  inputs TEXT NOT NULL,
  outputs TEXT NOT NULL,
  error TEXT,
  skip_reason TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  predicate TEXT
);
CREATE UNIQUE INDEX tasks_of_run ON tasks (run_id, node);
CREATE INDEX tasks_order ON tasks (created_at, seq);
CREATE INDEX tasks_status_order ON tasks (status, created_at, seq);

CREATE TABLE events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  run_id TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  webhook_url TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  delivered_at BIGINT NOT NULL
);
CREATE INDEX events_order ON events (created_at, seq);
CREATE INDEX events_due ON events (next_attempt_at) WHERE next_attempt_at > 0;

CREATE TABLE api_keys (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  source TEXT NOT NULL,
  created_by TEXT NOT NULL,
  hint TEXT NOT NULL
);
CREATE INDEX api_keys_order ON api_keys (created_at, seq);

CREATE TABLE files (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  size BIGINT NOT NULL,
  type TEXT NOT NULL,
  format TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  deleted_at BIGINT NOT NULL
);
CREATE INDEX files_order ON files (created_at, seq);
CREATE INDEX files_of_run ON files (run_id, created_at, seq);

CREATE TABLE connections (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  settings TEXT NOT NULL,
  sealed_secret TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX connections_order ON connections (created_at, seq);
)sql",
};

int read_version(Conn& c) {
  return static_cast<int>(
      c.run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0));
}

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

int schema_version(Conn& c) {
  Result exists = c.run("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (exists.text(0, 0) != "t") return 0;
  return read_version(c);
}

void migrate(Conn& c) {
  // Session-level: held across the transaction below and given back at the end (or with the
  // connection, if it fails). A second process blocks here until the first is done.
  c.exec(fmt::format("SELECT pg_advisory_lock({})", kLockKey));
  struct Unlock {
    Conn& c;
    ~Unlock() {
      try {
        if (c.ok()) c.exec(fmt::format("SELECT pg_advisory_unlock({})", kLockKey));
      } catch (const StoreError&) {
      }
    }
  } unlock{c};
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
  int current = read_version(c);
  if (current > latest_schema_version())
    throw StoreError(fmt::format(
        "postgres: the database has schema version {}, newer than this build knows ({}); use a "
        "newer wfc",
        current, latest_schema_version()));
  if (current == latest_schema_version()) return;
  Transaction tx(c);
  for (int v = current + 1; v <= latest_schema_version(); ++v) {
    c.exec(kMigrations[static_cast<size_t>(v - 1)]);
    c.run(
        "INSERT INTO schema_migrations (version, applied_at) "
        "VALUES ($1, extract(epoch from now())::bigint)",
        Params().add(v));
  }
  tx.commit();
}

}  // namespace wfc::store::pg
