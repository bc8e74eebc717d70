// Moves WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the
// COMMIT that crosses 1,000 WAL pages and fsyncs the database there, which showed up as 10 ms
// p99 spikes in create_run (docs/benchmarks.md, "The store"). Instead the writer connection's
// WAL hook wakes this thread, which runs a PASSIVE checkpoint on its own connection: it copies
// what no reader still needs without blocking the writer or the readers.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/store/sqlite_db.h"

namespace wfc::store::sqlite {

class Checkpointer {
 public:
  /// Takes over checkpoints for `writer` (its automatic checkpoint is replaced by a hook that
  /// wakes this thread once the WAL holds `pages` pages); checkpoints through `own`.
  Checkpointer(Connection& writer, std::unique_ptr<Connection> own, int pages);
  /// Stops the thread after a last checkpoint.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void loop();

  Connection& writer_;
  std::unique_ptr<Connection> own_;
  int pages_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false, stop_ = false;
  std::thread thread_;
};

}  // namespace wfc::store::sqlite
