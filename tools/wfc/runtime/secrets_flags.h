// The secrets key of the commands that seal or open connections' secrets (`wfc serve` and its
// worker processes, `wfc-runtime exec-run`): `--secrets-key FILE`, a file holding the key as 64
// hex digits; without it WFC_SECRETS_KEY holds the key itself (so worker processes inherit it
// with the environment, never in argv); without either, DATA/secrets-key, made 0600 on first use
// (docs/security.md "Connection secrets"; runtime/connections/secrets_key.h).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "runtime/connections/secrets_key.h"

namespace wfc::cli {

inline void add_secrets_flags(CLI::App& command, std::string* file) {
  command.add_option("--secrets-key", *file,
                     "File holding the key that seals connections' secrets (64 hex digits); "
                     "default: WFC_SECRETS_KEY (the key itself), else DATA/secrets-key, made on "
                     "first use. Every node sharing a database needs the same key");
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
