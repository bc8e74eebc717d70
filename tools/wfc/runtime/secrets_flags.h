// The secrets key of the commands that seal or open connections' secrets (`wfc serve` and its
// worker processes, `wfc-runtime exec-run`): `--secrets-key FILE`, a file holding the key as 64
// hex digits; without it WFC_SECRETS_KEY holds the key itself (so worker processes inherit it
// with the environment, never in argv); without either, DATA/secrets-key, made 0600 on first use
// by `wfc serve` on a SQLite store (docs/security.md "Connection secrets";
// runtime/connections/secrets_key.h). On a PostgreSQL store, shared by many nodes, `wfc serve`
// makes none: one made there would be that node's alone. Processes that only open secrets
// (`wfc worker`, `wfc run --store`) never make one (opening_connections).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "runtime/connections/connection.h"
#include "runtime/connections/secrets_key.h"
#include "runtime/store/store.h"

namespace wfc::cli {

inline void add_secrets_flags(CLI::App& command, std::string* file) {
  command.add_option(
      "--secrets-key", *file,
      "File holding the key that seals connections' secrets (64 hex digits); "
      "default: WFC_SECRETS_KEY (the key itself), else DATA/secrets-key (`wfc serve` "
      "makes it on a SQLite store). Every node sharing a database needs the same "
      "key: on PostgreSQL `wfc serve` requires one");
}

/// The key the flag, the environment or the data directory gives (made there when `create`);
/// null with *error saying where it was looked for.
inline std::shared_ptr<const connections::SecretsKey> secrets_key(
    const std::string& file, const std::filesystem::path& data_dir, bool create,
    std::string* error) {
  connections::KeySource source;
  source.file = file;
  source.env = std::getenv("WFC_SECRETS_KEY");
  source.data_dir = data_dir;
  source.create = create;
  auto key = connections::load_secrets_key(source, error);
  if (!key) return nullptr;
  return std::make_shared<const connections::SecretsKey>(std::move(*key));
}

/// The connections of `store` for a process that opens their secrets and never seals one (`wfc
/// worker`, `wfc run --store`): with the key of `file`, WFC_SECRETS_KEY, or `data_dir`/secrets-key
/// ("" for none), never made here, since a key made here would open nothing. A key that is not
/// the one the store's connections were sealed with is warned of on standard error, after `who`.
/// Without a key, *key_error says why, and tasks through a connection fail connection_unusable
/// saying so.
inline std::shared_ptr<connections::StoredConnections> opening_connections(
    store::Store& store, const std::string& file, const std::filesystem::path& data_dir,
    const std::string& who, std::string* key_error) {
  std::shared_ptr<const connections::SecretsKey> key;
  if (!file.empty() || std::getenv("WFC_SECRETS_KEY") || !data_dir.empty()) {
    key = secrets_key(file, data_dir, false, key_error);
  } else {
    *key_error =
        "no secrets key: give the key every node shares with --secrets-key FILE or "
        "WFC_SECRETS_KEY";
  }
  if (key) {
    if (std::string w = connections::other_key_warning(store, *key); !w.empty()) {
      std::cerr << who << ": warning: " << w << "\n";
    }
  }
  return std::make_shared<connections::StoredConnections>(store, key, *key_error);
}

}  // namespace wfc::cli
