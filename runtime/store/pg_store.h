// The Store on PostgreSQL (docs/store.md, "PostgreSQL"), for many API nodes and workers on one
// database: a pool of libpq connections (pg_conn.h) with every statement prepared once per
// connection, one transaction per write, claims with FOR UPDATE SKIP LOCKED, and LISTEN/NOTIFY
// to wake the workers of every process when a run becomes claimable. The contracts are
// store.h's, the same as SqliteStore's; the time is the caller's clock (Options::clock_ms),
// never the database's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "runtime/store/pg_conn.h"
#include "runtime/store/store.h"

namespace wfc::store {

class PgStore final : public Store {
 public:
  struct Options {
    /// postgres://user:password@host:port/db?pool=8&… (libpq's URI form; `pool` is wfc's own
    /// parameter and is taken out before the URL reaches libpq).
    std::string url;
    int max_attempts = 3;  // claims of one run before an interrupted run fails
    /// As SqliteStore::Options::key_cache_ms: how long find_api_key may answer from memory.
    int key_cache_ms = 500;
    /// Unix milliseconds; tests pass a fake clock to expire leases without sleeping.
    std::function<int64_t()> clock_ms;
  };

  /// Connects, and applies pending migrations under the advisory lock. Throws StoreUnavailable
  /// when the server cannot be reached, StoreError otherwise.
  explicit PgStore(Options options);
  ~PgStore() override;

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

  std::optional<Page<Event>> list_events(const ListQuery& q) override;
  std::vector<Event> due_deliveries(int64_t now, int limit) override;
  void record_delivery(const std::string& event_id, const DeliveryResult& r) override;

  Connection create_connection(Connection c) override;
  std::optional<Connection> get_connection(const std::string& id) override;
  std::optional<Page<Connection>> list_connections(const ListQuery& q) override;
  bool update_connection(const Connection& c) override;
  bool delete_connection(const std::string& id) override;

  /// LISTEN on a connection of its own, on a thread that reconnects with a backoff; `queued` is
  /// called for every NOTIFY (sent once create_run or release_worker committed; a lease that
  /// lapses sends none, the workers' poll finds it) and once after each (re)connect, for what
  /// was queued while nobody listened.
  void watch_queue(std::function<void()> queued) override;

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
  /// Runs `f(connection)` on a pooled connection; `f` opens its own transaction if it needs one
  /// (a single statement is its own).
  template <typename F>
  auto with(F&& f) {
    auto c = pool_->acquire();
    return f(*c);
  }
  int64_t now_ms() const;
  void forget_keys();
  void listen_loop();
  /// Asks the notifier thread for a NOTIFY on the queue's channel (a run became claimable; the
  /// caller's write has committed). NOTIFY takes a database-wide lock from its transaction's
  /// commit until the commit is flushed, so one inside every create_run serialised the
  /// creations' commits (measured: ~170 creations/s at any concurrency). The notifier sends one
  /// for every burst of requests, in a transaction of its own that does not wait for the flush.
  void notify_queue();
  void notify_loop();

  Options options_;
  std::unique_ptr<pg::Pool> pool_;

  struct CachedKey {
    ApiKey key;
    int64_t read_at_ms;
  };
  std::mutex key_cache_mutex_;
  std::unordered_map<std::string, CachedKey> key_cache_;

  std::mutex watch_mutex_;
  std::vector<std::function<void()>> watchers_;
  std::atomic<bool> stopping_{false};
  int stop_pipe_[2] = {-1, -1};  // wakes the listener's poll at destruction
  std::thread listener_;

  std::mutex notify_mutex_;
  std::condition_variable notify_cv_;
  bool notify_pending_ = false;
  std::thread notifier_;  // started with the store
};

}  // namespace wfc::store
