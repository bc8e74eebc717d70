// Executing one claimed run in this process: the body of a worker, whether that is a thread of
// the pool (worker_pool.h, without a worker program) or a worker process of its own
// (`wfc-runtime exec-run`, run_process.h). It makes the run's private workspace
// (DATA/runs/<run id>/), prepares its plan (a stored plan this wfc refuses fails the run
// `plan_invalid`), fetches its input under the access policy, runs the plan with the Scheduler on
// the given executor, and writes every scheduler event through store.apply_event. A RunStop lets
// another thread stop it: a cancel request (the run ends cancelled) or a lost lease (nothing more
// is written; another worker has the run). In a worker process, an error that ran out of file
// descriptors names the worker's open-file limit (RunContext::open_files_limit). With a storage
// (RunContext::storage) the outputs go through it (stored_outputs.h). `wfc run --store` records
// the run it executes itself with the same sink (recording_sink). External interface: TaskEnded,
// RunStop, RunContext, Recording, recording_sink, execute_claimed_run.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "runtime/connections/connection.h"
#include "runtime/exec/executor.h"
#include "runtime/exec/prepared_plan.h"
#include "runtime/exec/scheduler.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"
#include "runtime/storage/storage.h"
#include "runtime/store/store.h"

namespace wfc::exec {

/// A task ended (`status`: succeeded or failed) after `seconds` of work, e.g. for GET /metrics.
/// Called on scheduler threads.
using TaskEnded =
    std::function<void(std::string_view kind, std::string_view status, double seconds)>;

/// How another thread stops a run in progress. Thread-safe; the scheduler is cancelled at most
/// once, whenever it is attached.
class RunStop {
 public:
  void cancel();  // a cancel request: stop the work, the run ends cancelled
  void lose();    // the lease is lost: stop the work and write nothing more
  /// Lost, without touching the scheduler: for its event sink, which must not call back into it
  /// (scheduler.h). The next poll() cancels it.
  void mark_lost() { lost_ = true; }
  /// Cancels the scheduler if a stop was asked for; the keeper of the lease calls it often.
  void poll();
  bool cancelled() const { return cancel_; }
  bool lost() const { return lost_; }

  /// For execute_claimed_run: the scheduler to cancel while it runs (nullptr: none any more).
  void attach(Scheduler* scheduler);

 private:
  void stop_if_asked();  // under mu_

  std::mutex mu_;
  Scheduler* scheduler_ = nullptr;
  bool stopped_ = false;
  std::atomic<bool> cancel_{false}, lost_{false};
};

/// What executing a run needs besides the run itself.
struct RunContext {
  std::string worker_id;           // holds the run's lease
  std::filesystem::path data_dir;  // the workspace is DATA/runs/<run id>/
  unsigned scheduler_threads = 0;  // 0: one per core
  RetryPolicy retry;               // of tasks that fail transiently (scheduler.h)
  ingest::AccessPolicy access;     // what the input may be fetched from
  ingest::FetchLimits fetch_limits;
  std::chrono::milliseconds lease{30'000};  // renewed once after the fetch, to hear of a cancel
  std::string files_url;                    // "http://…/files/<run id>": output files' `url`
  TaskEnded task_ended;                     // may be empty
  /// Where an s3:// input's connection is found (the stored input names it as the URL's user,
  /// s3://conn_…@bucket/key); null: such a run fails `connection_not_found`.
  const connections::Connections* connections = nullptr;
  /// In a worker process (`wfc-runtime exec-run`), its open-file limit (RLIMIT_NOFILE, `wfc serve
  /// --worker-files`): an error that ran out of descriptors (EMFILE) is recorded as
  /// `limit_exceeded`, its message naming the limit and the flag. 0 elsewhere.
  uint64_t open_files_limit = 0;
  /// Where the outputs are kept (--storage; stored_outputs.h): each task's files are put there
  /// before its success is recorded, and a run's workspace is removed at its end unless the
  /// storage keeps the files in it (LocalStorage over DATA/runs). Null: the workspace is the
  /// storage, as with the default.
  std::shared_ptr<storage::Storage> storage;
};

/// Whose events a recording_sink writes, and how it shows their files.
struct Recording {
  std::string run_id;
  std::string worker_id;  // holds the run's lease
  std::string input_url;  // the run's stored input_url: what tasks that pass it through show
  std::string files_url;  // "http://…/files/<run id>": output files' `url`
  uint64_t open_files_limit = 0;  // RunContext::open_files_limit
  TaskEnded task_ended;           // may be empty
  std::string log_name = "wfc serve";
};

/// The scheduler's event sink of a run this process holds (a claimed run, or one `wfc run
/// --store` created held): each task and run object's files get their `url` and `id`, and the
/// event is written with store.apply_event, a terminal run event finishing the run. When the
/// store refuses it (the lease is lost) or fails (StoreError: logged; the lease lapses and the
/// run is tried again) nothing more is written and `stop` is marked lost: the next
/// RunStop::poll cancels the scheduler. `plan` is the plan the scheduler runs.
EventSink recording_sink(store::Store& store, std::shared_ptr<const PreparedPlan> plan,
                         Recording recording, RunStop& stop);

/// Executes `run` (as claimed: with its plan) to its end, writing its events; returns early,
/// writing nothing more, when the lease is lost. Store errors while recording stop the run
/// (the lease lapses and it is tried again).
void execute_claimed_run(store::Store& store, const store::Run& run, const RunContext& context,
                         PreparedPlans& plans, Executor& executor, RunStop& stop);

/// The tasks of a claimed run that an earlier attempt finished ({node, outputs, started_at,
/// finished_at} each), for a worker process: execute_claimed_run does not execute them again.
nlohmann::json succeeded_tasks_json(const store::Run& run);
/// Reads succeeded_tasks_json's answer back into `run.tasks` (as succeeded tasks).
void read_succeeded_tasks(const nlohmann::json& tasks, store::Run& run);

}  // namespace wfc::exec
