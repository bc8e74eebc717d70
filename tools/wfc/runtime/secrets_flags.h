// The secrets key of the commands that seal or open connections' secrets (`wfc serve` and its
// worker processes, `wfc-runtime exec-run`): `--secrets-key FILE`, a file holding the key as 64
// hex digits; without it WFC_SECRETS_KEY holds the key itself (so worker processes inherit it
// with the environment, never in argv); without either, DATA/secrets-key, made 0600 on first use
// by `wfc serve` on a SQLite store (docs/security.md "Connection secrets";
// runtime/connections/secrets_key.h). On a PostgreSQL store, shared by many nodes, `wfc serve`
// makes none (secrets_key_given): one made there would be that node's alone.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "runtime/connections/secrets_key.h"

namespace wfc::cli {

inline void add_secrets_flags(CLI::App& command, std::string* file) {
  command.add_option(
      "--secrets-key", *file,
      "File holding the key that seals connections' secrets (64 hex digits); "
      "default: WFC_SECRETS_KEY (the key itself), else DATA/secrets-key (`wfc serve` "
      "makes it on a SQLite store). Every node sharing a database needs the same "
      "key: on PostgreSQL `wfc serve` requires one");
}

/// Whether a key is given without making one: `file` (--secrets-key), WFC_SECRETS_KEY, or an
/// existing DATA/secrets-key. Whether it is usable is secrets_key()'s to say.
inline bool secrets_key_given(const std::string& file, const std::filesystem::path& data_dir) {
  const char* env = std::getenv("WFC_SECRETS_KEY");
  std::error_code ec;
  return !file.empty() || (env && *env) || std::filesystem::exists(data_dir / "secrets-key", ec);
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

}  // namespace wfc::cli
