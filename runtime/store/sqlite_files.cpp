// The `files` table of SqliteStore (see sqlite_files.h).
#include "runtime/store/sqlite_files.h"

#include <fmt/format.h>

namespace wfc::store::sqlite {

const char* const kFileColumns =
    "id, run_id, task_id, kind, path, size, type, format, data, created_at, deleted_at";

namespace {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

File file_row(const Statement& s) {
  File f;
  f.id = s.text(0);
  f.run_id = s.text(1);
  f.task_id = s.text(2);
  f.kind = s.text(3);
  f.path = s.text(4);
  f.size = s.integer(5);
  f.type = s.text(6);
  f.format = s.text(7);
  // Only the store writes this column, as JSON text; anything else is a broken database.
  f.data = nlohmann::json::parse(s.text(8), nullptr, /*allow_exceptions=*/false);
  if (f.data.is_discarded()) throw StoreError("sqlite: a JSON column does not hold JSON");
  f.created_at = s.integer(9);
  f.deleted_at = s.integer(10);
  return f;
}

void record_files(Connection& c, const std::string& run_id, const nlohmann::json& task,
                  int64_t now) {
  auto outputs = task.find("outputs");
  if (outputs == task.end() || !outputs->is_array() || outputs->empty()) return;
  static const std::string sql = fmt::format(
      "INSERT INTO files ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO "
      "UPDATE SET task_id = excluded.task_id, kind = excluded.kind, size = excluded.size, "
      "type = excluded.type, format = excluded.format, data = excluded.data, deleted_at = 0",
      kFileColumns);
  const std::string route = "/files/" + run_id + "/";
  std::string task_id = text_of(task, "id");
  for (const nlohmann::json& f : *outputs) {
    if (!f.is_object()) continue;
    std::string id = text_of(f, "id"), url = text_of(f, "url");
    size_t at = url.find(route);
    if (id.empty() || at == std::string::npos) continue;
    auto size = f.find("filesize");
    c.prepare(sql)
        ->bind(1, id)
        .bind(2, run_id)
        .bind(3, task_id)
        .bind(4, text_of(f, "kind"))
        .bind(5, url.substr(at + route.size()))
        .bind(6, size != f.end() && size->is_number() ? size->get<int64_t>() : int64_t{0})
        .bind(7, text_of(f, "type"))
        .bind(8, text_of(f, "format"))
        .bind(9, f.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .bind(10, now)
        .run();
  }
}

std::optional<File> select_file(Connection& c, const std::string& id) {
  static const std::string sql = fmt::format("SELECT {} FROM files WHERE id = ?", kFileColumns);
  Query q = c.prepare(sql);
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return file_row(*q);
}

std::optional<File> mark_file_deleted(Connection& c, const std::string& id, int64_t now) {
  static const std::string sql = fmt::format(
      "UPDATE files SET deleted_at = CASE WHEN deleted_at = 0 THEN ? ELSE deleted_at END "
      "WHERE id = ? RETURNING {}",
      kFileColumns);
  Query q = c.prepare(sql);
  q->bind(1, now).bind(2, id);
  // SQLite makes the change at the first step; `id` is unique, so that step has the row.
  if (!q->step()) return std::nullopt;
  return file_row(*q);
}

}  // namespace wfc::store::sqlite
