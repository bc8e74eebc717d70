// The durable store: automations, runs, tasks, output files, events and API keys, and the queue
// of runs that workers claim. `Store` is an interface so that PostgreSQL can sit behind the same
// calls for many workers; SqliteStore (sqlite_store.h) is the embedded default. docs/store.md
// holds the schema, the durability choice and the queue's semantics.
//
// Contracts every implementation keeps:
// - Every write is one transaction: when create_run returns, the run and all its tasks are
//   committed (the API's 201 means the run survives a crash of the process).
// - Lists are in a stable order, (created_at, seq) with seq a per-table monotonic sequence, so a
//   cursor walk (`after`/`before`) in either order sees every row exactly once.
// - The queue: claim_run hands the oldest queued run (or one whose lease expired because its
//   worker died) to one worker at a time and counts the attempt; after max_attempts a run that
//   keeps getting interrupted fails with a clear error instead of being claimed again.
// - Problems in what callers ask (an unknown id, an unknown cursor) are values (nullopt, false);
//   a broken database or disk throws StoreError.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/model/status.h"

namespace wfc::store {

/// The database or the disk failed (not a problem in the caller's input).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The database cannot be reached now (PostgreSQL restarting, the network down): a caller may try
/// again later. The API answers 503 with Retry-After; a worker backs off and keeps its work.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

struct Automation {
  std::string id;  // auto_…; given for git-deployed automations (stable), else generated
  std::string name, description;
  nlohmann::json workflow = nlohmann::json::array();  // as the user wrote it (JSON form)
  nlohmann::json plan = nullptr;                      // the compiled plan (plan::to_json)
  std::string status = "active";                      // active | paused
  std::string webhook_url;
  std::string source_path;  // the file it was deployed from; "" when created over the API
  int64_t created_at = 0, updated_at = 0;  // unix seconds
};

/// What triggering a run reads of an automation (POST /automations/{id}/run): its plan as the
/// stored JSON text, unparsed (the API keeps the compiled form by that text, so an unchanged
/// plan is neither parsed nor compared field by field), and no workflow.
struct AutomationPlan {
  std::string id;
  std::string status;  // active | paused
  std::string webhook_url;
  std::string plan_text;  // "" when stored without a plan
};

struct Task {
  std::string id;      // task_…
  std::string run_id;  // run_…
  std::string node;    // the plan's id of the task: what scheduler events are matched on
  std::string kind;
  model::Status status = model::Status::Queued;
  double progress = 0;
  nlohmann::json options = nlohmann::json::object();
  nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array();
  nlohmann::json error = nullptr;  // null, or {kind, message}
  std::string skip_reason;         // set when a condition skipped it (status cancelled, no error)
  nlohmann::json predicate = nullptr;  // how its predicate ran: {engine, planned, evaluations, …}
  std::string parent_id;               // task_… whose output it reads; "" at the top
  int64_t created_at = 0, started_at = 0, finished_at = 0, updated_at = 0;
};

struct Run {
  std::string id;  // run_…
  std::string automation_id;
  model::Status status = model::Status::Queued;
  double progress = 0;
  std::string input_url;
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json error = nullptr;  // null, or {kind, message}
  std::string created_by;          // key_… of the API key that created it
  /// The plan (plan::to_json) the run executes. Read only by claim_run, for the worker that runs
  /// it; null from get_run and lists, whose readers never show it (a plan is a run's largest
  /// field).
  nlohmann::json plan = nullptr;
  std::string idempotency_key;
  std::string webhook_url;
  int attempts = 0;            // how many times a worker claimed it
  std::string worker_id;       // the worker holding it, "" when none
  int64_t lease_until_ms = 0;  // the claim lapses after this (unix ms)
  bool cancel_requested = false;
  int64_t created_at = 0, started_at = 0, finished_at = 0, updated_at = 0;
  std::vector<Task> tasks;  // filled by get_run and claim_run (plan order); empty in lists
};

/// A run read for an answer rendered from its stored JSON text (wire_json.h, to_json_text):
/// `run` has every field but the JSON-valued ones of the run and its tasks, which stay at their
/// defaults and are here as the text stored (never parsed). GET /runs/{id} spent more on
/// parsing these columns and dumping them again than on anything else it controls.
struct RunText {
  struct TaskColumns {
    std::string options, inputs, outputs, error, predicate;  // JSON text; "null" for null
  };
  Run run;
  std::string metadata, error;     // JSON text; "null" for null
  std::vector<TaskColumns> tasks;  // one per run.tasks, in the same order
};

/// A change worth telling: GET /events lists them, webhooks deliver them.
struct Event {
  std::string id;    // evt_…
  std::string kind;  // run.succeeded, task.updated, …
  std::string run_id;
  nlohmann::json data;  // the run or task object
  int64_t created_at = 0;
  // Webhook delivery; webhook_url "" means there is nothing to deliver.
  std::string webhook_url;
  int attempts = 0;
  int64_t next_attempt_at = 0;  // unix seconds; 0 once delivered or when nothing to deliver
  int64_t delivered_at = 0;
};

struct ApiKey {
  std::string id;  // key_…
  std::string name;
  std::string hash;  // hex SHA-256 of the secret; the secret itself is never stored
  /// active | paused | retired (a configuration key not configured at the last start) |
  /// revoked (DELETE /keys/{id}; final).
  std::string status = "active";
  int64_t created_at = 0, updated_at = 0;
  /// Where it came from: config (--keys, --api-keys), dev (the development key) or api
  /// (POST /keys). Only config and dev keys are retired by retire_unconfigured_keys.
  std::string source = "config";
  std::string created_by;  // key_… that made it through the API; "" for config and dev keys
  std::string hint;        // "wfc_…" and the secret's last 4 characters; "" for short secrets
};

/// An output file of a task (GET /files), recorded when its task's outputs are (apply_event).
/// Deleting it removes the bytes and keeps this record, with `deleted_at` set.
struct File {
  std::string id;  // file_…: file_id(run_id, path), the id the task object shows
  std::string run_id, task_id;
  std::string kind;          // the File object's kind: video, audio, image, playlist, track, …
  std::string path;          // relative to the run's directory (DATA/runs/<run id>/)
  int64_t size = 0;          // bytes, as recorded (the File object's `filesize`)
  std::string type, format;  // content type (MIME) and format, as recorded ("" when absent)
  nlohmann::json data = nlohmann::json::object();  // the File object as the task recorded it
  int64_t created_at = 0;                          // unix seconds
  int64_t deleted_at = 0;                          // unix seconds; 0 while it exists
};

/// The id of the output file at `path` (relative to the run's directory) of run `run_id`:
/// derived, so the same file has the same id in every process and after every restart.
std::string file_id(const std::string& run_id, const std::string& path);

/// A connection to an outside service that tasks reach with it (POST /connections; `export` and
/// `ingest` name one by `connection_id`). Kind `s3`: `settings` holds bucket, region and endpoint;
/// the credentials are in `sealed_secret`, encrypted by the caller with a key kept outside the
/// database before they reach the store, which keeps them as opaque text and never reads them.
struct Connection {
  std::string id;  // conn_…; generated when empty
  std::string kind = "s3";
  std::string name;
  nlohmann::json settings = nlohmann::json::object();  // no secrets here
  std::string sealed_secret;                           // opaque to the store
  std::string created_by;                              // key_… that made it; "" from a file
  int64_t created_at = 0, updated_at = 0;              // unix seconds
};

enum class Order { Asc, Desc };

/// A cursor page request (DESIGN.md "Lists"). `after`/`before` are ids of the listed kind:
/// `after` returns the rows that follow it in `order`, `before` the rows that precede it (the
/// `limit` nearest ones, still in `order`). Filters that do not apply to a table are ignored.
struct ListQuery {
  std::string after, before;
  int limit = 20;  // clamped to 1–100 (the API rejects out-of-range values before asking)
  Order order = Order::Desc;
  std::optional<model::Status> status;  // runs, tasks
  std::string automation_status;        // automations: active | paused
  std::string kind;                     // tasks, events, files
  std::string run_id;                   // tasks, events, files
  std::string automation_id;            // runs
  std::string task_id;                  // files
};

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;  // more rows beyond this page in the direction of travel
};

