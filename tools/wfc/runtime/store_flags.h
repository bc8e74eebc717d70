// The store flags of every command that opens the store (`wfc serve`, `wfc worker`, `wfc run`
// and the worker processes `wfc-runtime exec-run`), wired identically: --store URL (env
// WFC_STORE), a SQLite path or `postgres://…` (runtime/store/open_store.h), and --db PATH (env
// WFC_DB), the older name of `--store PATH`. Neither: DATA/wfc.db (for `wfc run`: no store). A
// store URL may hold a password: it is passed to child processes through their environment
// (WFC_STORE), never their argv, and shown only through store::redact_store_url.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "runtime/store/open_store.h"

namespace wfc::cli {

struct StoreFlags {
  std::string store;  // --store / WFC_STORE
  std::string db;     // --db / WFC_DB
};

/// What a command uses when neither --store nor --db is given.
enum class StoreDefault {
  DataDir,  // DATA/wfc.db (`wfc serve`, `wfc worker`)
  None,     // no store at all (`wfc run`: the run is recorded nowhere)
};

/// Adds --store and --db to `command`, storing them in *flags.
inline void add_store_flags(CLI::App& command, StoreFlags* flags,
                            StoreDefault none = StoreDefault::DataDir) {
  command
      .add_option("--store", flags->store,
                  std::string("The store: a SQLite database path (default: ") +
                      (none == StoreDefault::DataDir ? "DATA/wfc.db" : "none") +
                      ") or postgres://USER:PASSWORD@HOST/DB (docs/deploy.md)")
      ->envname("WFC_STORE");
  command.add_option("--db", flags->db, "The SQLite database: the same as --store PATH")
      ->envname("WFC_DB");
}

/// The store URL the flags name: --store, else --db (absolute), else DATA/wfc.db (a command
/// whose default is StoreDefault::None checks for neither first). False with *error when both
/// name different stores.
inline bool resolve_store_url(const StoreFlags& flags, const std::filesystem::path& data_dir,
                              std::string* url, std::string* error) {
  namespace fs = std::filesystem;
  auto sqlite_path = [](const std::string& text) {
    std::string path = text.rfind("sqlite:", 0) == 0 ? text.substr(7) : text;
    return fs::absolute(path).string();
  };
  std::string db = flags.db.empty() ? "" : sqlite_path(flags.db);
  if (!flags.store.empty()) {
    *url = store::is_postgres_url(flags.store) ? flags.store : sqlite_path(flags.store);
    if (!db.empty() && db != *url) {
      *error = "--store " + store::redact_store_url(flags.store) + " and --db " + flags.db +
               " name different stores: give one (--db PATH is the same as --store PATH)";
      return false;
    }
    return true;
  }
  *url = db.empty() ? (fs::absolute(data_dir) / "wfc.db").string() : db;
  return true;
}

}  // namespace wfc::cli
