// The `connections` table of SqliteStore (see sqlite_connections.h).
#include "runtime/store/sqlite_connections.h"

#include <fmt/format.h>

#include "runtime/model/ids.h"

namespace wfc::store::sqlite {

const char* const kConnectionColumns =
    "id, kind, name, settings, sealed_secret, created_by, created_at, updated_at";

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

store::Connection connection_row(const Statement& s) {
  store::Connection c;
  c.id = s.text(0);
  c.kind = s.text(1);
  c.name = s.text(2);
  // Only the store writes this column, as JSON text; anything else is a broken database.
  c.settings = nlohmann::json::parse(s.text(3), nullptr, /*allow_exceptions=*/false);
  if (c.settings.is_discarded()) throw StoreError("sqlite: a JSON column does not hold JSON");
  c.sealed_secret = s.text(4);
  c.created_by = s.text(5);
  c.created_at = s.integer(6);
  c.updated_at = s.integer(7);
  return c;
}

store::Connection insert_connection(Connection& db, store::Connection c, int64_t now) {
  if (c.id.empty()) c.id = model::new_id("conn");
  c.created_at = c.updated_at = now;
  static const std::string sql = fmt::format(
      "INSERT INTO connections ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", kConnectionColumns);
  Transaction tx(db, Transaction::Write);
  db.prepare(sql)
      ->bind(1, c.id)
      .bind(2, c.kind)
      .bind(3, c.name)
      .bind(4, dump(c.settings))
      .bind(5, c.sealed_secret)
      .bind(6, c.created_by)
      .bind(7, now)
      .bind(8, now)
      .run();
  tx.commit();
  return c;
}

std::optional<store::Connection> select_connection(Connection& db, const std::string& id) {
  static const std::string sql =
      fmt::format("SELECT {} FROM connections WHERE id = ?", kConnectionColumns);
  Query q = db.prepare(sql);
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return connection_row(*q);
}

bool update_connection(Connection& db, const store::Connection& c, int64_t now) {
  Transaction tx(db, Transaction::Write);
  db.prepare(
        "UPDATE connections SET name = ?, settings = ?, sealed_secret = ?, updated_at = ? "
        "WHERE id = ?")
      ->bind(1, c.name)
      .bind(2, dump(c.settings))
      .bind(3, c.sealed_secret)
      .bind(4, now)
      .bind(5, c.id)
      .run();
  bool found = db.changes() > 0;
  tx.commit();
  return found;
}

bool delete_connection(Connection& db, const std::string& id) {
  Transaction tx(db, Transaction::Write);
  db.prepare("DELETE FROM connections WHERE id = ?")->bind(1, id).run();
  bool found = db.changes() > 0;
  tx.commit();
  return found;
}

}  // namespace wfc::store::sqlite