/// One task of a new run, in plan order (parents before children).
struct NewTask {
  std::string node, kind;
  nlohmann::json options = nlohmann::json::object();
  std::string parent_node;  // "" at the top
};

struct NewRun {
  std::string automation_id;
  std::string input_url;
  nlohmann::json metadata = nlohmann::json::object();
  std::string created_by;
  /// The plan (plan::to_json) the run executes. Read only by claim_run, for the worker that runs
  /// it; null from get_run and lists, whose readers never show it (a plan is a run's largest
  /// field).
  nlohmann::json plan = nullptr;
  /// The same plan as JSON text, when the caller holds it as stored (a trigger: the text
  /// AutomationPlan::plan_text gave); then it is stored as is and `plan` is not read (a plan is
  /// a run's largest field: copying and dumping it cost more than the rest of a creation).
  std::string plan_text;
  std::string idempotency_key;  // "" for none; unique per created_by
  std::string webhook_url;
  std::vector<NewTask> tasks;
  /// Set: the run is created already claimed by `worker_id` for `lease` (status processing,
  /// attempts 1, started now), in the same transaction, so no other worker can claim it first:
  /// for a process that executes the run it creates (`wfc run --store`). It renews the lease as
  /// a worker does; when the lease lapses the run is claimable like any other.
  std::string worker_id;
  std::chrono::milliseconds lease{0};
};

