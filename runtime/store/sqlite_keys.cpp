// The `api_keys` table of SqliteStore (see sqlite_keys.h).
#include "runtime/store/sqlite_keys.h"

#include <fmt/format.h>

#include <set>

#include "runtime/model/ids.h"

namespace wfc::store::sqlite {

const char* const kKeyColumns =
    "id, name, hash, status, created_at, updated_at, source, created_by, hint";

namespace {

/// What lists show of a secret: its last 4 characters, only when it is long enough that they
/// leave it unguessable (wfc's own secrets are 44 characters; 4 of them are ~21 of ~206 bits).
std::string secret_hint(const std::string& secret) {
  if (secret.size() < 24) return "";
  return secret.substr(0, secret.starts_with("wfc_") ? 4 : 0) + "…" +
         secret.substr(secret.size() - 4);
}

}  // namespace

ApiKey key_row(const Statement& s) {
  ApiKey k;
  k.id = s.text(0);
  k.name = s.text(1);
  k.hash = s.text(2);
  k.status = s.text(3);
  k.created_at = s.integer(4);
  k.updated_at = s.integer(5);
  k.source = s.text(6);
  k.created_by = s.text(7);
  k.hint = s.text(8);
  return k;
}

ApiKey insert_key(Connection& db, const std::string& name, const std::string& secret,
                  const std::string& hash, const std::string& source, const std::string& created_by,
                  int64_t now) {
  if (std::optional<ApiKey> existing = select_key_by_hash(db, hash)) return *existing;
  ApiKey k;
  k.id = model::new_id("key");
  k.name = name;
  k.hash = hash;
  k.created_at = k.updated_at = now;
  k.source = source;
  k.created_by = created_by;
  k.hint = secret_hint(secret);
  db.prepare(
        fmt::format("INSERT INTO api_keys ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", kKeyColumns))
      ->bind(1, k.id)
      .bind(2, k.name)
      .bind(3, k.hash)
      .bind(4, k.status)
      .bind(5, now)
      .bind(6, now)
      .bind(7, k.source)
      .bind(8, k.created_by)
      .bind(9, k.hint)
      .run();
  return k;
}

std::optional<ApiKey> select_key_by_hash(Connection& db, const std::string& hash) {
  static const std::string sql = fmt::format("SELECT {} FROM api_keys WHERE hash = ?", kKeyColumns);
  Query q = db.prepare(sql);
  q->bind(1, hash);
  if (!q->step()) return std::nullopt;
  return key_row(*q);
}

std::optional<ApiKey> select_key(Connection& db, const std::string& id) {
  Query q = db.prepare(fmt::format("SELECT {} FROM api_keys WHERE id = ?", kKeyColumns));
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return key_row(*q);
}

std::vector<ApiKey> select_keys(Connection& db) {
  Query q = db.prepare(fmt::format("SELECT {} FROM api_keys ORDER BY seq", kKeyColumns));
  std::vector<ApiKey> out;
  while (q->step()) out.push_back(key_row(*q));
  return out;
}

bool update_key_status(Connection& db, const std::string& id, const std::string& status,
                       int64_t now) {
  db.prepare("UPDATE api_keys SET status = ?, updated_at = ? WHERE id = ?")
      ->bind(1, status)
      .bind(2, now)
      .bind(3, id)
      .run();
  return db.changes() > 0;
}

std::vector<ApiKey> retire_unconfigured_keys(Connection& db,
                                             const std::vector<std::string>& configured,
                                             int64_t now) {
  std::set<std::string> keep(configured.begin(), configured.end());
  std::vector<ApiKey> all;
  {
    // Keys made through the API are not configuration's to retire.
    Query q = db.prepare(fmt::format(
        "SELECT {} FROM api_keys WHERE source IN ('config', 'dev') ORDER BY seq", kKeyColumns));
    while (q->step()) all.push_back(key_row(*q));
  }
  std::vector<ApiKey> retired;
  for (auto& k : all) {
    std::string status = k.status;
    if (keep.count(k.id) && k.status == "retired") status = "active";
    if (!keep.count(k.id) && k.status == "active") status = "retired";
    if (status == k.status) continue;
    update_key_status(db, k.id, status, now);
    k.status = status;
    if (status == "retired") retired.push_back(k);
  }
  return retired;
}

}  // namespace wfc::store::sqlite
