// GET /metrics's text (see metrics.h).
#include "runtime/api/metrics.h"

#include <fmt/format.h>

#include "runtime/model/status.h"

namespace wfc::api {

void Metrics::observe_task(std::string_view kind, std::string_view status, double seconds) {
  std::lock_guard lock(mu_);
  Histogram& h = durations_[{std::string(kind), std::string(status)}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(const store::StatusCounts& counts) const {
  constexpr model::Status kAll[] = {model::Status::Waiting,   model::Status::Validating,
                                    model::Status::Queued,    model::Status::Processing,
                                    model::Status::Finishing, model::Status::Succeeded,
                                    model::Status::Failed,    model::Status::Cancelled};
  std::string out;
  auto by_status = [&](std::string_view name, std::string_view help,
                       const std::vector<std::pair<model::Status, int64_t>>& rows) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    for (model::Status s : kAll) {
      int64_t n = 0;
      for (const auto& [status, count] : rows) {
        if (status == s) n = count;
      }
      out += fmt::format("{}{{status=\"{}\"}} {}\n", name, model::status_name(s), n);
    }
  };
  by_status("wfc_runs", "Runs in the store by status.", counts.runs);
  by_status("wfc_tasks", "Tasks in the store by status.", counts.tasks);
  int64_t queued = 0;
  for (const auto& [status, count] : counts.runs) {
    if (status == model::Status::Queued) queued = count;
  }
  out += "# HELP wfc_queue_depth Runs waiting for a worker.\n# TYPE wfc_queue_depth gauge\n";
  out += fmt::format("wfc_queue_depth {}\n", queued);
  out += "# HELP wfc_runs_created_total Runs created through this process.\n";
  out += "# TYPE wfc_runs_created_total counter\n";
  out += fmt::format("wfc_runs_created_total {}\n", runs_created_.load());
  out += "# HELP wfc_task_duration_seconds Wall time of the tasks this process executed.\n";
  out += "# TYPE wfc_task_duration_seconds histogram\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, h] : durations_) {
    std::string labels = fmt::format("kind=\"{}\",status=\"{}\"", key.first, key.second);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("wfc_task_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                         kBuckets[i], h.buckets[i]);
    }
    out += fmt::format("wfc_task_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
    out += fmt::format("wfc_task_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
    out += fmt::format("wfc_task_duration_seconds_count{{{}}} {}\n", labels, h.count);
  }
  return out;
}

}  // namespace wfc::api
