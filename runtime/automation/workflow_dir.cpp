// Automations from a directory of workflow files (workflow_dir.h).
#include "runtime/automation/workflow_dir.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "compiler/diag/render.h"
#include "compiler/emit/emit.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "runtime/model/ids.h"
#include "runtime/net/http_client.h"

namespace wfc::automation {
namespace {

namespace fs = std::filesystem;

std::string render(const std::vector<diag::Diagnostic>& items, const SourceFile* source) {
  std::ostringstream out;
  diag::render_human(out, items, source, diag::RenderOptions{});
  return out.str();
}

/// Files below `dir` whose extension names a syntax, as paths relative to it, sorted.
std::vector<std::string> workflow_files(const fs::path& dir, std::string* error) {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = "'" + dir.string() + "' is not a directory";
    return found;
  }
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    if (entry.is_directory(ec)) {
      // .git and the like hold no workflows of the tree.
      if (!name.empty() && name[0] == '.') it.disable_recursion_pending();
      continue;
    }
    if (!name.empty() && name[0] == '.') continue;
    if (!syntax::syntax_for_path(name) || !entry.is_regular_file(ec)) continue;
    found.push_back(entry.path().lexically_relative(dir).generic_string());
  }
  if (ec) *error = "cannot read directory '" + dir.string() + "': " + ec.message();
  std::sort(found.begin(), found.end());
  return found;
}

/// One file as an automation, or its rendered problems.
std::optional<store::Automation> read_one(const fs::path& dir, const std::string& relative,
                                          std::string* problems) {
  fs::path full = dir / relative;
  diag::Diagnostics load_diags(full.string());
  auto source = load_source(full.string(), load_diags);
  if (!source) {
    *problems = render(load_diags.items(), nullptr);
    return std::nullopt;
  }
  auto compiled = compile_source(*source, *syntax::syntax_for_path(relative));
  if (compiled.diagnostics.has_errors() || !compiled.document || compiled.partial) {
    *problems = render(compiled.diagnostics.items(), &*source);
    return std::nullopt;
  }
  const ast::Document& doc = *compiled.document;

  // The workflow in its JSON form, as POST /automations takes it: whatever the document's
  // shape, its tasks as a bare workflow array.
  ast::Document tasks_only = doc;
  tasks_only.kind = ast::DocumentKind::Workflow;
  Value value = emit::canonical_value(tasks_only);
  std::string where;
  if (!emit::json_representable(value, &where)) {
    *problems = full.string() + ": error: the value at " + where +
                " cannot be written in JSON (NaN or infinity), so it cannot be an automation\n";
    return std::nullopt;
  }

  store::Automation a;
  a.id = automation_id_for(doc.id ? doc.id->value : "", relative);
  a.name =
      doc.name && !doc.name->value.empty() ? doc.name->value : fs::path(relative).stem().string();
  if (doc.description) a.description = doc.description->value;
  if (doc.status && !doc.status->value.empty()) a.status = doc.status->value;
  if (doc.webhook_url) a.webhook_url = doc.webhook_url->value;
  // What the compiler's WF115 lets through (a URL without a host), refused as the API does.
  if (!a.webhook_url.empty()) {
    if (std::string why = net::web_url_problem(a.webhook_url); !why.empty()) {
      *problems = full.string() +
                  ": error: 'webhook_url' must be an absolute http or https URL, got '" +
                  net::redact_url(a.webhook_url) + "': " + why + "\n";
      return std::nullopt;
    }
  }
  a.source_path = relative;
  a.workflow = nlohmann::json::parse(emit::emit_json(value));

  plan::PlanOptions options;  // the same defaults as `wfc run` and the API
  diag::Diagnostics plan_diags(full.string());
  a.plan = plan::to_json(plan::make_plan(doc, options, plan_diags), plan::JsonForm::Stored);
  return a;
}

bool by_source(const store::Automation& a, const store::Automation& b) {
  return std::tie(a.source_path, a.id) < std::tie(b.source_path, b.id);
}

}  // namespace

std::string derived_automation_id(std::string_view seed) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), digest);
  std::string id = "auto_";
  for (int i = 0; i < 16; ++i) id += kAlphabet[digest[i] % 36];
  return id;
}

std::string automation_id_for(std::string_view declared_id, std::string_view relative_path) {
  if (!declared_id.empty()) {
    if (model::is_id(declared_id, "auto")) return std::string(declared_id);
    return derived_automation_id("id:" + std::string(declared_id));
  }
  return derived_automation_id("path:" + std::string(relative_path));
}

