// The `connections` table of SqliteStore (migration 5; docs/store.md): its row as a
// store::Connection, and the writes of one connection. The sealed secret is opaque text here:
// the API seals it before it reaches the store (runtime/connections/secrets_key.h). Reads run
// inside the caller's read transaction; each write opens and commits its own write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/store/sqlite_db.h"
#include "runtime/store/store.h"

namespace wfc::store::sqlite {

/// The columns connection_row reads, in its order.
extern const char* const kConnectionColumns;

store::Connection connection_row(const Statement& s);

/// Inserts `c` (its id made when empty), created and updated `now`; returns it as stored.
store::Connection insert_connection(Connection& db, store::Connection c, int64_t now);

std::optional<store::Connection> select_connection(Connection& db, const std::string& id);

/// Replaces the name, settings and sealed secret of `c.id`, updated `now`; false: no such id.
bool update_connection(Connection& db, const store::Connection& c, int64_t now);

bool delete_connection(Connection& db, const std::string& id);

}  // namespace wfc::store::sqlite
