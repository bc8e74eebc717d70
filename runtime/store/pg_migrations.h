// PgStore's schema as numbered migrations (docs/store.md, "PostgreSQL"), its own list beside
// SQLite's (migrations.h): append-only, recorded in schema_migrations, applied at open by whoever
// starts first under a PostgreSQL advisory lock, so a second process starting at the same time
// waits for the first and then finds nothing to apply.
#pragma once

#include "runtime/store/pg_conn.h"

namespace wfc::store::pg {

/// The schema version this build writes.
int latest_schema_version();

/// Brings the database to latest_schema_version() under the advisory lock, all pending steps in
/// one transaction. Throws StoreError when the database is from a newer build.
void migrate(Conn& c);

/// The version recorded in the database (0 for an empty one).
int schema_version(Conn& c);

}  // namespace wfc::store::pg
