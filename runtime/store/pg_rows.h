// PgStore's rows (see pg_store.h): the column lists, each row read back as a store struct, and
// the reads and writes its public calls share — a run with its tasks in one statement, a cursor
// page, an event row, a run made terminal, a task's output files. Each runs on the connection it
// is given, inside the caller's transaction when there is one.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/store/pg_conn.h"
#include "runtime/store/store.h"

namespace wfc::store::pg {

extern const char* const kRunColumns;
extern const char* const kTaskColumns;
extern const char* const kAutomationColumns;
extern const char* const kEventColumns;
extern const char* const kKeyColumns;
extern const char* const kFileColumns;
extern const char* const kConnectionColumns;
inline constexpr const char* kTerminal = "('succeeded', 'failed', 'cancelled')";
/// The channel of the queue's NOTIFYs.
inline constexpr const char* kQueueChannel = "wfc_queue";

/// `columns` with each name prefixed by `alias.` ("id, kind" → "r.id, r.kind").
std::string prefixed(const char* columns, const char* alias);

/// The number of columns of kRunColumns (where a joined task's columns start).
inline constexpr int kRunWidth = 19;

/// JSON as stored: invalid UTF-8 replaced by U+FFFD, as SqliteStore does.
std::string dump(const nlohmann::json& j);

// Rows: `col` is the first column of the struct's list in the result.
Run run_row(const Result& r, int row, int col, bool with_plan, bool with_json = true);
Task task_row(const Result& r, int row, int col, bool with_json = true);
Automation automation_row(const Result& r, int row);
Event event_row(const Result& r, int row);
ApiKey key_row(const Result& r, int row);
File file_row(const Result& r, int row);
Connection connection_row(const Result& r, int row);

/// The run and its tasks (plan order) from one statement, so from one snapshot. `lock`: FOR
/// UPDATE of the run's row (the caller holds a transaction).
std::optional<Run> load_run(Conn& c, const std::string& id, bool with_plan = false,
                            bool lock = false);
/// load_run with the JSON columns as the stored text (RunText).
std::optional<RunText> load_run_text(Conn& c, const std::string& id);

void insert_event(Conn& c, const std::string& kind, const std::string& run_id,
                  const nlohmann::json& data, const std::string& webhook_url, int64_t now);
/// Makes a run terminal: unfinished tasks cancelled, the lease released, a run.<status> event.
void terminate(Conn& c, const std::string& run_id, model::Status status,
               const nlohmann::json& error, int64_t now);
/// Renders run.created events' data, stored null (as SqliteStore does).
void fill_created_data(Conn& c, std::vector<Event>& events);
/// Upserts the output File objects of a task event (as sqlite::record_files).
void record_files(Conn& c, const std::string& run_id, const nlohmann::json& task, int64_t now);

/// A column filter of a list: `column = value`.
struct Filter {
  const char* column;
  std::string value;
};

/// One cursor page of `table` (ListQuery; the same walk as SqliteStore's). nullopt: unknown
/// cursor.
template <typename T>
std::optional<Page<T>> page(Conn& c, const char* table, const char* columns, const ListQuery& q,
                            const std::vector<Filter>& filters,
                            const std::function<T(const Result&, int)>& row) {
  int limit = std::clamp(q.limit, 1, 100);
  bool asc = q.order == Order::Asc;
  struct Bound {
    std::string created_at, seq;
    const char* op;
  };
  std::vector<Bound> bounds;
  auto cursor = [&](const std::string& id, bool after) -> bool {
    if (id.empty()) return true;
    Result r =
        c.run(fmt::format("SELECT created_at, seq FROM {} WHERE id = $1", table), Params().add(id));
    if (r.rows() == 0) return false;
    bounds.push_back({r.text(0, 0), r.text(0, 1), after == asc ? ">" : "<"});
    return true;
  };
  if (!cursor(q.after, true) || !cursor(q.before, false)) return std::nullopt;
  bool reverse = !q.before.empty() && q.after.empty();
  bool scan_asc = asc != reverse;
  std::string sql = fmt::format("SELECT {} FROM {} WHERE true", columns, table);
  Params p;
  int n = 1;
  for (const Filter& f : filters) {
    sql += fmt::format(" AND {} = ${}", f.column, n++);
    p.add(f.value);
  }
  for (const Bound& b : bounds) {
    sql += fmt::format(" AND (created_at, seq) {} (${}::bigint, ${}::bigint)", b.op, n, n + 1);
    n += 2;
    p.add(b.created_at).add(b.seq);
  }
  const char* dir = scan_asc ? "ASC" : "DESC";
  sql += fmt::format(" ORDER BY created_at {0}, seq {0} LIMIT ${1}", dir, n);
  p.add(limit + 1);
  Result r = c.run(sql, p);
  Page<T> out;
  for (int i = 0; i < r.rows(); ++i) out.items.push_back(row(r, i));
  if (static_cast<int>(out.items.size()) > limit) {
    out.has_more = true;
    out.items.pop_back();
  }
  if (reverse) std::reverse(out.items.begin(), out.items.end());
  return out;
}

}  // namespace wfc::store::pg
