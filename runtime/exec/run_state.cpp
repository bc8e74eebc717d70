// JSON of runs and tasks (see run_state.h).
#include "runtime/exec/run_state.h"

#include <chrono>
#include <cmath>

#include "runtime/net/redact.h"

namespace wfc::exec {
namespace {

nlohmann::json timestamp(int64_t t) { return t ? nlohmann::json(t) : nlohmann::json(nullptr); }

nlohmann::json error_json(const std::optional<TaskError>& e) {
  if (!e) return nullptr;
  return {{"kind", e->kind}, {"message", e->message}};
}

}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

nlohmann::json TaskState::to_json(const std::string& run_id) const {
  nlohmann::json j = {
      {"id", id},
      {"object", "task"},
      {"kind", kind},
      {"node", node},
      {"status", model::status_name(status)},
      {"run_id", run_id},
      {"parent_id", parent.empty() ? nlohmann::json(nullptr) : nlohmann::json(parent)},
      {"progress", std::floor(progress)},
      {"options", net::redact_urls(options)},  // shown in events and webhooks
      {"inputs", inputs},
      {"outputs", outputs},
      {"metadata", nlohmann::json::object()},
      {"error", error_json(error)},
      {"created_at", timestamp(created_at)},
      {"started_at", timestamp(started_at)},
      {"finished_at", timestamp(finished_at)},
      {"updated_at", timestamp(updated_at)},
  };
  if (skipped) {
    j["skipped"] = true;
    j["skip_reason"] = skip_reason;
  }
  if (predicate) j["predicate"] = predicate->to_json();
  return j;
}

nlohmann::json RunState::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const TaskState& t : tasks) list.push_back(t.to_json(id));
  return {
      {"id", id},
      {"object", "run"},
      {"status", model::status_name(status)},
      {"progress", std::floor(progress)},
      {"tasks", std::move(list)},
      {"metadata", metadata},
      {"error", error_json(error)},
      {"created_at", timestamp(created_at)},
      {"started_at", timestamp(started_at)},
      {"finished_at", timestamp(finished_at)},
      {"updated_at", timestamp(updated_at)},
  };
}

}  // namespace wfc::exec
