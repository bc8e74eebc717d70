// The worker pool: the threads that execute queued runs (docs/api.md "Workers"). Each of
// WorkerPoolOptions::workers threads claims a run from the store with a lease and has it executed
// (run_execution.h: the input fetched under the access policy into DATA/runs/<run id>/, the stored
// plan run with the Scheduler and the MediaExecutor, every scheduler event written through
// store.apply_event). With a worker program (run_process.h; `wfc serve` always gives one) the run
// executes in a child process with limits, and the thread keeps the lease, relays a cancel
// (SIGTERM, then SIGKILL after a grace period) and waits: a child that crashes, aborts or reaches
// a limit fails its run with `worker_crashed` or `limit_exceeded`, once and for all (a poison
// input is not retried), and the server and its other runs go on. Without one the run executes
// in the thread itself. Plans are prepared once per automation (prepared_plan.h) in the thread
// mode. The thread renews the lease: a cancel request cancels the run; a lost lease stops the run
// and nothing more is written (another worker has it). Each process holds a worker id of its own,
// stable per slot of its data directory (DATA/worker_id, worker_id.1, …, each held under an
// flock while the process lives), so a restarted process takes back the slot of its previous life
// and releases that life's leases at once, and two live processes on one data directory never
// share an id. drain() stops claiming and lets the runs held finish (`wfc worker` on SIGTERM).
// `wfc serve` runs one beside the HTTP API (tools/wfc/runtime/cmd_serve.cpp), which wakes it when
// it queues a run; `wfc worker` runs one alone (cmd_worker.cpp), woken through
// Store::watch_queue. External interface: WorkerPoolOptions, WorkerPool.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/connections/connection.h"
#include "runtime/exec/prepared_plan.h"
#include "runtime/exec/run_execution.h"
#include "runtime/exec/run_process.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"
#include "runtime/media/limits.h"
#include "runtime/storage/storage.h"
#include "runtime/store/store.h"

namespace wfc::exec {

struct WorkerPoolOptions {
  /// Runs' workspaces (DATA/runs/<run id>/: the fetched input, the outputs) and the worker id.
  std::filesystem::path data_dir = "wfc-data";
  /// Runs executed at once. One by default: on 2 cores a media run already uses both (the
  /// scheduler runs one thread per core and a fused pass decodes once); 0 executes nothing
  /// (an API-only node: runs are accepted and queued for another process to work).
  int workers = 1;
  unsigned scheduler_threads = 0;  // per run; 0: one per core
  RetryPolicy retry;               // of tasks that fail transiently (scheduler.h)
  ingest::AccessPolicy access;     // what inputs may be fetched from (--allow-hosts, …)
  ingest::FetchLimits fetch_limits;
  media::Limits media_limits;               // what each media pass may do (--media-limit)
  std::chrono::milliseconds lease{30'000};  // a worker's claim on a run
  /// How often a worker renews its lease, which is also how soon it hears of a cancel request.
  std::chrono::milliseconds renew{2'000};
  std::chrono::milliseconds poll{500};  // how often idle workers look for lapsed leases
  PredicateEngines predicates = PredicateEngines::Auto;  // the plan's engines, or all VM / JIT
  /// The intelligence engines (runtime/ai/config.h: --ai-config and WFC_AI_*), shared by every
  /// run; null: the intelligence kinds fail.
  std::shared_ptr<const ai::Engines> ai;
  /// Where `export` and `ingest` find their `connection_id` (connections::StoredConnections on
  /// the store and the secrets key), for runs executed in the pool's threads; worker processes
  /// open their own (`wfc-runtime exec-run`). Null: such tasks fail `connection_not_found`.
  std::shared_ptr<const connections::Connections> connections;
  /// Each run in a worker process of its own, with limits (run_process.h); no program: in the
  /// pool's threads.
  WorkerProgram process;
  std::string log_name = "wfc serve";  // how its notes on standard error begin
  /// Where outputs are kept (--storage; run_execution.h). Null: the workspace under data_dir.
  std::shared_ptr<storage::Storage> storage;
};

class WorkerPool {
 public:
  /// `files_url(run_id)`: the URL prefix of a run's files ("http://…/files/run_…"), which output
  /// File objects get their `url` from.
  using FilesUrl = std::function<std::string(const std::string& run_id)>;
  /// A task this pool executed ended (`status`: succeeded or failed) after `seconds` of work,
  /// e.g. for GET /metrics. Called on scheduler threads, or the pool's for worker processes.
  using TaskEnded = exec::TaskEnded;

  WorkerPool(store::Store& store, WorkerPoolOptions options, FilesUrl files_url,
             TaskEnded task_ended = {});
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Takes a worker id slot of the data directory, releases the leases of that slot's previous
  /// process, then starts the threads.
  void start();
  /// Stops the threads. Runs in progress are abandoned unwritten and their leases released, so
  /// the next start (or another process) takes them again at once.
  void stop();
  /// Claims nothing more; the runs held go on to their end (drained() then holds). stop() after
  /// it abandons what is still held.
  void drain();
  /// After drain(): every thread has finished its run and ended.
  bool drained() const { return running_ == 0; }
  /// Runs being executed now.
  int busy() const { return busy_; }
  /// A run was queued: an idle worker claims it now rather than at its next poll.
  void wake();

  /// The base of this pool's worker ids (its threads are BASE.0, BASE.1, …), once started.
  const std::string& worker_id() const { return base_id_; }

  /// The plans prepared so far, and reused by later runs of the same automation.
  const PreparedPlans& plans() const { return plans_; }

 private:
  void loop(const std::string& worker_id);
  void execute(const store::Run& run, const std::string& worker_id);
  void execute_in_process(const store::Run& run, const std::string& worker_id);
  /// After a worker process died without finishing `run`: its unfinished tasks and the run
  /// failed with `error` (kind and what happened), each task's message naming it.
  void record_exit(const store::Run& run, const std::string& worker_id, const ExitError& error);

  store::Store& store_;
  const WorkerPoolOptions options_;
  FilesUrl files_url_;
  TaskEnded task_ended_;
  PreparedPlans plans_;  // by automation id
  std::string base_id_;
  int slot_lock_ = -1;  // the flock on this process's worker id slot
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false}, draining_{false};
  std::atomic<int> running_{0}, busy_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;
  // What the store's watch_queue callback reaches: this pool while it lives (the store may
  // outlive it).
  struct Waker {
    std::mutex mu;
    WorkerPool* pool = nullptr;
  };
  std::shared_ptr<Waker> waker_ = std::make_shared<Waker>();
  bool watching_ = false;
};

}  // namespace wfc::exec
