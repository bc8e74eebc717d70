// JSON of stored objects (see wire_json.h).
#include "runtime/store/wire_json.h"

#include <cmath>

#include "runtime/net/redact.h"

namespace wfc::store {
namespace {

nlohmann::json timestamp(int64_t t) { return t ? nlohmann::json(t) : nlohmann::json(nullptr); }
nlohmann::json or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// The first File object of a task's inputs or outputs; null when there is none.
nlohmann::json first_file(const nlohmann::json& files) {
  if (!files.is_array() || files.empty() || !files[0].is_object()) return nullptr;
  return files[0];
}

}  // namespace

nlohmann::json to_json(const Task& t) {
  nlohmann::json j = {
      {"id", t.id},
      {"object", "task"},
      {"kind", t.kind},
      {"node", t.node},
      {"status", model::status_name(t.status)},
      {"run_id", t.run_id},
      {"parent_id", or_null(t.parent_id)},
      {"progress", std::floor(t.progress)},
      {"options", net::redact_urls(t.options)},
      // seeds/004: the one File a task reads and the one it makes; seeds/001: all of them.
      {"input", first_file(t.inputs)},
      {"output", first_file(t.outputs)},
      {"inputs", t.inputs},
      {"outputs", t.outputs},
      {"error", t.error},
      {"created_at", timestamp(t.created_at)},
      {"started_at", timestamp(t.started_at)},
      {"finished_at", timestamp(t.finished_at)},
      {"updated_at", timestamp(t.updated_at)},
  };
  if (!t.skip_reason.empty()) {
    j["skipped"] = true;
    j["skip_reason"] = t.skip_reason;
  }
  if (!t.predicate.is_null()) j["predicate"] = t.predicate;
  return j;
}

nlohmann::json to_json(const Run& r) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const Task& t : r.tasks) tasks.push_back(to_json(t));
  return {
      {"id", r.id},
      {"object", "run"},
      {"status", model::status_name(r.status)},
      {"progress", std::floor(r.progress)},
      {"automation_id", or_null(r.automation_id)},
      {"input", or_null(net::redact_url(r.input_url))},
      {"tasks", std::move(tasks)},
      {"metadata", r.metadata},
      {"error", r.error},
      {"created_by", or_null(r.created_by)},
      {"created_at", timestamp(r.created_at)},
      {"started_at", timestamp(r.started_at)},
      {"finished_at", timestamp(r.finished_at)},
      {"updated_at", timestamp(r.updated_at)},
  };
}

nlohmann::json to_json(const Automation& a) {
  return {
      {"id", a.id},
      {"object", "automation"},
      {"name", a.name},
      {"description", a.description},
      {"workflow", net::redact_urls(a.workflow)},
      {"status", a.status},
      {"webhook_url", or_null(net::redact_url(a.webhook_url))},
      {"source", or_null(a.source_path)},
      {"created_at", timestamp(a.created_at)},
      {"updated_at", timestamp(a.updated_at)},
  };
}

nlohmann::json to_json(const Event& e) {
  return {{"id", e.id},
          {"object", "event"},
          {"kind", e.kind},
          {"data", e.data},
          {"created_at", timestamp(e.created_at)}};
}

nlohmann::json to_json(const File& f) {
  nlohmann::json j = f.data.is_object() ? f.data : nlohmann::json::object();
  j["id"] = f.id;
  j["object"] = "file";
  j["run_id"] = f.run_id;
  j["task_id"] = or_null(f.task_id);
  j["status"] = f.deleted_at ? "deleted" : "ready";
  j["created_at"] = timestamp(f.created_at);
  j["deleted_at"] = timestamp(f.deleted_at);
  return j;
}

nlohmann::json to_json(const ApiKey& k) {
  return {
      {"id", k.id},
      {"object", "key"},
      {"name", k.name},
      {"status", k.status},
      {"source", k.source},
      {"created_by", k.created_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.created_by)},
      {"hint", k.hint.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.hint)},
      {"created_at", timestamp(k.created_at)},
      {"updated_at", timestamp(k.updated_at)}};
}

}  // namespace wfc::store
