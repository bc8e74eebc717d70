// The embedded Store: one SQLite database file in WAL mode. Writes go through one writer
// connection under a mutex (SQLite allows one writer at a time anyway; queueing in-process is
// cheaper than SQLITE_BUSY retries), reads through a pool of reader connections that WAL lets
// run beside the writer. Every statement is prepared once per connection. docs/store.md gives
// the schema, why `synchronous=NORMAL` is the default, and the measured figures.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/store/store.h"

namespace wfc::store {

namespace sqlite {
class Checkpointer;
class Connection;
}  // namespace sqlite

class SqliteStore final : public Store {
 public:
  struct Options {
    std::filesystem::path path;
    /// NORMAL: a commit survives the death of the process (kill -9), not a power cut; FULL adds
    /// an fsync per commit for the latter. docs/store.md, "Durability".
    std::string synchronous = "NORMAL";
    int busy_timeout_ms = 5000;   // other processes on the same file (wfc deploy, a second server)
    int max_attempts = 3;         // claims of one run before an interrupted run fails
    int checkpoint_pages = 1000;  // WAL pages that wake the background checkpointer
    /// How long find_api_key may answer from memory (see key_cache_): a key's status changed
    /// by another process on the same file (another node, the `wfc` CLI) is seen within this
    /// time; one changed through this store at once (a lookup racing with the change may keep
    /// the old answer, again for at most this time). 0 turns the cache off.
    int key_cache_ms = 500;
    /// Unix milliseconds; tests pass a fake clock to expire leases without sleeping.
    std::function<int64_t()> clock_ms;
  };

  /// Opens or creates the database (a new file is made mode 0600; SQLite gives its -wal and -shm
  /// files the database's mode) and applies pending migrations. Throws StoreError.
  explicit SqliteStore(Options options);
  ~SqliteStore() override;

  int schema_version();

  Automation create_automation(Automation a) override;
  std::optional<Automation> get_automation(const std::string& id) override;
  std::optional<AutomationPlan> get_automation_plan(const std::string& id) override;
  std::optional<Page<Automation>> list_automations(const ListQuery& q) override;
  bool update_automation(const Automation& a) override;
  bool delete_automation(const std::string& id) override;

  CreatedRun create_run(const NewRun& r) override;
  std::optional<Run> get_run(const std::string& id) override;
  std::optional<RunText> get_run_text(const std::string& id) override;
  std::optional<Page<Run>> list_runs(const ListQuery& q) override;
  std::optional<Run> claim_run(const std::string& worker_id,
                               std::chrono::milliseconds lease) override;
  Lease renew_lease(const std::string& run_id, const std::string& worker_id,
                    std::chrono::milliseconds lease) override;
  int release_worker(const std::string& worker_id) override;
  bool apply_event(const std::string& run_id, const std::string& worker_id, const std::string& kind,
                   const nlohmann::json& data) override;
  bool finish_run(const std::string& run_id, const std::string& worker_id, model::Status status,
                  const nlohmann::json& error) override;
  std::optional<Run> cancel_run(const std::string& run_id) override;
  StatusCounts count_by_status() override;

  std::optional<Task> get_task(const std::string& id) override;
  std::optional<Page<Task>> list_tasks(const ListQuery& q) override;

  std::optional<File> get_file(const std::string& id) override;
  std::optional<Page<File>> list_files(const ListQuery& q) override;
  std::optional<File> mark_file_deleted(const std::string& id) override;

  Connection create_connection(Connection c) override;
  std::optional<Connection> get_connection(const std::string& id) override;
  std::optional<Page<Connection>> list_connections(const ListQuery& q) override;
  bool update_connection(const Connection& c) override;
  bool delete_connection(const std::string& id) override;

  std::optional<Page<Event>> list_events(const ListQuery& q) override;
  std::vector<Event> due_deliveries(int64_t now, int limit) override;
  void record_delivery(const std::string& event_id, const DeliveryResult& r) override;

  using Store::add_api_key;
  ApiKey add_api_key(const std::string& name, const std::string& secret, const std::string& source,
                     const std::string& created_by) override;
  std::optional<ApiKey> find_api_key(const std::string& secret) override;
  std::optional<ApiKey> get_api_key(const std::string& id) override;
  std::vector<ApiKey> list_api_keys() override;
  std::optional<Page<ApiKey>> list_api_keys(const ListQuery& q) override;
  bool set_api_key_status(const std::string& id, const std::string& status) override;
  std::vector<ApiKey> retire_unconfigured_keys(const std::vector<std::string>& configured) override;

 private:
  std::unique_ptr<sqlite::Connection> open_connection() const;
  /// Runs `f(connection)` in a read transaction on a pooled reader connection.
  template <typename F>
  auto read(F&& f);
  /// Runs `f(connection)` on the writer connection, holding the writer mutex; `f` opens its own
  /// write transaction.
  template <typename F>
  auto write(F&& f);
  int64_t now_ms() const;

  struct PendingCreate;

  Options options_;
  // create_run's group commit.
  std::mutex batch_mutex_;
  std::condition_variable batch_done_;
  std::vector<PendingCreate*> batch_;  // waiting for the next commit
  bool committing_ = false;
  std::mutex writer_mutex_;
  std::unique_ptr<sqlite::Connection> writer_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;  // declared after writer_: goes first
  // find_api_key's answers by secret hash, each with the time it was read (options_.clock_ms):
  // every authenticated request looks its key up, and the read transaction cost as much as the
  // rest of a GET /runs/{id}. Only found keys are kept (an unknown secret is read each time, and
  // cannot grow the map); every write to api_keys here clears it.
  struct CachedKey {
    ApiKey key;
    int64_t read_at_ms;
  };
  std::mutex key_cache_mutex_;
  std::unordered_map<std::string, CachedKey> key_cache_;
  void forget_keys();
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> readers_;  // idle ones
};

}  // namespace wfc::store