struct CreatedRun {
  Run run;
  bool created = true;  // false: the idempotency key was used before and `run` is that run
};

/// How many runs and tasks are in each status now (GET /metrics; queued runs are the queue's
/// depth). Statuses with none are absent.
struct StatusCounts {
  std::vector<std::pair<model::Status, int64_t>> runs, tasks;
};

/// What a worker hears when it renews its lease.
enum class Lease {
  Held,             // go on
  CancelRequested,  // go on holding it, but stop the work: POST /runs/{id}/cancel came
  Lost,             // another worker has it now, or it is terminal: stop and write nothing
};

/// Delivery bookkeeping for webhooks.
struct DeliveryResult {
  bool delivered = false;
  int64_t next_attempt_at = 0;  // when not delivered: when to try again; 0 to give up
};

class Store {
 public:
  virtual ~Store() = default;

  // Automations.
  virtual Automation create_automation(Automation a) = 0;  // fills id (if empty), timestamps
  virtual std::optional<Automation> get_automation(const std::string& id) = 0;
  virtual std::optional<AutomationPlan> get_automation_plan(const std::string& id) = 0;
  virtual std::optional<Page<Automation>> list_automations(const ListQuery& q) = 0;
  virtual bool update_automation(const Automation& a) = 0;  // false: no such id
  virtual bool delete_automation(const std::string& id) = 0;

  // Runs and the queue.
  /// The run and its tasks (all queued) and its run.created event in one transaction; with an
  /// idempotency key already used by the same created_by, the earlier run instead (created =
  /// false, no new event). With NewRun::worker_id the run is created held by that worker.
  virtual CreatedRun create_run(const NewRun& r) = 0;
  virtual std::optional<Run> get_run(const std::string& id) = 0;  // with its tasks
  /// The same run with its JSON columns as stored text (RunText).
  virtual std::optional<RunText> get_run_text(const std::string& id) = 0;
  virtual std::optional<Page<Run>> list_runs(const ListQuery& q) = 0;
  /// Claims the oldest claimable run for `worker_id` for `lease`: status processing, attempts
  /// counted. Runs whose lease lapsed `max_attempts` times are failed on the way. nullopt: none.
  virtual std::optional<Run> claim_run(const std::string& worker_id,
                                       std::chrono::milliseconds lease) = 0;
  virtual Lease renew_lease(const std::string& run_id, const std::string& worker_id,
                            std::chrono::milliseconds lease) = 0;
  /// Lapses every lease `worker_id` holds, so its runs are claimable at once (their attempts
  /// stay counted). For a restarted server whose worker id is stable (docs/store.md, "Restart"):
  /// it need not wait out the leases of its previous life. Returns how many runs it let go.
  virtual int release_worker(const std::string& worker_id) = 0;
  /// Persists one scheduler event of a run the worker holds: the task (matched on its `node`) or
  /// the run changes and the event row is inserted, in one transaction. A terminal run event
  /// finishes the run (as finish_run). False when the worker no longer holds the run.
  virtual bool apply_event(const std::string& run_id, const std::string& worker_id,
                           const std::string& kind, const nlohmann::json& data) = 0;
  /// Makes a held run terminal (e.g. its input could not be fetched): unfinished tasks are
  /// cancelled, the lease is released, a run.<status> event is recorded. False when not held.
  virtual bool finish_run(const std::string& run_id, const std::string& worker_id,
                          model::Status status, const nlohmann::json& error) = 0;
  /// POST /runs/{id}/cancel: a queued run is cancelled at once; a processing one is flagged for
  /// its worker (renew_lease answers CancelRequested). nullopt: no such run.
  virtual std::optional<Run> cancel_run(const std::string& run_id) = 0;

