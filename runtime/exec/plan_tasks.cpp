// A run's task list from its plan (see plan_tasks.h).
#include "runtime/exec/plan_tasks.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "runtime/model/ids.h"

namespace wfc::exec {

std::vector<TaskState> plan_tasks(const plan::Plan& plan) {
  plan.reindex();
  // Tasks, in the order they are written (their spans), so run.json reads like the workflow.
  struct Row {
    std::string task, target;
    Span span;
  };
  std::vector<Row> rows;
  for (const auto& [task, target] : plan.tasks) {
    Span span;
    if (const plan::Node* n = plan.node(target)) span = n->span;
    if (const plan::Gate* g = plan.gate(target)) span = g->span;
    rows.push_back({task, target, span});
  }
  for (const plan::Pruned& p : plan.pruned) {
    if (!plan.tasks.count(p.task)) rows.push_back({p.task, "", Span{}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::pair(a.span.line, a.span.column) < std::pair(b.span.line, b.span.column);
  });
  std::vector<TaskState> tasks;
  std::unordered_map<std::string, std::vector<size_t>> tasks_of;  // node/gate id → tasks
  for (const Row& row : rows) {
    TaskState t;
    t.id = model::new_id("task");
    t.node = row.task;
    if (const plan::Node* n = plan.node(row.target)) {
      t.kind = n->op;
      t.options = n->options.to_json();
    } else if (const plan::Gate* g = plan.gate(row.target)) {
      t.kind = "conditions";
      t.options = {{"when", g->when}};
    } else {
      t.kind = "unknown";
      t.status = model::Status::Cancelled;
      t.skipped = true;
      for (const plan::Pruned& p : plan.pruned) {
        if (p.task == row.task) t.skip_reason = p.reason;
      }
    }
    if (!row.target.empty()) tasks_of[row.target].push_back(tasks.size());
    tasks.push_back(std::move(t));
  }
  // Parents: the task whose output a task reads (the gate's task when it is gated).
  for (auto& [target, indexes] : tasks_of) {
    std::string parent_target;
    if (const plan::Node* n = plan.node(target)) {
      parent_target = !n->gate.empty() ? n->gate : n->input;
    } else if (const plan::Gate* g = plan.gate(target)) {
      parent_target = !g->parent.empty() ? g->parent : g->file;
    }
    // Planner nodes ($probe.…) pass their file on: the parent is what they read.
    while (!parent_target.empty() && !tasks_of.count(parent_target)) {
      const plan::Node* n = plan.node(parent_target);
      if (!n || n->input.empty()) break;
      parent_target = n->input;
    }
    auto it = tasks_of.find(parent_target);
    if (it == tasks_of.end()) continue;
    for (size_t i : indexes) tasks[i].parent = tasks[it->second.front()].id;
  }
  return tasks;
}

}  // namespace wfc::exec
