// The `api_keys` table of SqliteStore (docs/store.md): its row as a store::ApiKey, and the reads
// and writes of keys. The secret itself is never stored: only its hash (store::hash_secret) and
// a hint. Each call runs on the connection it is given, inside the caller's transaction (the
// store opens it and clears its key cache after a write).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/store/sqlite_db.h"
#include "runtime/store/store.h"

namespace wfc::store::sqlite {

/// The columns key_row reads, in its order.
extern const char* const kKeyColumns;

ApiKey key_row(const Statement& s);

/// The key stored for `secret`'s hash `hash`, else a new one (source config, dev or api) made
/// `now`; see Store::add_api_key.
ApiKey insert_key(Connection& db, const std::string& name, const std::string& secret,
                  const std::string& hash, const std::string& source, const std::string& created_by,
                  int64_t now);

std::optional<ApiKey> select_key_by_hash(Connection& db, const std::string& hash);
std::optional<ApiKey> select_key(Connection& db, const std::string& id);
std::vector<ApiKey> select_keys(Connection& db);  // every key, oldest first

/// false: no such id.
bool update_key_status(Connection& db, const std::string& id, const std::string& status,
                       int64_t now);

/// Store::retire_unconfigured_keys on `db`: the keys retired, oldest first.
std::vector<ApiKey> retire_unconfigured_keys(Connection& db,
                                             const std::vector<std::string>& configured,
                                             int64_t now);

}  // namespace wfc::store::sqlite
