// A run's task list from its plan: one TaskState per task the workflow wrote (plan.tasks, and
// those a pass pruned), in the order they are written, each with a new task_… id and its
// parent's id (the task whose output it reads, or the conditions task that gates it). The
// scheduler starts every run from this list; runtime/automation stores it with each new run
// before anything executes, so the API shows the same tasks from the start.
// External interface: plan_tasks.
#pragma once

#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/exec/run_state.h"

namespace wfc::exec {

/// The tasks of `plan` by their spans (so run.json reads like the workflow). Each has id, node
/// (the plan's task id), kind, options and parent set and is `waiting`, but a pruned task, which
/// is `cancelled` and skipped with the pass's reason; timestamps are left 0. Reindexes the plan's
/// lookups first (Plan::reindex).
std::vector<TaskState> plan_tasks(const plan::Plan& plan);

}  // namespace wfc::exec
