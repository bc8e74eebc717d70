// Workflows through the compiler for the runtime: a JSON document (an automation object, a run
// request or a single task, DESIGN.md "Accepted shapes") is checked by the same front end as
// `wfc validate` and planned by the same planner as `wfc run`, and the tasks a run of it starts
// with are the list the scheduler starts from (exec::plan_tasks). Problems come back as the
// compiler's diagnostics, located by JSON pointer into the document (the API hands in request
// bodies, whose fields the document keeps at the same places, and answers 422 with them).
// External interface: CompiledAutomation, compile_automation, run_tasks,
// CompiledAutomations.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/store/store.h"

namespace wfc::plan {
struct Plan;
}

namespace wfc::automation {

/// A workflow compiled for runs: its plan and the tasks each run of it is created with.
struct CompiledAutomation {
  bool ok = false;
  nlohmann::json plan;                // plan::to_json; null when !ok
  std::string plan_text;              // CompiledAutomations: the stored text `plan` was read from
  nlohmann::json diagnostics;         // [{code, severity, message, hint, pointer}], warnings too;
                                      // at most caps::kMaxDiagnostics, then one WF118 note
  size_t errors = 0;                  // error diagnostics, shown or not
  size_t truncated = 0;               // diagnostics the WF118 note stands for (0: none left out)
  std::vector<store::NewTask> tasks;  // in plan order
  bool reads_input = false;           // the plan reads the run's input ($input)
  std::string input_url;              // the url the document gives its input, "" if none
};

/// The tasks a run of `plan` is created with, in plan order (parents first): the scheduler's
/// (exec::plan_tasks), each naming its plan node and its parent's.
std::vector<store::NewTask> run_tasks(const plan::Plan& plan);

/// Compiles one document. Never throws on bad input.
CompiledAutomation compile_automation(const nlohmann::json& document);

/// The compiled form of stored plans (plan::from_json, then exec::plan_tasks), by automation: an
/// automation triggers many runs of one plan, so each is read once until its plan changes. Keyed
/// by the plan's stored JSON text (store::AutomationPlan): a trigger compares bytes, and parses
/// the text only when it changed. Thread-safe.
class CompiledAutomations {
 public:
  /// nullptr when the stored plan cannot be read (then *error says why).
  std::shared_ptr<const CompiledAutomation> get(const std::string& automation_id,
                                                const std::string& plan_text, std::string* error);

 private:
  struct Entry {
    std::string plan_text;
    std::shared_ptr<const CompiledAutomation> compiled;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // by automation id
};

}  // namespace wfc::automation
