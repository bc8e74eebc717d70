// The `files` table of SqliteStore (migration 4; docs/store.md): its row as a store::File, the
// upsert of a task event's output files, and the reads and writes of one file. Each call runs on
// the connection it is given, inside the caller's transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/store/sqlite_db.h"
#include "runtime/store/store.h"

namespace wfc::store::sqlite {

/// The columns file_row reads, in its order.
extern const char* const kFileColumns;

File file_row(const Statement& s);

/// Records the output File objects of a task event (`task`, its ids already the stored ones):
/// each one with an `id` and a `url` on its run's file route (…/files/<run id>/<path>, as
/// exec::annotate_outputs makes them). A file recorded before (the same path: a retried run) is
/// updated and exists again.
void record_files(Connection& c, const std::string& run_id, const nlohmann::json& task,
                  int64_t now);

std::optional<File> select_file(Connection& c, const std::string& id);

/// Sets deleted_at to `now` unless it is set; the file as it is now, nullopt for an unknown id.
std::optional<File> mark_file_deleted(Connection& c, const std::string& id, int64_t now);

}  // namespace wfc::store::sqlite
