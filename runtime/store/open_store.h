// Opening the store a `--store URL` / WFC_STORE names (docs/store.md "Choosing a store"): a
// SQLite database file (a path, or `sqlite:PATH`; the embedded default) or PostgreSQL
// (`postgres://…` / `postgresql://…`, libpq's URI form). `wfc serve`, `wfc worker`, `wfc run`
// and the worker processes all open their store here, so one URL means the same store for all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "runtime/store/store.h"

namespace wfc::store {

struct OpenOptions {
  int max_attempts = 3;  // claims of one run before an interrupted run fails
  /// Unix milliseconds; tests pass a fake clock to expire leases without sleeping.
  std::function<int64_t()> clock_ms;
};

/// True for a URL that names PostgreSQL (postgres:// or postgresql://).
bool is_postgres_url(const std::string& url);

/// Opens (creating and migrating as needed) the store `url` names. Throws StoreError, with a
/// message naming the URL without its password, when it cannot.
std::unique_ptr<Store> open_store(const std::string& url, const OpenOptions& options = {});

/// `url` with any password replaced by "***", for messages and logs.
std::string redact_store_url(const std::string& url);

}  // namespace wfc::store
