// The SQLite schema as numbered migrations, applied in order at open (docs/store.md, "Schema").
// Append-only: a released migration is never edited, a change is a new one, so every database
// ever created reaches the current schema by the same steps.
#pragma once

#include "runtime/store/sqlite_db.h"

namespace wfc::store::sqlite {

/// The schema version this build writes.
int latest_schema_version();

/// Brings the database to latest_schema_version(), all pending steps in one write transaction.
/// Throws StoreError when the database is from a newer build (its version is unknown here).
void migrate(Connection& c);

/// The version recorded in the database (0 for an empty one).
int schema_version(Connection& c);

}  // namespace wfc::store::sqlite
