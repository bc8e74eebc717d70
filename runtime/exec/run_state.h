// The run and its tasks as the API, the store and `run.json` report them (seeds/002_*,
// API-NOTES "Objects"): ids `run_…`/`task_…`, the seeds' statuses, progress 0–100, inputs and
// outputs as File objects, `error` as {kind, message}, unix-second timestamps. Each task also
// carries `node`, the plan's stable id of the task (`t0`, a ref, …), which maps it back to the
// workflow; a task a condition skipped is `cancelled` with `skipped: true` and no error
// (docs/runtime.md, "Statuses").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/exec/executor.h"
#include "runtime/model/status.h"

namespace wfc::exec {

struct TaskState {
  std::string id;    // task_…
  std::string node;  // the plan's task id
  std::string kind;
  std::string parent;  // task_… of the task whose output it reads; "" at the top
  model::Status status = model::Status::Waiting;
  double progress = 0;
  nlohmann::json options = nlohmann::json::object();
  std::vector<nlohmann::json> inputs, outputs;  // File objects
  std::optional<TaskError> error;
  bool skipped = false;
  std::string skip_reason;
  std::optional<PredicateRun> predicate;  // a gate's condition, or a node's frame predicate
  int64_t created_at = 0, started_at = 0, finished_at = 0, updated_at = 0;

  nlohmann::json to_json(const std::string& run_id) const;
};

struct RunState {
  std::string id;  // run_…
  model::Status status = model::Status::Waiting;
  double progress = 0;
  std::vector<TaskState> tasks;  // in plan order: parents before children
  nlohmann::json metadata = nlohmann::json::object();
  std::optional<TaskError> error;
  int64_t created_at = 0, started_at = 0, finished_at = 0, updated_at = 0;

  nlohmann::json to_json() const;  // the run object with its `tasks` array
};

int64_t unix_now();

}  // namespace wfc::exec
