// Workflows through the compiler for the runtime (see compiled_automation.h).
#include "runtime/automation/compiled_automation.h"

#include <unordered_map>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/codes.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "compiler/util/caps.h"
#include "runtime/exec/plan_tasks.h"

namespace wfc::automation {

namespace {

using nlohmann::json;

/// The diagnostics as the API returns them: counted, then at most caps::kMaxDiagnostics and a
/// WF118 note for the rest.
json diagnostics_json(diag::Diagnostics& diags, CompiledAutomation* c) {
  c->errors = diags.count(diag::Severity::Error);
  c->truncated = diag::truncate(diags.items(), caps::kMaxDiagnostics);
  json out = json::array();
  for (const diag::Diagnostic& d : diags.items()) {
    out.push_back({{"code", diag::id(d.code)},
                   {"severity", diag::severity_name(d.severity)},
                   {"message", d.message},
                   {"hint", d.hint.empty() ? json(nullptr) : json(d.hint)},
                   {"pointer", d.pointer}});
  }
  return out;
}

void describe_input(const plan::Plan& plan, CompiledAutomation* c) {
  const plan::Node* input = plan.node(plan::kRunInput);
  c->reads_input = input != nullptr;
  if (input) c->input_url = input->options.text("url");
  if (!c->reads_input) {  // an explicit ingest (or import) at the top (POST /runs)
    for (const plan::Node& n : plan.nodes) {
      const catalog::KindSpec* kind = catalog::Catalog::builtin().kind(n.op);
      if (kind && kind->top_level_only && n.input.empty()) {
        c->input_url = n.options.text("url");
        break;
      }
    }
  }
}

}  // namespace

std::vector<store::NewTask> run_tasks(const plan::Plan& plan) {
  std::vector<exec::TaskState> tasks = exec::plan_tasks(plan);
  std::unordered_map<std::string, std::string> node_of;  // task_… → its plan task id
  for (const exec::TaskState& t : tasks) node_of[t.id] = t.node;
  std::vector<store::NewTask> out;
  for (const exec::TaskState& t : tasks) {
    store::NewTask n{t.node, t.kind, t.options, ""};
    if (!t.parent.empty()) n.parent_node = node_of[t.parent];
    out.push_back(std::move(n));
  }
  return out;
}

CompiledAutomation compile_automation(const json& document) {
  CompiledAutomation c;
  SourceFile source("request", document.dump(-1, ' ', false, json::error_handler_t::replace));
  FrontendResult front = compile_source(source, syntax::Syntax::Json);
  if (front.diagnostics.has_errors() || !front.document || front.partial) {
    c.diagnostics = diagnostics_json(front.diagnostics, &c);
    return c;
  }
  diag::Diagnostics plan_diags("request");
  plan::Plan plan = plan::make_plan(*front.document, {}, plan_diags);
  for (const auto& d : plan_diags.items()) front.diagnostics.add(d);
  c.diagnostics = diagnostics_json(front.diagnostics, &c);
  c.ok = true;
  c.plan = plan::to_json(plan, plan::JsonForm::Stored);
  c.tasks = run_tasks(plan);
  describe_input(plan, &c);
  return c;
}

std::shared_ptr<const CompiledAutomation> CompiledAutomations::get(const std::string& automation_id,
                                                                   const std::string& plan_text,
                                                                   std::string* error) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(automation_id);
    if (it != cache_.end() && it->second.plan_text == plan_text) return it->second.compiled;
  }
  json plan = json::parse(plan_text, nullptr, /*allow_exceptions=*/false);
  if (plan.is_discarded()) {
    *error = "the stored plan is not JSON";
    return nullptr;
  }
  plan::ReadPlan read = plan::from_json(plan);
  if (!read.plan) {
    *error = read.error;
    return nullptr;
  }
  auto c = std::make_shared<CompiledAutomation>();
  c->ok = true;
  c->plan = std::move(plan);
  c->plan_text = plan_text;
  c->tasks = run_tasks(*read.plan);
  describe_input(*read.plan, c.get());
  std::lock_guard lock(mu_);
  cache_[automation_id] = {plan_text, c};
  return c;
}

}  // namespace wfc::automation
