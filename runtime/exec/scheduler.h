// The scheduler: runs one prepared Plan for one input. It probes each file once, evaluates the
// gates on the file they test (each gate's predicate built once per plan, on the engine the plan
// chose: prepared_plan.h), hands ready nodes (a fused group's live members as one unit) to an
// Executor on a thread pool in the plan's order (longest path first), and keeps the seeds' task
// state machine: a node given a file its kind does not accept fails `input_invalid`; a failed
// node cancels what depends on it while its siblings go on (the run then ends failed), unless its
// failure is transient (storage_unavailable), which the retry policy tries again after a backoff;
// a gate that does not hold records its subtree as skipped; cancel() and per-task time limits stop
// work in flight. Every change is an Event for the store, the API and `wfc run`
// (docs/runtime.md). External interface: Scheduler.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/exec/executor.h"
#include "runtime/exec/prepared_plan.h"
#include "runtime/exec/run_state.h"

namespace wfc::exec {

/// A task that succeeded in an earlier attempt of the run (its worker died after recording it):
/// what the store recorded of it.
struct DoneTask {
  std::vector<nlohmann::json> outputs;  // its File objects, as recorded
  std::filesystem::path path;           // where the first is in the workspace ("" for none)
  int64_t started_at = 0, finished_at = 0;
};

/// Whether a task that failed with error kind `kind` may succeed if simply tried again later:
/// `storage_unavailable` (the bucket or the disk could not be reached, after the storage's own
/// quick retries). Everything else a task fails with says something about its input, its options
/// or this machine, which another attempt would not change.
bool is_transient_error(std::string_view kind);

/// How a node whose execution failed transiently is tried again (docs/runtime.md, "Retries"):
/// up to `max_attempts` executions in all, the n-th retry `delay * factor^(n-1)` after the
/// failure. Meanwhile its tasks stay `processing`, their `error` the failure and when the next
/// attempt comes; the last attempt's failure fails them as any other. max_attempts 1: no retry.
struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds delay{2'000};
  int factor = 4;
};

struct SchedulerOptions {
  unsigned threads = 0;                          // 0: one per core
  std::chrono::milliseconds task_time_limit{0};  // 0: none
  std::filesystem::path workspace;               // the run's directory
  std::string run_id;                            // "" → a new run_… id
  /// By the plan's task id: tasks already succeeded. A node whose tasks all are is not
  /// executed again and its tasks are not reported again; when its input is ready its recorded
  /// output feeds what reads it, as if just made (a pass-through kind passes its input on).
  std::map<std::string, DoneTask> done;
  /// By the plan's task id: the id the task is known by elsewhere (the store's task_…), so that
  /// the events and the run state name it as the API does. Absent: a new task_… id.
  std::map<std::string, std::string> task_ids;
  RetryPolicy retry;
};

/// Events reach the sink from worker threads, one flush at a time and in order; the sink must
/// not call back into the Scheduler.
/// `kind`: run.started, run.updated, run.succeeded, run.failed, run.cancelled, task.updated,
/// task.succeeded, task.failed, task.cancelled. `data`: the task or run object.
struct Event {
  std::string kind;
  nlohmann::json data;
};
using EventSink = std::function<void(const Event&)>;

class Scheduler {
 public:
  Scheduler(std::shared_ptr<const PreparedPlan> plan, Executor& executor, SchedulerOptions options,
            EventSink sink = {});
  /// Prepares `plan` for this run alone (its predicates on the engines the plan chose).
  Scheduler(const plan::Plan& plan, Executor& executor, SchedulerOptions options,
            EventSink sink = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Runs the plan on `input` (a local file; ingest has happened) and returns the terminal
  /// state. Blocks; call once.
  RunState run(FileRef input);
  /// Stops the run: queued tasks are cancelled, running ones are asked to stop. Thread-safe.
  void cancel();
  /// The current state (thread-safe; for progress displays and the API).
  RunState snapshot() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wfc::exec
