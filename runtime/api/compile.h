// Workflows from request bodies through the compiler: the JSON document (an automation object,
// a run request or a single task, DESIGN.md "Accepted shapes") is checked by the same front end
// as `wfc validate` and planned by the same planner as `wfc run`, and a run's tasks are the
// task list the scheduler starts from (exec::plan_tasks). Invalid workflows come back as the
// compiler's diagnostics, located by JSON pointer into the document (so into the request body,
// whose fields the document keeps at the same places). External interface: compile_document,
// PlanTasks.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/api/request.h"
#include "runtime/store/store.h"

namespace wfc::api {

struct Compiled {
  bool ok = false;
  nlohmann::json plan;                // plan::to_json; null when !ok
  nlohmann::json diagnostics;         // [{code, severity, message, hint, pointer}], warnings too
  std::vector<store::NewTask> tasks;  // in plan order
  bool reads_input = false;           // the plan reads the run's input ($input)
  std::string input_url;              // the url the document gives its input, "" if none
};

/// Compiles one document. Never throws on bad input.
Compiled compile_document(const nlohmann::json& document);

/// The 422 of a document that did not compile.
ApiError invalid_workflow(const Compiled& c);

/// The tasks of a stored plan (plan::from_json, then exec::plan_tasks); an automation
/// triggers many runs of one plan, so the result is cached per plan text.
class PlanTasks {
 public:
  /// nullptr when the stored plan cannot be read (then *error says why).
  std::shared_ptr<const Compiled> get(const std::string& automation_id, const nlohmann::json& plan,
                                      std::string* error);

 private:
  struct Entry {
    nlohmann::json plan;
    std::shared_ptr<const Compiled> tasks;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // by automation id
};

}  // namespace wfc::api