DesiredAutomations read_workflow_dir(const fs::path& dir) {
  DesiredAutomations out;
  std::vector<std::string> files = workflow_files(dir, &out.error);
  if (!out.error.empty()) return out;
  std::map<std::string, std::string> taken;  // id → the file that has it
  for (const std::string& relative : files) {
    std::string problems;
    auto a = read_one(dir, relative, &problems);
    if (!a) {
      out.invalid.push_back({relative, problems});
      continue;
    }
    auto [it, inserted] = taken.emplace(a->id, relative);
    if (!inserted) {
      out.invalid.push_back({relative, (dir / relative).string() + ": error: the id " + a->id +
                                           " is already declared by " + it->second + "\n"});
      continue;
    }
    out.automations.push_back(std::move(*a));
  }
  std::sort(out.automations.begin(), out.automations.end(), by_source);
  return out;
}

bool same_automation(const store::Automation& a, const store::Automation& b) {
  if (a.name != b.name || a.description != b.description || a.workflow != b.workflow ||
      a.status != b.status || a.webhook_url != b.webhook_url || a.source_path != b.source_path)
    return false;
  return a.plan.is_null() || b.plan.is_null() || a.plan == b.plan;
}

AutomationDiff diff_automations(const std::vector<store::Automation>& desired,
                                const std::vector<store::Automation>& existing,
                                const std::set<std::string>& keep_sources) {
  AutomationDiff diff;
  std::map<std::string, const store::Automation*> by_id;
  for (const auto& e : existing) by_id[e.id] = &e;
  std::set<std::string> wanted;
  for (const auto& d : desired) {
    wanted.insert(d.id);
    auto it = by_id.find(d.id);
    if (it == by_id.end()) {
      diff.create.push_back(d);
    } else if (same_automation(d, *it->second)) {
      diff.unchanged.push_back(*it->second);
    } else {
      store::Automation u = d;
      u.created_at = it->second->created_at;
      u.updated_at = it->second->updated_at;
      diff.update.push_back(std::move(u));
    }
  }
  for (const auto& e : existing) {
    if (e.source_path.empty() || wanted.count(e.id) || keep_sources.count(e.source_path)) continue;
    diff.remove.push_back(e);
  }
  for (auto* list : {&diff.create, &diff.update, &diff.unchanged, &diff.remove})
    std::sort(list->begin(), list->end(), by_source);
  return diff;
}

std::string describe(const LoadReport& report) {
  if (!report.error.empty()) return "workflows: " + report.error + "\n";
  std::string out;
  for (const auto& bad : report.invalid) out += bad.diagnostics;
  out += "workflows: " + std::to_string(report.created.size()) + " created, " +
         std::to_string(report.updated.size()) + " updated, " +
         std::to_string(report.deleted.size()) + " deleted, " +
         std::to_string(report.unchanged.size()) + " unchanged, " +
         std::to_string(report.invalid.size()) + " invalid";
  for (size_t i = 0; i < report.invalid.size(); ++i)
    out += (i == 0 ? " (skipped: " : ", ") + report.invalid[i].path;
  out += report.invalid.empty() ? "\n" : ")\n";
  return out;
}

LoadReport load_workflow_dir(store::Store& store, const fs::path& dir) {
  LoadReport report;
  DesiredAutomations desired = read_workflow_dir(dir);
  if (!desired.error.empty()) {
    report.error = desired.error;
    return report;
  }
  std::vector<store::Automation> existing;
  store::ListQuery q;
  q.limit = 100;
  q.order = store::Order::Asc;
  for (;;) {
    auto page = store.list_automations(q);
    if (!page) break;
    for (auto& a : page->items) existing.push_back(std::move(a));
    if (!page->has_more || existing.empty()) break;
    q.after = existing.back().id;
  }
  std::set<std::string> keep;
  for (const auto& bad : desired.invalid) keep.insert(bad.path);
  AutomationDiff diff = diff_automations(desired.automations, existing, keep);

  for (const auto& a : diff.create) report.created.push_back(store.create_automation(a).id);
  for (const auto& a : diff.update) {
    // Deleted between the list and now (another writer): create it again.
    if (!store.update_automation(a)) store.create_automation(a);
    report.updated.push_back(a.id);
  }
  for (const auto& a : diff.unchanged) report.unchanged.push_back(a.id);
  for (const auto& a : diff.remove) {
    store.delete_automation(a.id);
    report.deleted.push_back(a.id);
  }
  report.invalid = std::move(desired.invalid);
  return report;
}

}  // namespace wfc::automation