  /// One pass over each status index; for monitoring, not for every request.
  virtual StatusCounts count_by_status() = 0;

  // Tasks.
  virtual std::optional<Task> get_task(const std::string& id) = 0;
  virtual std::optional<Page<Task>> list_tasks(const ListQuery& q) = 0;

  // Output files (recorded by apply_event from a task's `outputs`).
  virtual std::optional<File> get_file(const std::string& id) = 0;  // deleted ones too
  /// Filters run_id, task_id, kind; deleted files are listed (with their deleted_at).
  virtual std::optional<Page<File>> list_files(const ListQuery& q) = 0;
  /// Sets deleted_at (once; a second call keeps the first time). The file as it is now, or
  /// nullopt for an unknown id. The caller removes the bytes.
  virtual std::optional<File> mark_file_deleted(const std::string& id) = 0;

  // Events and webhooks.
  virtual std::optional<Page<Event>> list_events(const ListQuery& q) = 0;
  /// Events with a webhook to deliver whose next attempt is due at `now` (unix seconds), oldest
  /// first.
  virtual std::vector<Event> due_deliveries(int64_t now, int limit) = 0;
  virtual void record_delivery(const std::string& event_id, const DeliveryResult& r) = 0;

  // Connections (kind s3 and its sealed credentials; Connection).
  virtual Connection create_connection(Connection c) = 0;  // fills id (if empty), timestamps
  virtual std::optional<Connection> get_connection(const std::string& id) = 0;
  virtual std::optional<Page<Connection>> list_connections(
      const ListQuery& q) = 0;                              // by created_at
  virtual bool update_connection(const Connection& c) = 0;  // false: no such id
  virtual bool delete_connection(const std::string& id) = 0;

  /// Calls `queued` (on a thread of the store's) whenever a run may have become claimable through
  /// any process on the same database, until the store is destroyed: how a worker on another
  /// host hears of a run an API node queued without polling for it (PostgreSQL: LISTEN/NOTIFY).
  /// The default does nothing: workers of an embedded store hear through WorkerPool::wake and
  /// their poll.
  virtual void watch_queue(std::function<void()> queued) { (void)queued; }

  // API keys.
  /// Stores a key for `secret` (only its hash and a hint) with its `source` (config, dev, api)
  /// and, for API-made keys, the key that made it. With a secret already stored, that key,
  /// unchanged.
  virtual ApiKey add_api_key(const std::string& name, const std::string& secret,
                             const std::string& source, const std::string& created_by) = 0;
  ApiKey add_api_key(const std::string& name, const std::string& secret) {
    return add_api_key(name, secret, "config", "");
  }
  /// The key whose secret this is (any status; the caller checks `status`). An implementation
  /// may answer from a cache for a bounded time (SqliteStore: `key_cache_ms`, 500 ms) that its
  /// own key writes clear: a revocation is seen by this process's next call and by every other
  /// process on the same database within that time.
  virtual std::optional<ApiKey> find_api_key(const std::string& secret) = 0;
  virtual std::optional<ApiKey> get_api_key(const std::string& id) = 0;
  virtual std::vector<ApiKey> list_api_keys() = 0;  // every key, oldest first
  /// One cursor page of keys (GET /keys); nullopt for an unknown cursor.
  virtual std::optional<Page<ApiKey>> list_api_keys(const ListQuery& q) = 0;
  virtual bool set_api_key_status(const std::string& id, const std::string& status) = 0;
  /// Configuration is the truth at each start (`wfc serve`): among the keys that come from
  /// configuration (source config or dev), the ones `configured` (ids) that an earlier start
  /// retired become active again, and every other active one becomes "retired", its row (and
  /// the runs' `created_by` naming it) kept. Keys made through the API are never touched; paused
  /// and revoked keys stay so. The keys retired, oldest first.
  virtual std::vector<ApiKey> retire_unconfigured_keys(
      const std::vector<std::string>& configured) = 0;
};

/// The hex SHA-256 of an API key's secret, as stored.
std::string hash_secret(const std::string& secret);
/// A new random secret for an API key ("wfc_" and 40 characters of [0-9a-z]).
std::string new_secret();

}  // namespace wfc::store
